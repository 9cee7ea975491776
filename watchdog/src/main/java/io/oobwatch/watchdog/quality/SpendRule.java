package io.oobwatch.watchdog.quality;

import io.oobwatch.watchdog.config.Signal;

import io.oobwatch.watchdog.detect.Finding;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Today's spend forecast (the UTC day) against a cap. Pure.
 *
 * <p>Forecast = spent so far today + the expected rest of the day. The expected spend of each hour
 * still to come is the median of that hour on the last 7 days, scaled by how today's last
 * {@value #LEVEL_HOURS} hours compare with the same hours on those days (traffic moving to an
 * expensive model raises the whole rest of the day); hours without past days are left out of that
 * comparison, and with less than an hour compared the scale is 1. Without a past day for an hour, the rest of
 * the day is the last hour's spend rate held until midnight. No forecast before an hour of
 * history. The text says at what time the cap would be crossed.
 *
 * <p>Pages at most once a day: the alert resolves only once the forecast is back under {@value
 * #RESOLVE_BELOW} of the cap on a later day than it was raised.
 */
public final class SpendRule {
  static final int LEVEL_HOURS = 2;
  static final double RESOLVE_BELOW = 0.9;
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm'Z'").withZone(ZoneOffset.UTC);

  private final Signal.DailySpend signal;

  public SpendRule(Signal.DailySpend signal) {
    this.signal = signal;
  }

  /** Hours of history the rule reads: the last 7 days and today. */
  public static final Duration HISTORY = Duration.ofDays(8);

  /**
   * @param hourly spend per hour by the hour's start, the current hour so far included
   * @param openedAt when this rule's open alert was raised; null when none is open
   * @param largest this hour's most expensive requests, most expensive first: the page names them
   */
  public Judgement judge(Map<Instant, Double> hourly, Instant now, Instant openedAt, List<Tally.Example> largest) {
    Instant day = now.truncatedTo(ChronoUnit.DAYS);
    Instant hour = now.truncatedTo(ChronoUnit.HOURS);
    Instant midnight = day.plus(Duration.ofDays(1));
    double spent = 0;
    for (Instant h = day; !h.isAfter(hour); h = h.plus(Duration.ofHours(1))) {
      spent += hourly.getOrDefault(h, 0.0);
    }
    double elapsed = Duration.between(hour, now).toSeconds() / 3600.0;
    // the expected spend of each hour still to come, before the level scaling
    List<Double> typical = new ArrayList<>();
    boolean shaped = true;
    for (Instant h = hour; h.isBefore(midnight); h = h.plus(Duration.ofHours(1))) {
      Double t = typical(hourly, h);
      shaped &= t != null;
      typical.add(t == null ? 0 : t);
    }
    double level;
    String how;
    List<Double> rest = new ArrayList<>();
    if (shaped) {
      double actual = 0;
      double usual = 0;
      double covered = 0;
      for (int i = 0; i < LEVEL_HOURS; i++) {
        Instant h = hour.minus(Duration.ofHours(i));
        double share = i == 0 ? elapsed : 1;
        Double t = typical(hourly, h);
        if (t != null) { // an hour without past days says nothing about the level
          actual += hourly.getOrDefault(h, 0.0);
          usual += t * share;
          covered += share;
        }
      }
      // under an hour compared (just after midnight on a new install) is too little to scale a day by
      level = usual > 0 && covered >= 1 ? actual / usual : 1;
      how = "the usual shape of the day" + (Math.abs(level - 1) >= 0.05 ? String.format(java.util.Locale.ROOT,
          " x%.1f (the last %dh vs the same hours on recent days)", level, LEVEL_HOURS) : "");
      for (int i = 0; i < typical.size(); i++) {
        rest.add(typical.get(i) * level * (i == 0 ? 1 - elapsed : 1));
      }
    } else {
      Double previous = hourly.get(hour.minus(Duration.ofHours(1)));
      if (previous == null) {
        return new Judgement(Finding.undecided("spent " + Words.money(spent) + " today; no forecast before an hour of history"),
            new Judgement.Figure(spent, null, null, 0));
      }
      double perHour = previous * (1 - elapsed) + hourly.getOrDefault(hour, 0.0);
      how = "the last hour's rate (" + Words.money(perHour) + "/h) until midnight, no past days yet";
      for (int i = 0; i < typical.size(); i++) {
        rest.add(perHour * (i == 0 ? 1 - elapsed : 1));
      }
    }
    double forecast = spent + rest.stream().mapToDouble(Double::doubleValue).sum();
    Double usualDay = usualDay(hourly, day);
    Judgement.Figure figure = new Judgement.Figure(forecast, usualDay, null, 0);
    String current = signal.words() + " forecast " + Words.money(forecast) + " today, cap " + Words.money(signal.cap());
    String basis = "Spent " + Words.money(spent) + " by " + CLOCK.format(now) + ", then " + how;
    if (forecast > signal.cap()) {
      String ex = Words.examples(largest.stream().map(Tally.Example::id).toList());
      return new Judgement(Finding.bad(current, basis + "; crosses the cap " + crossing(spent, rest, now, hour) + "."
          + (ex.isEmpty() ? "" : " Costliest this hour: " + ex)), figure);
    }
    boolean later = openedAt == null || openedAt.isBefore(day);
    if (forecast >= signal.cap() * RESOLVE_BELOW || !later) {
      return new Judgement(Finding.undecided(current + "; " + (later ? "not yet under " + Math.round(RESOLVE_BELOW * 100)
          + "% of the cap" : "paged today already: resolves on a later day")), figure);
    }
    return new Judgement(Finding.ok(current + (usualDay == null ? "" : ", usual day " + Words.money(usualDay))), figure);
  }

  /** "already" or "at about 15:40Z". */
  private String crossing(double spent, List<Double> rest, Instant now, Instant hour) {
    if (spent >= signal.cap()) {
      return "already";
    }
    return "at about " + CLOCK.format(crossesAt(spent, rest, now, hour));
  }

  private Instant crossesAt(double spent, List<Double> rest, Instant now, Instant hour) {
    double total = spent;
    Instant from = now;
    for (int i = 0; i < rest.size(); i++) {
      Instant to = hour.plus(Duration.ofHours(i + 1));
      double r = rest.get(i);
      if (total + r >= signal.cap() && r > 0) {
        double share = (signal.cap() - total) / r;
        return from.plusSeconds(Math.round(Duration.between(from, to).toSeconds() * share));
      }
      total += r;
      from = to;
    }
    return from;
  }

  /** The median spend of the hour {@code h} starts on the last 7 days; null without any. */
  private static Double typical(Map<Instant, Double> hourly, Instant h) {
    List<Double> days = new ArrayList<>();
    for (int d = 1; d <= 7; d++) {
      Double v = hourly.get(h.minus(Duration.ofDays(d)));
      if (v != null) {
        days.add(v);
      }
    }
    return days.isEmpty() ? null : RateRule.median(days);
  }

  /** The median of the last 7 whole days' spend; null without a whole past day. */
  private static Double usualDay(Map<Instant, Double> hourly, Instant today) {
    List<Double> days = new ArrayList<>();
    for (int d = 1; d <= 7; d++) {
      Instant start = today.minus(Duration.ofDays(d));
      double sum = 0;
      int hours = 0;
      for (int h = 0; h < 24; h++) {
        Double v = hourly.get(start.plus(Duration.ofHours(h)));
        if (v != null) {
          sum += v;
          hours++;
        }
      }
      if (hours == 24) {
        days.add(sum);
      }
    }
    return days.isEmpty() ? null : RateRule.median(days);
  }
}
