package io.oobwatch.watchdog.quality;

import io.oobwatch.watchdog.detect.Finding;
import io.oobwatch.watchdog.detect.Numbers;
import java.time.Duration;
import java.time.Instant;

/**
 * The tap's own health: a tap that cannot read the stream for {@link #BEHIND}, or that has records
 * left to read while the newest it read was logged more than {@link #BEHIND} ago, has fallen
 * behind, and every quality and cost figure is stale. Resolves once it reads within {@link
 * #CAUGHT_UP} of the end. Pure.
 */
public final class TapRule {
  public static final Duration BEHIND = Duration.ofMinutes(2);
  static final Duration CAUGHT_UP = Duration.ofSeconds(30);

  private TapRule() {}

  public static Judgement judge(String where, TapHealth h, Instant now) {
    double lag = h.lag();
    Judgement.Figure figure = new Judgement.Figure(lag, null, null, h.records());
    if (h.problem() != null) {
      Duration down = Duration.between(h.problemSince(), now);
      if (down.compareTo(BEHIND) >= 0) {
        return new Judgement(Finding.bad("the quality tap cannot read " + where + " for " + Numbers.span(down),
            h.problem() + "; quality and cost signals are not judged meanwhile."), figure);
      }
      return new Judgement(Finding.undecided("cannot read " + where + " for " + Numbers.span(down) + ": " + h.problem()),
          figure);
    }
    if (h.polledAt() == null) {
      return new Judgement(Finding.undecided("starting"), figure);
    }
    Duration behind = h.newest() == null || h.lag() <= 0 ? Duration.ZERO : Duration.between(h.newest(), now);
    String status = (h.lag() < 0 ? "lag unknown" : Words.count(h.lag()) + " records behind")
        + (behind.isZero() ? "" : ", reading records logged " + Numbers.span(behind) + " ago");
    if (behind.compareTo(BEHIND) > 0) {
      return new Judgement(Finding.bad("the quality tap on " + where + " is " + Numbers.span(behind) + " behind",
          Words.count(h.lag()) + " records to read; quality and cost figures are that old."), figure);
    }
    if (behind.compareTo(CAUGHT_UP) > 0) {
      return new Judgement(Finding.undecided(status + "; not yet caught up"), figure);
    }
    return new Judgement(Finding.ok(status), figure);
  }
}
