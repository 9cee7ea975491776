package io.oobwatch.watchdog.quality;

import io.oobwatch.watchdog.config.Signal;

import io.oobwatch.watchdog.detect.Finding;
import io.oobwatch.watchdog.detect.Numbers;
import java.util.ArrayList;
import java.util.List;

/**
 * The mean, or a quantile from the sketch, of a numeric field over the window against a fixed
 * threshold (confidence below 0.6, cost per request above $0.02). Pure. Judged only with at least
 * {@code min_samples} values in the window. Resolves once the value is back past the threshold by
 * {@value #RESOLVE_MARGIN} of it, so a value at the threshold does not flap. The baseline shown
 * beside it is the median of the same hour on the last 7 days; σ is the standard error of the mean.
 */
public final class MeanRule {
  static final double RESOLVE_MARGIN = 0.05;

  private final Signal.Mean signal;

  public MeanRule(Signal.Mean signal) {
    this.signal = signal;
  }

  /** The figure this rule judges in a tally: the mean or the quantile. */
  double value(Tally t) {
    Tally.Measure m = t.measure(signal.field().path());
    return signal.quantile() == null ? m.mean() : m.quantile(signal.quantile());
  }

  private String what() {
    return signal.words() + (signal.quantile() == null ? " mean" : " p" + Math.round(signal.quantile() * 100));
  }

  private String format(double v) {
    return signal.name().contains("cost") || signal.field().path().contains("cost") ? Words.money(v) : Words.number(v);
  }

  public Judgement judge(Tally window, List<Tally> sameHour) {
    Tally.Measure m = window.measure(signal.field().path());
    List<Double> days = new ArrayList<>();
    for (Tally t : sameHour) {
      if (t.measure(signal.field().path()).count() >= signal.minSamples()) {
        days.add(value(t));
      }
    }
    Double baseline = days.isEmpty() ? null : RateRule.median(days);
    double value = value(window);
    Double sigma = signal.quantile() == null && m.count() >= 2 ? m.standardError() : null;
    Judgement.Figure figure = new Judgement.Figure(value, baseline, sigma, m.count());
    String current = what() + " " + format(value) + " over " + Numbers.span(signal.window()) + " ("
        + Words.count(m.count()) + " requests)";
    if (m.count() < signal.minSamples()) {
      return new Judgement(Finding.undecided(what() + ": " + Words.count(m.count()) + " values over "
          + Numbers.span(signal.window()) + ", fewer than min_samples " + signal.minSamples() + " to judge"), figure);
    }
    boolean below = signal.bound() == Signal.Bound.BELOW;
    String limit = (below ? "below " : "above ") + format(signal.threshold());
    String usual = baseline == null ? "" : "; same hour, last " + days.size() + " days: " + format(baseline);
    boolean bad = below ? value < signal.threshold() : value > signal.threshold();
    if (bad) {
      // the requests furthest on the paging side: the lowest values for a lower bound, the highest for an upper one
      List<Tally.Example> worst = below ? m.lowest() : m.highest();
      String ex = Words.examples(worst.stream().map(Tally.Example::id).toList());
      return new Judgement(Finding.bad(current + ", " + limit, RateRule.capitalised(usual.isEmpty() ? "no baseline yet"
          : usual.substring(2)) + "." + (ex.isEmpty() ? "" : (below ? " Lowest: " : " Highest: ") + ex)), figure);
    }
    double margin = Math.abs(signal.threshold()) * RESOLVE_MARGIN;
    boolean back = below ? value >= signal.threshold() + margin : value <= signal.threshold() - margin;
    if (!back) {
      return new Judgement(Finding.undecided(current + ", threshold " + format(signal.threshold()) + usual
          + "; not yet back past it by " + Math.round(RESOLVE_MARGIN * 100) + "%"), figure);
    }
    return new Judgement(Finding.ok(current + ", threshold " + format(signal.threshold()) + usual), figure);
  }
}
