package io.oobwatch.watchdog.quality;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** One quality or cost signal of a pipeline, as configured: what it measures and when it pages. */
public sealed interface Signal {
  /** The signal's name in the config ("refusal_rate"): its alert's check and its row in /status. */
  String name();

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
  }

  /** A single request using more than {@code max} tokens, its {@code fields} added up. */
  record RequestMax(String name, List<FieldPath> fields, double max) implements Signal {
    public RequestMax {
      Objects.requireNonNull(name, "name");
      fields = List.copyOf(fields);
    }
  }

  /** Today's spend (UTC day) forecast above {@code cap}, the field summed over requests. */
  record DailySpend(String name, FieldPath field, double cap) implements Signal {
    public DailySpend {
      Objects.requireNonNull(name, "name");
    }
  }
}
