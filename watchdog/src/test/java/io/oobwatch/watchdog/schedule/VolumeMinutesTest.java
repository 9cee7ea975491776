package io.oobwatch.watchdog.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volume windows evaluated more often than once a minute, through the real watch, the real SQLite
 * store and the alerts: each minute's readings stand for the time they cover, so the current,
 * partial minute weighs what it covers, not a whole minute, and a quiet source's 15-second readings
 * are not judged as minutes.
 */
class VolumeMinutesTest {
  static final Instant START = Instant.parse("2026-11-23T00:00:00Z");
  static final Duration EVERY = Duration.ofSeconds(15);
  
  @TempDir Path dir;
  final TestClock clock = new TestClock(START);
  Stores store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  /**
   * A source read like Kafka's end offsets: the records written since the previous reading, as a
   * rate per minute. {@code written} gives how many records arrived in {@code [from, to)}.
   */
  Probe growth(java.util.function.BiFunction<Instant, Instant, Long> written) {
    return new Probe() {
      Instant previous;

      @Override
      public Observation observe() {
        Instant now = clock.instant();
        Instant before = previous;
        previous = now;
        if (before == null) {
          return Observation.none(now, "first reading");
        }
        return Observation.value(now, written.apply(before, now) * 60_000.0 / Duration.between(before, now).toMillis());
      }

      @Override
      public void close() {}
    };
  }

  SignalWatch watch(Duration window, List<Duration> baselines, Probe probe) {
    store = Stores.open(dir);
    return VolumeWeekTest.watch(store, clock, EVERY,
        new Config.Volume("requests", "kafka", null, window, 0.20, baselines, 0, null), probe);
  }

  void run(SignalWatch w, Instant until) {
    VolumeWeekTest.run(w, clock, EVERY, until);
  }

  List<Alert> alerts() {
    return store.alerts().alerts(Instant.EPOCH);
  }

  /** Records in {@code [from, to)} at a steady rate per minute that changes at {@code at}. */
  static java.util.function.BiFunction<Instant, Instant, Long> steady(double before, Instant at, double after) {
    Function<Instant, Double> rate = t -> t.isBefore(at) ? before : after;
    return (from, to) -> Math.round(rate.apply(from) * Duration.between(from, to).toMillis() / 60_000.0);
  }

  @Test
  void fifteenSecondsOfTheCurrentMinuteWeighAQuarterOfAMinuteNotHalfTheWindow() {
    Instant drop = START.plus(Duration.ofMinutes(20));
    SignalWatch w = watch(Duration.ofMinutes(2), List.of(Duration.ofMinutes(5)), growth(steady(1200, drop, 700)));

    // the reading 15 s after the drop: the minute before at 1200/min, 15 s at 700/min
    run(w, drop.plus(EVERY).plusMillis(1));

    assertThat(alerts()).isEmpty();
    assertThat(w.snapshot().checks().get("requests").findings().get("drop"))
        .isEqualTo("1117/min over 1m30s vs 1200/min same time 5m ago (-7%)");
  }

  @Test
  void aDropThatFillsTheJudgedSpanPagesAndSaysWhichSpanWasJudged() {
    Instant drop = START.plus(Duration.ofMinutes(20));
    SignalWatch w = watch(Duration.ofMinutes(2), List.of(Duration.ofMinutes(5)), growth(steady(1200, drop, 700)));

    run(w, drop.plus(Duration.ofMinutes(2)));

    assertThat(alerts()).singleElement().extracting(Alert::summary).isEqualTo("log volume down 33% on kafka requests");
    assertThat(store.outbox().pages(5).get(0).body()).contains("800/min over 1m15s vs 1200/min same time 5m ago (-33%)");
  }

  @Test
  void aWeekOfAHundredRecordsAMinuteWithPoissonNoiseReadEveryFifteenSecondsPagesNobody() {
    Random random = new Random(20261130);
    SignalWatch w = watch(Duration.ofMinutes(15), List.of(Duration.ofDays(1), Duration.ofDays(7)),
        growth((from, to) -> poisson(random, 100.0 * Duration.between(from, to).toMillis() / 60_000.0)));

    run(w, START.plus(Duration.ofDays(7)));

    assertThat(alerts()).isEmpty();
    assertThat(w.snapshot().checks().get("requests").findings().get("drop")).contains("same time yesterday");
  }

  /** A Poisson-distributed count with the given mean (Knuth's method; the means here are small). */
  static long poisson(Random random, double mean) {
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    long k = 0;
    while (product > limit) {
      product *= random.nextDouble();
      k++;
    }
    return k;
  }
}
