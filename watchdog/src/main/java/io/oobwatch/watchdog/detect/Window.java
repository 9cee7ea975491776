package io.oobwatch.watchdog.detect;

import java.time.Duration;

/**
 * Known per-minute observations in a span of time, each weighing the time it covers: a whole
 * minute, or only part of one (the current minute, read so far).
 *
 * @param values how many observations (minutes) are known
 * @param weightedSum the sum of each value times the seconds it covers
 * @param seconds the seconds the known observations cover: the span really judged
 */
public record Window(int values, double weightedSum, double seconds) {
  /** {@code values} whole minutes whose values add up to {@code sum}. */
  public Window(int values, double sum) {
    this(values, sum * 60, values * 60.0);
  }

  /** The mean value, each observation weighed by the time it covers; 0 with no values. */
  public double mean() {
    return seconds <= 0 ? 0 : weightedSum / seconds;
  }

  /** The time the known observations cover. */
  public Duration span() {
    return Duration.ofSeconds(Math.round(seconds));
  }
}
