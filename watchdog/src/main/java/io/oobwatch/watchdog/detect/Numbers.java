package io.oobwatch.watchdog.detect;

import io.oobwatch.probes.canary.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the rules write numbers, rates, times and spans for people. */
public final class Numbers {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE_CLOCK =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private Numbers() {}

  /** "412/min", "3.5/min". */
  public static String rate(double perMinute) {
    return amount(perMinute) + "/min";
  }

  static String amount(double d) {
    if (Math.abs(d) >= 10 || d == Math.rint(d)) {
      return String.valueOf(Math.round(d));
    }
    return String.format(java.util.Locale.ROOT, "%.1f", d);
  }

  /** Large counts shortened: 12034, 120.5k, 1.2M. */
  public static String count(double d) {
    if (d >= 1_000_000) {
      return String.format(java.util.Locale.ROOT, "%.1fM", d / 1_000_000);
    }
    if (d >= 100_000) {
      return String.format(java.util.Locale.ROOT, "%.1fk", d / 1_000);
    }
    return String.valueOf(Math.round(d));
  }

  /** "-31%", "+4%": the change from {@code base} to {@code now}. */
  static String change(double now, double base) {
    long pct = Math.round((now - base) * 100 / base);
    return (pct > 0 ? "+" : "") + pct + "%";
  }

  static String percent(double fraction) {
    return Math.round(fraction * 100) + "%";
  }

  /** "08:41:12Z" within a day of {@code now}, with the date beyond. */
  static String time(Instant t, Instant now) {
    return Duration.between(t, now).abs().compareTo(Duration.ofHours(20)) < 0 ? CLOCK.format(t) : DATE_CLOCK.format(t);
  }

  /** A span as a person says it, rounded down: "45s", "7m", "3h", "2d". */
  public static String span(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 2 * 3600) {
      return (s / 60) + "m";
    }
    if (s < 2 * 86_400) {
      return (s / 3600) + "h";
    }
    return (s / 86_400) + "d";
  }

  /**
   * The span a window really covered, to the second: "15m", "1m15s", "14m30s", "45s"; from 2 hours
   * on, to the minute: "2h", "2h14m".
   */
  static String judged(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 2 * 3600) {
      return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
    }
    return (s / 3600) + "h" + (s % 3600 / 60 == 0 ? "" : (s % 3600 / 60) + "m");
  }

  /** "same time yesterday", "a week ago", "same time 3d ago". */
  static String ago(Duration d) {
    if (d.equals(Duration.ofDays(1))) {
      return "same time yesterday";
    }
    if (d.equals(Duration.ofDays(7))) {
      return "same time a week ago";
    }
    return "same time " + Durations.format(d) + " ago";
  }
}
