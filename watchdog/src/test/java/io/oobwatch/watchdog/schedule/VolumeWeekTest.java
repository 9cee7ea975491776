package io.oobwatch.watchdog.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.Stores;
import io.oobwatch.watchdog.store.ObservationStore;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The volume rule over simulated weeks, through the real watch, the real SQLite store and the
 * alerts: synthetic diurnal traffic with ±10% noise, one evaluation per simulated minute, a
 * {@link TestClock} so a week runs in seconds.
 */
class VolumeWeekTest {
  /** A Monday, midnight UTC. */
  static final Instant MONDAY = Instant.parse("2026-11-23T00:00:00Z");
  static final Duration WINDOW = Duration.ofMinutes(15);
  static final String SIGNAL = SignalWatch.signal("inference", "volume", "requests");

  @TempDir Path dir;
  final TestClock clock = new TestClock(MONDAY);
  final Random noise = new Random(20261123);
  Stores store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  /** Requests per minute: 150 at 03:00 rising to 750 at 15:00, as an inference service's day. */
  static double diurnal(Instant t) {
    double hour = t.atZone(ZoneOffset.UTC).getHour() + t.atZone(ZoneOffset.UTC).getMinute() / 60.0;
    return 450 - 300 * Math.cos(2 * Math.PI * (hour - 3) / 24);
  }

  /** Weekends at 40% of a weekday. */
  static double weekly(Instant t) {
    DayOfWeek d = t.atZone(ZoneOffset.UTC).getDayOfWeek();
    return diurnal(t) * (d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY ? 0.4 : 1.0);
  }

  double noisy(double rate) {
    return rate * (0.9 + 0.2 * noise.nextDouble());
  }

  /** A probe that observes {@code traffic} at the clock's time with ±10% uniform noise. */
  Probe traffic(Function<Instant, Double> traffic) {
    return new Probe() {
      @Override
      public Observation observe() {
        Instant now = clock.instant();
        return Observation.value(now, noisy(traffic.apply(now)));
      }

      @Override
      public void close() {}
    };
  }

  SignalWatch watch(List<Duration> baselines, Probe probe) {
    if (store == null) {
      store = Stores.open(dir);
    }
    return watch(store, clock, Duration.ofMinutes(1),
        new Config.Volume("requests", "prometheus", null, WINDOW, 0.20, baselines, 50, null), probe);
  }

  /** A watch of pipeline "inference" with one volume check, {@link #SIGNAL}, evaluated {@code every}. */
  static SignalWatch watch(Stores store, TestClock clock, Duration every, Config.Volume v, Probe probe) {
    Config.Pipeline p = new Config.Pipeline("inference", null,
        new Config.Checks(every, Duration.ofMinutes(5), List.of(), List.of(v), List.of(), List.of()));
    Alerts alerts = new Alerts("wd-test", store.alerts(), null, clock, () -> { });
    return new SignalWatch("wd-test", p, Map.of(SIGNAL, probe), store.observations(), alerts, clock);
  }

  /** Ticks once a minute until {@code until}. */
  void run(SignalWatch w, Instant until) {
    run(w, clock, Duration.ofMinutes(1), until);
  }

  /** Ticks every {@code every} until {@code until}. */
  static void run(SignalWatch w, TestClock clock, Duration every, Instant until) {
    while (clock.instant().isBefore(until)) {
      w.tick();
      assertThat(w.snapshot().error()).isNull();
      clock.advance(every);
    }
  }

  /** Writes per-minute history in one transaction, as if watched all along (keeps the test fast). */
  void prefill(Instant until, Function<Instant, Double> traffic) {
    List<ObservationStore.SignalObservation> rows = new ArrayList<>();
    for (Instant t = clock.instant(); t.isBefore(until); t = t.plus(Duration.ofMinutes(1))) {
      rows.add(new ObservationStore.SignalObservation(SIGNAL, Observation.value(t, noisy(traffic.apply(t)))));
    }
    store.observations().saveObservations(rows);
  }

  List<Alert> alerts() {
    return store.alerts().alerts(Instant.EPOCH);
  }

  @Test
  void sevenDaysOfNoisyDiurnalTrafficPageNobody() {
    SignalWatch w = watch(List.of(Duration.ofDays(1), Duration.ofDays(7)), traffic(VolumeWeekTest::diurnal));

    run(w, MONDAY.plus(Duration.ofDays(7)));

    assertThat(alerts()).isEmpty();
    assertThat(w.snapshot().checks().get("requests").findings().get("drop")).contains("same time yesterday");
  }

  @Test
  void aQuarterLessTrafficSustainedPagesOnceWithinTheWindowAndOneEvaluation() {
    Instant drop = MONDAY.plus(Duration.ofDays(1)).plus(Duration.ofHours(14));
    SignalWatch w = watch(List.of(Duration.ofDays(1), Duration.ofDays(7)),
        traffic(t -> diurnal(t) * (t.isBefore(drop) ? 1.0 : 0.75)));

    run(w, drop.plus(Duration.ofHours(2)));

    assertThat(alerts()).hasSize(1);
    Alert a = alerts().get(0);
    assertThat(a.rule()).isEqualTo("volume-drop:requests");
    assertThat(a.openedAt()).isAfter(drop).isBeforeOrEqualTo(drop.plus(WINDOW).plus(Duration.ofMinutes(1)));
    assertThat(a.summary()).matches("log volume down 2\\d% on prometheus requests");
    assertThat(store.outbox().pages(5).get(0).body()).contains("/min over 15m vs ").contains("/min same time yesterday (-2");
  }

  @Test
  void fifteenPercentLessTrafficSustainedPagesNobody() {
    Instant drop = MONDAY.plus(Duration.ofDays(1)).plus(Duration.ofHours(10));
    SignalWatch w = watch(List.of(Duration.ofDays(1), Duration.ofDays(7)),
        traffic(t -> diurnal(t) * (t.isBefore(drop) ? 1.0 : 0.85)));

    run(w, drop.plus(Duration.ofHours(8)));

    assertThat(alerts()).isEmpty();
  }

  @Test
  void aMondayAfterAQuietWeekendPagesNobodyWithTheWeekBaseline() {
    SignalWatch w = watch(List.of(Duration.ofDays(1), Duration.ofDays(7)), traffic(VolumeWeekTest::weekly));
    prefill(MONDAY.plus(Duration.ofDays(12)), VolumeWeekTest::weekly);

    // from the second Saturday through the Monday after it; last week's weekend is the 7-day baseline
    clock.set(MONDAY.plus(Duration.ofDays(12)));
    run(w, MONDAY.plus(Duration.ofDays(15)));

    assertThat(alerts()).isEmpty();
  }

  @Test
  void withoutTheWeekBaselineTheSameWeekendPagesWhichIsWhatTheWeekBaselineIsFor() {
    SignalWatch w = watch(List.of(Duration.ofDays(1)), traffic(VolumeWeekTest::weekly));
    prefill(MONDAY.plus(Duration.ofDays(12)), VolumeWeekTest::weekly);

    clock.set(MONDAY.plus(Duration.ofDays(12)));
    run(w, MONDAY.plus(Duration.ofDays(15)));

    assertThat(alerts()).extracting(Alert::rule).contains("volume-drop:requests");
  }

  @Test
  void aRestartResetsNothingAndDoesNotPageAgainWhatIsStillTrue() {
    Instant drop = MONDAY.plus(Duration.ofDays(1)).plus(Duration.ofHours(14));
    Function<Instant, Double> t = i -> diurnal(i) * (i.isBefore(drop) ? 1.0 : 0.6);
    SignalWatch before = watch(List.of(Duration.ofDays(1)), traffic(t));
    prefill(drop.minus(Duration.ofHours(1)), t);
    clock.set(drop.minus(Duration.ofHours(1)));
    run(before, drop.plus(Duration.ofMinutes(30)));
    assertThat(alerts()).hasSize(1);
    int pages = store.outbox().pages(100).size();

    // "restart": a new watch on the same store, after ten minutes down
    clock.advance(Duration.ofMinutes(10));
    SignalWatch after = watch(List.of(Duration.ofDays(1)), traffic(t));
    run(after, clock.instant().plus(Duration.ofMinutes(30)));

    assertThat(alerts()).hasSize(1);
    assertThat(alerts().get(0).state()).isEqualTo(Alert.State.FIRING);
    assertThat(store.outbox().pages(100)).hasSize(pages);
  }
}
