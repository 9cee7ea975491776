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
    /**
     * The default {@code sigma}. A window judged every minute is judged about 10,000 times a week, and
     * binomial noise alone crosses 3σ about once in 740 judgements: on the simulated week of
     * realistic traffic the tests run (QualityWeekTest), a refusal and a safety rate gave 48 false
     * pages at sigma 3, 2 at sigma 4 and none at 5. A spread taken from past days cannot remove
     * them: that traffic has no day-to-day spread beyond the binomial, the pages are chance in the
     * window.
     */
    public static final double DEFAULT_SIGMA = 5;

    public Rate {
      Objects.requireNonNull(name, "name");
      values = Set.copyOf(values);
    }

    /** What a {@code sigma} below {@link #DEFAULT_SIGMA} costs, for {@code validate}; empty at or above it. */
    public java.util.Optional<String> warning() {
      if (sigma >= DEFAULT_SIGMA) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(name + ": sigma " + number(sigma) + " is below the default " + number(DEFAULT_SIGMA)
          + ". The " + window.toMinutes() + "m window is judged every minute, about 10,000 times a week, and chance"
          + " alone crosses a low line on some of those (3σ: about once in 740): on a simulated week of realistic"
          + " traffic with no incident, a refusal and a safety rate gave 48 false pages at sigma 3, 2 at sigma 4, none"
          + " at 5. Use " + number(DEFAULT_SIGMA) + " unless you want those pages.");
    }

    private static String number(double v) {
      return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    @Override
    public String describe() {
      return name + ": share of " + field + (notIn ? " not in " : " in ") + new java.util.TreeSet<>(values) + " "
          + number(sigma) + "σ above its baseline"
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
