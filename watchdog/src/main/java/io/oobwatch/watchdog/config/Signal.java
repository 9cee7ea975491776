package io.oobwatch.watchdog.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** One quality or cost signal of a pipeline, as configured: what it measures and when it pages. */
public sealed interface Signal {
  /** The signal's name in the config ("refusal_rate"): its alert's check and its row in /status. */
  String name();

  /** What pages, in a few words, for {@code validate}: "refusal_rate: finish_reason in [content_filter] 5σ above its baseline". */
  String describe();

  /** The name as people read it: "refusal rate". */
  default String words() {
    return name().replace('_', ' ');
  }

  /**
   * The share of requests whose {@code field} is {@code in} (or, negated, not in) a set of values,
   * against its baseline.
   *
   * @param sigma how many standard errors above the baseline pages
   * @param minSamples fewer requests in the window never page (1 refusal in 10 requests is noise)
   */
  record Rate(String name, FieldPath field, Set<String> values, boolean notIn, double sigma, int minSamples,
      Duration window) implements Signal {
    public Rate {
      Objects.requireNonNull(name, "name");
      values = Set.copyOf(values);
    }

    @Override
    public String describe() {
      return name + ": share of " + field + (notIn ? " not in " : " in ") + new java.util.TreeSet<>(values) + " "
          + (sigma == Math.rint(sigma) ? String.valueOf((long) sigma) : String.valueOf(sigma)) + "σ above its baseline"
          + " over " + window.toMinutes() + "m (min " + minSamples + " requests)";
    }
  }

  /** Which side of its threshold pages. */
  enum Bound {
    BELOW,
    ABOVE
  }

  /**
   * The mean, or a quantile, of a numeric field over the window against a fixed threshold.
   *
   * @param quantile null for the mean; 0.95 for p95
   */
  record Mean(String name, FieldPath field, Bound bound, double threshold, Double quantile, int minSamples,
      Duration window) implements Signal {
    public Mean {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String describe() {
      return name + ": " + (quantile == null ? "mean" : "p" + Math.round(quantile * 100)) + " of " + field + " over "
          + window.toMinutes() + "m " + bound.name().toLowerCase(java.util.Locale.ROOT) + " " + threshold;
    }
  }

  /** A single request using more than {@code max} tokens, its {@code fields} added up. */
  record RequestMax(String name, List<FieldPath> fields, double max) implements Signal {
    public RequestMax {
      Objects.requireNonNull(name, "name");
      fields = List.copyOf(fields);
    }

    @Override
    public String describe() {
      return name + ": one request's " + String.join(" + ", fields.stream().map(FieldPath::path).toList()) + " above "
          + Math.round(max) + " (once per session)";
    }
  }

  /** Today's spend (UTC day) forecast above {@code cap}, the field summed over requests. */
  record DailySpend(String name, FieldPath field, double cap) implements Signal {
    public DailySpend {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String describe() {
      return name + ": today's forecast sum of " + field + " above " + cap + " (at most one page a day)";
    }
  }
}
