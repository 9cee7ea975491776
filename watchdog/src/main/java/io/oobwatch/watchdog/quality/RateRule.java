package io.oobwatch.watchdog.quality;

import io.oobwatch.watchdog.config.Signal;

import io.oobwatch.watchdog.detect.Finding;
import io.oobwatch.watchdog.detect.Numbers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A rate (refusals, safety-filter hits) is a proportion: matching requests over the requests in
 * the window that had the rate's field (one without it is a problem of the tap, not a request that
 * was not refused). Pure.
 *
 * <p>Baseline: the proportion in the same clock hour on each of the last 7 days that had at least
 * {@code min_samples} requests in it; with at least {@value #MIN_DAYS} such days, their median (a
 * past incident on one or two days moves the median little), and their spread as 1.4826 × the
 * median absolute deviation. With fewer days (a new install), the pooled proportion of the
 * {@value #RECENT_HOURS} hours before now.
 *
 * <p>σ is the binomial standard error of a proportion at the window's sample size, at the
 * baseline: {@code sqrt(p0 (1 - p0) / n)} (p0 taken as at least 1/n, so a baseline of zero does
 * not make one hit infinitely many σ). The rule pages when the window has at least {@code
 * min_samples} requests, is {@code sigma} σ above the baseline, and is above it by more than
 * {@code sigma} times the baseline's own day-to-day spread. It resolves below half that many σ; in
 * between nothing changes, so a rate at the threshold does not flap.
 */
public final class RateRule {
  static final int MIN_DAYS = 3;
  public static final int RECENT_HOURS = 3;
  private static final double MAD_TO_SD = 1.4826;

  private final Signal.Rate signal;

  public RateRule(Signal.Rate signal) {
    this.signal = signal;
  }

  /**
   * @param window the tally of the last {@code window}
   * @param sameHour the same clock hour on each of the last 7 days (missing days left out)
   * @param recent the {@value #RECENT_HOURS} hours before now, the baseline while there are too few days
   */
  public Judgement judge(Tally window, List<Tally> sameHour, Tally recent) {
    long n = window.judged(signal.name());
    long k = window.matches(signal.name());
    double p = n == 0 ? 0 : (double) k / n;
    String current = signal.words() + " " + Words.percent(p) + " over " + Numbers.span(signal.window()) + " ("
        + Words.count(n) + " requests)";
    List<Double> days = new ArrayList<>();
    for (Tally t : sameHour) {
      if (t.judged(signal.name()) >= signal.minSamples()) {
        days.add((double) t.matches(signal.name()) / t.judged(signal.name()));
      }
    }
    double p0;
    double spread;
    String source;
    if (days.size() >= MIN_DAYS) {
      p0 = median(days);
      List<Double> deviations = days.stream().map(d -> Math.abs(d - p0)).toList();
      spread = MAD_TO_SD * median(deviations);
      source = "same hour, last " + days.size() + " days";
    } else if (recent.judged(signal.name()) >= signal.minSamples()) {
      p0 = (double) recent.matches(signal.name()) / recent.judged(signal.name());
      spread = 0;
      source = "last " + RECENT_HOURS + "h";
    } else {
      return new Judgement(Finding.undecided(current + "; no baseline yet (needs " + MIN_DAYS
          + " days of the same hour, or " + RECENT_HOURS + "h of history)"), new Judgement.Figure(p, null, null, n));
    }
    if (n < signal.minSamples()) {
      return new Judgement(Finding.undecided(current + "; fewer than min_samples " + signal.minSamples() + " to judge"),
          new Judgement.Figure(p, p0, null, n));
    }
    double sigma = Math.sqrt(Math.max(p0, 1.0 / n) * (1 - Math.max(p0, 1.0 / n)) / n);
    double z = (p - p0) / sigma;
    Judgement.Figure figure = new Judgement.Figure(p, p0, sigma, n);
    String baseline = "baseline " + Words.percent(p0) + " ± " + Words.percent(sigma) + " (" + source + "): "
        + Words.sigmas(Math.abs(z)) + (z >= 0 ? " above" : " below");
    if (z >= signal.sigma() && p - p0 > signal.sigma() * spread) {
      String ex = Words.examples(window.examples(signal.name()));
      String evidence = capitalised(baseline) + "." + (ex.isEmpty() ? "" : " Examples: " + ex);
      return new Judgement(Finding.bad(current, evidence), figure);
    }
    if (z >= signal.sigma() / 2) {
      return new Judgement(Finding.undecided(current + ", " + baseline + "; not yet back under "
          + Words.sigmas(signal.sigma() / 2)), figure);
    }
    return new Judgement(Finding.ok(current + ", " + baseline), figure);
  }

  static String capitalised(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }
}
