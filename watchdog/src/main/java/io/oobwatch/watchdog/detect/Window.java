package io.oobwatch.watchdog.detect;

/** Known observations in a span of time: how many, and the sum of their values. */
public record Window(int values, double sum) {
  /** The mean value, or 0 with no values. */
  public double mean() {
    return values == 0 ? 0 : sum / values;
  }
}
