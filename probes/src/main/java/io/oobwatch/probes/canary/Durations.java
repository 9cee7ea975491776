package io.oobwatch.probes.canary;

import java.time.Duration;
import java.util.Locale;

/** Durations as people read them in a page: "40ms", "0.4s", "90s", "2m30s", "5m", "2h". */
public final class Durations {
  private Durations() {}

  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 100) {
      return ms + "ms";
    }
    if (ms < 10_000 && ms % 1000 != 0) {
      return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    long s = Math.round(ms / 1000.0);
    if (s < 120) {
      return s + "s";
    }
    if (s % 60 != 0) {
      return (s / 60) + "m" + (s % 60) + "s";
    }
    long m = s / 60;
    if (m < 120 || m % 60 != 0) {
      return m + "m";
    }
    return (m / 60) + "h";
  }
}
