package io.oobwatch.probes.canary;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in a config or a silence ("500ms", "1.5s", "30s", "5m", "1h30m",
 * "1d") and read them in a page ("40ms", "0.4s", "90s", "2m30s", "5m", "2h").
 */
public final class Durations {
  /**
   * What {@link #parse} gives for a text longer than this: the longest duration whose
   * {@code toMillis()} cannot overflow. Every reader checks a range, so this value is refused
   * with the text as written instead of wrapping around to a short or negative period.
   */
  public static final Duration SATURATED = Duration.ofMillis(Long.MAX_VALUE);

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
  private static final BigDecimal LONGEST_MILLIS = BigDecimal.valueOf(Long.MAX_VALUE);

  private Durations() {}

  /**
   * Reads a number and a unit ({@code ms s m h d}), or a sum of them ({@code 1h30m}), to the
   * millisecond (a fraction of a millisecond is dropped). Exact for any length: a value beyond
   * {@link #SATURATED} is {@link #SATURATED}.
   *
   * @return null when the text is not such a duration
   */
  public static Duration parse(String text) {
    if (text == null) {
      return null;
    }
    String t = text.strip();
    if (t.isEmpty()) {
      return null;
    }
    Matcher m = PART.matcher(t);
    BigDecimal millis = BigDecimal.ZERO;
    int at = 0;
    while (at < t.length()) {
      m.region(at, t.length());
      if (!m.lookingAt()) {
        return null;
      }
      millis = millis.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitMillis(m.group(2)))));
      at = m.end();
    }
    return millis.compareTo(LONGEST_MILLIS) > 0 ? SATURATED : Duration.ofMillis(millis.longValue());
  }

  private static long unitMillis(String unit) {
    switch (unit) {
      case "ms":
        return 1;
      case "s":
        return 1_000;
      case "m":
        return 60_000;
      case "h":
        return 3_600_000;
      default:
        return 86_400_000;
    }
  }

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

  /**
   * A duration the way one writes it in a config, exactly, in its largest whole unit: "100ms",
   * "90s", "1m", "6h", "30d".
   */
  public static String write(Duration d) {
    long ms = d.toMillis();
    long[] units = {86_400_000, 3_600_000, 60_000, 1_000};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms != 0 && ms % units[i] == 0) {
        return ms / units[i] + names[i];
      }
    }
    return ms == 0 ? "0s" : ms + "ms";
  }
}
