package io.oobwatch.watchdog.detect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Volume drop and ceiling over a window of per-minute observations. Pure: the windows are inputs,
 * computed from oobwatch's own stored history (never from the monitored stores), so a restart
 * changes nothing.
 *
 * <p>Drop: the mean rate over the last {@code window} is more than {@code drop} below the mean over
 * the same window {@code baseline} ago, for <b>every</b> baseline that has data (1d and 7d: a
 * quiet Saturday is not a drop when last Saturday was as quiet; a missing day falls back to the
 * other baseline). No baseline with data: no decision, and the status says "no baseline". A
 * baseline below {@code minPerMinute} is a quiet period, too small to judge. A window is judged only
 * when at least half of its minutes were observed: unknown minutes are never zeros.
 *
 * <p>A window's mean weighs each minute by the time its readings cover, so the current minute,
 * read so far, counts for the part of it that was read; the text names the span really judged
 * ("over 14m15s"), which is shorter than {@code window} by what is not yet read or not known.
 *
 * <p>A drop alert resolves once the window is back within half the drop of a baseline (20% drop:
 * above 90% of it); in between, nothing changes, so noise at the threshold does not flap.
 *
 * <p>Ceiling: the mean over the window above {@code maxPerMinute} (a flood, a runaway client);
 * resolves under 90% of it.
 */
public final class VolumeRule {
  /** A ceiling alert resolves once the window is back under this share of the ceiling. */
  static final double RESOLVE_BELOW_CEILING = 0.9;

  private final Duration window;
  private final double drop;
  private final double minPerMinute;
  private final Double maxPerMinute;

  /** The same window some time ago. */
  public record Baseline(Duration ago, Window window) {}

  /**
   * @param drop a fraction (0.2 for 20%)
   * @param minPerMinute 0 for no floor
   * @param maxPerMinute null for no ceiling
   */
  public VolumeRule(Duration window, double drop, double minPerMinute, Double maxPerMinute) {
    this.window = window;
    this.drop = drop;
    this.minPerMinute = minPerMinute;
    this.maxPerMinute = maxPerMinute;
  }

  /**
   * @param where the source in words: "kafka topic inference-logs"
   * @param now the last {@code window}
   * @param expected how many observations a full window holds (window / evaluation interval)
   * @param baselines the same window at each configured baseline, in order of preference
   */
  public Finding drop(String where, Window now, int expected, List<Baseline> baselines) {
    if (!enough(now, expected)) {
      return Finding.undecided("too few observations in the last " + Numbers.span(window) + " (" + now.values()
          + " of " + expected + ")");
    }
    List<Baseline> usable = new ArrayList<>();
    for (Baseline b : baselines) {
      if (enough(b.window(), expected)) {
        usable.add(b);
      }
    }
    String current = Numbers.rate(now.mean()) + " over " + Numbers.judged(now.span());
    if (usable.isEmpty()) {
      return Finding.undecided("no baseline: no observations " + String.join(" or ",
          baselines.stream().map(b -> Numbers.ago(b.ago())).toList()) + "; " + current);
    }
    StringBuilder compared = new StringBuilder();
    boolean belowAll = true;
    boolean recovered = false;
    for (Baseline b : usable) {
      double base = b.window().mean();
      compared.append(compared.length() == 0 ? "" : ", ").append(Numbers.rate(base)).append(' ')
          .append(Numbers.ago(b.ago())).append(" (").append(change(now.mean(), base)).append(')');
      if (base < minPerMinute) {
        return Finding.undecided("quiet: " + Numbers.rate(base) + " " + Numbers.ago(b.ago()) + " is below min_per_minute "
            + Numbers.amount(minPerMinute) + "; " + current);
      }
      belowAll &= now.mean() < base * (1 - drop);
      recovered |= now.mean() >= base * (1 - drop / 2);
    }
    String evidence = current + " vs " + compared;
    if (belowAll) {
      double first = usable.get(0).window().mean();
      return Finding.bad("log volume down " + Math.round((first - now.mean()) * 100 / first) + "% on " + where,
          evidence + ".");
    }
    if (!recovered) {
      // between the drop and half of it: neither fire nor resolve, so noise at the edge does not flap
      return Finding.undecided(evidence + "; not yet recovered");
    }
    return Finding.ok(evidence);
  }

  /** The ceiling finding; OK when no ceiling is configured. */
  public Finding ceiling(String where, Window now, int expected) {
    if (maxPerMinute == null) {
      return Finding.ok("no ceiling");
    }
    if (!enough(now, expected)) {
      return Finding.undecided("too few observations in the last " + Numbers.span(window));
    }
    String current = Numbers.rate(now.mean()) + " over " + Numbers.judged(now.span());
    if (now.mean() > maxPerMinute) {
      return Finding.bad("log volume above its ceiling on " + where,
          current + "; max_per_minute " + Numbers.amount(maxPerMinute) + ".");
    }
    if (now.mean() > maxPerMinute * RESOLVE_BELOW_CEILING) {
      return Finding.undecided(current + ", max " + Numbers.amount(maxPerMinute) + "; not yet recovered");
    }
    return Finding.ok(current + ", max " + Numbers.amount(maxPerMinute));
  }

  private static String change(double now, double base) {
    return base == 0 ? "n/a" : Numbers.change(now, base);
  }

  /** At least half the window observed (and at least one observation). */
  static boolean enough(Window w, int expected) {
    return w.values() > 0 && w.values() * 2 >= expected;
  }
}
