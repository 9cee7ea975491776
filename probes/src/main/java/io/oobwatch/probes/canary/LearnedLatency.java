package io.oobwatch.probes.canary;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Each stage's arrival latency over its recent canaries, and the LATE bound learned from it: a
 * canary not seen at a stage {@code max(factor × p99.9, floor)} after emission is late there.
 *
 * <p>The window is the stage's last {@link #WINDOW} arrivals within the last day: recent enough to
 * follow the pipeline as it is today, long enough that one outlier does not move p99.9 (the
 * quantiles are exact, nearest rank). No bound is given while the window holds fewer than
 * {@code learnFrom} arrivals: the deadline alone decides until then (a stage that saw no canary
 * for a day learns afresh).
 *
 * <p>Not thread-safe: the thread that drives the tracker feeds it and asks it.
 */
public final class LearnedLatency {
  /** Arrivals per stage the count-based window keeps. */
  public static final int WINDOW = 1000;
  /** How far back the time-based window reaches. */
  public static final Duration DAY = Duration.ofDays(1);
  /**
   * The default factor: half again the slowest normal arrival (p99.9 is the slowest but one of the
   * last 1000). A LATE verdict also needs the stage to have taken in no real record for as long
   * (see CanaryTracker), so the factor only has to clear the canary's own jitter, not cover a
   * slowdown.
   */
  public static final double DEFAULT_FACTOR = 1.5;
  /** The default floor: below it a bound is polling noise. */
  public static final Duration DEFAULT_FLOOR = Duration.ofSeconds(2);
  /** The default evidence needed before a stage has a bound. */
  public static final int DEFAULT_LEARN_FROM = 50;

  private final double factor;
  private final Duration floor;
  private final int learnFrom;
  private final Clock clock;
  private final Map<String, Window> stages = new HashMap<>();

  /**
   * @param factor the LATE bound is this many times the learned p99.9
   * @param floor the LATE bound is never shorter than this
   * @param learnFrom arrivals needed at a stage before it has a bound
   */
  public LearnedLatency(double factor, Duration floor, int learnFrom, Clock clock) {
    if (!(factor >= 1) || floor.isNegative() || learnFrom < 1) {
      throw new IllegalArgumentException("factor >= 1, floor >= 0 and learnFrom >= 1 expected");
    }
    this.factor = factor;
    this.floor = Objects.requireNonNull(floor);
    this.learnFrom = learnFrom;
    this.clock = Objects.requireNonNull(clock);
  }

  /** A canary reached {@code stage} {@code latency} after emission, at {@code at}. */
  public void arrived(String stage, Instant at, Duration latency) {
    stages.computeIfAbsent(stage, s -> new Window()).add(at, latency.toMillis());
  }

  /** What is learned of {@code stage} now; empty before {@code learnFrom} arrivals in the window. */
  public Optional<Bound> bound(String stage) {
    Window w = stages.get(stage);
    if (w == null) {
      return Optional.empty();
    }
    w.expire(clock.instant().minus(DAY));
    if (w.size() < learnFrom) {
      return Optional.empty();
    }
    return Optional.of(w.bound());
  }

  /**
   * A stage's learned latency.
   *
   * @param p99 99% of arrivals were within this
   * @param p999 99.9% of arrivals were within this
   * @param late a canary not seen by then is LATE: {@code max(factor × p999, floor)}
   * @param arrivals how many arrivals it was learned from
   */
  public record Bound(Duration p99, Duration p999, Duration late, int arrivals) {
    /** "99.9% arrive within 0.9s", for a page. */
    public String words() {
      return "99.9% arrive within " + Durations.format(p999);
    }
  }

  private final class Window {
    private final ArrayDeque<long[]> kept = new ArrayDeque<>(); // {epoch millis, latency millis}
    private Bound cached;

    void add(Instant at, long latencyMs) {
      kept.addLast(new long[] {at.toEpochMilli(), Math.max(0, latencyMs)});
      while (kept.size() > WINDOW) {
        kept.removeFirst();
      }
      cached = null;
    }

    /** Drops what is older than a day. */
    void expire(Instant before) {
      long cut = before.toEpochMilli();
      while (!kept.isEmpty() && kept.peekFirst()[0] < cut) {
        kept.removeFirst();
        cached = null;
      }
    }

    int size() {
      return kept.size();
    }

    Bound bound() {
      if (cached == null) {
        long[] all = new long[kept.size()];
        int i = 0;
        for (Iterator<long[]> it = kept.iterator(); it.hasNext(); ) {
          all[i++] = it.next()[1];
        }
        Arrays.sort(all);
        long p99 = rank(all, 0.99);
        long p999 = rank(all, 0.999);
        long late = Math.max(Math.round(factor * p999), floor.toMillis());
        cached = new Bound(Duration.ofMillis(p99), Duration.ofMillis(p999), Duration.ofMillis(late), all.length);
      }
      return cached;
    }
  }

  /** The nearest-rank quantile of sorted values. */
  static long rank(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
