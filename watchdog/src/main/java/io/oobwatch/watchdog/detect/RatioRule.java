package io.oobwatch.watchdog.detect;

import java.time.Duration;

/**
 * A pipeline that loses records while traffic is normal: over the same window, what reaches the
 * sink is less than {@code min} of what the source sent. Pure. Judged only when both windows are
 * at least half observed and the source is above its own floor ({@code min_per_minute}).
 */
public final class RatioRule {
  private final double min;
  private final Duration window;

  /** @param min a fraction (0.9 for 90%) */
  public RatioRule(double min, Duration window) {
    this.min = min;
    this.window = window;
  }

  public Finding judge(String sink, Window sinkWindow, String source, Window sourceWindow, int expected,
      double sourceFloor) {
    if (!VolumeRule.enough(sinkWindow, expected) || !VolumeRule.enough(sourceWindow, expected)) {
      return Finding.undecided("too few observations of " + sink + " or " + source + " in the last " + Numbers.span(window));
    }
    double in = sourceWindow.mean();
    double out = sinkWindow.mean();
    if (in <= 0 || in < sourceFloor) {
      return Finding.undecided("quiet: " + source + " at " + Numbers.rate(in) + " is too little to compare");
    }
    double ratio = out / in;
    String evidence = Numbers.rate(out) + " vs " + Numbers.rate(in) + " over " + Numbers.span(window) + " ("
        + Numbers.percent(ratio) + "; min " + Numbers.percent(min) + ")";
    if (ratio < min) {
      return Finding.bad(sink + " receives " + Numbers.percent(ratio) + " of what " + source + " sends", evidence + ".");
    }
    return Finding.ok(evidence);
  }
}
