package io.oobwatch.watchdog.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Injector;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Stage;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.CanaryTracker;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.store.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline loop on a simulated clock: when it emits, judges, and how long it may sleep. */
class PipelineWatchTest {
  @TempDir Path dir;
  final TestClock clock = TestClock.at("2026-11-27T08:00:00Z");
  final Set<String> arrived = new HashSet<>();
  final Set<String> lookedFor = new HashSet<>();
  /** When each injected canary was emitted, in order. */
  final List<java.time.Instant> emitted = new java.util.ArrayList<>();
  final List<String> injected = new java.util.ArrayList<>();

  final Injector injector = new Injector() {
    @Override
    public String kind() {
      return "http";
    }

    @Override
    public Injection inject(CanaryRecord canary) {
      emitted.add(canary.emittedAt());
      injected.add(canary.id());
      return Injection.accepted(Duration.ZERO, "HTTP 202");
    }
  };

  final Stage stage = new Stage() {
    @Override
    public String name() {
      return "store";
    }

    @Override
    public Lookup lookup(CanaryRecord canary) {
      lookedFor.add(canary.id());
      return arrived.contains(canary.id()) ? Lookup.found(1, clock.instant()) : Lookup.notFound("not there");
    }
  };

  Config.Pipeline pipeline() {
    return new Config.Pipeline("inference-logs", new Config.Canary(Duration.ofSeconds(30), Duration.ofSeconds(90),
        Duration.ofSeconds(45), Duration.ofSeconds(1), 2, 2, Map.of(), null, List.of()));
  }

  @Test
  void anIdleLoopSleepsUntilTheNextCanaryAtMostTenSecondsAndPollsWhileOneIsInFlight() {
    try (Stores store = Stores.open(dir)) {
      Alerts alerts = new Alerts("wd", store.alerts(), null, clock, () -> { });
      CanaryTracker tracker = new CanaryTracker("inference-logs", injector, List.of(stage), Duration.ofSeconds(90),
          Duration.ofSeconds(45), clock);
      PipelineWatch watch = new PipelineWatch("wd", pipeline(), tracker, store.canaries(), alerts, clock);

      watch.tick();
      assertThat(watch.snapshot().lastSeq()).isEqualTo(1);
      assertThat(watch.snapshot().inFlight()).isEqualTo(1);
      assertThat(watch.nextTickIn()).isEqualTo(Duration.ofSeconds(1));

      arrived.addAll(lookedFor);
      clock.advance(Duration.ofSeconds(1));
      watch.tick();
      assertThat(watch.snapshot().inFlight()).isZero();
      assertThat(watch.snapshot().last().verdict()).isEqualTo(CanaryOutcome.Verdict.OK);
      assertThat(watch.nextTickIn()).isEqualTo(PipelineWatch.IDLE_TICK_MAX);

      clock.advance(Duration.ofSeconds(25));
      assertThat(watch.nextTickIn()).isEqualTo(Duration.ofSeconds(4));
      clock.advance(Duration.ofSeconds(5));
      assertThat(watch.nextTickIn()).isEqualTo(Duration.ZERO);
      watch.tick();
      assertThat(watch.snapshot().lastSeq()).isEqualTo(2);
    }
  }

  /** A stage that has not seen the canary, and whose newest real record stopped moving at {@code newest}. */
  final java.util.concurrent.atomic.AtomicReference<java.time.Instant> newest =
      new java.util.concurrent.atomic.AtomicReference<>(clock.instant());

  final io.oobwatch.probes.Probe realTraffic = new io.oobwatch.probes.Probe() {
    @Override
    public io.oobwatch.probes.Observation observe() {
      return io.oobwatch.probes.Observation.value(clock.instant(), newest.get().toEpochMilli());
    }

    @Override
    public void close() {}
  };

  CanaryTracker earlyTracker(io.oobwatch.probes.canary.LearnedLatency learned) {
    return new CanaryTracker("inference-logs", injector, List.of(stage), java.util.Arrays.asList((String) null),
        Duration.ofSeconds(90), Duration.ofSeconds(45), clock, learned,
        new CanaryTracker.Early(List.of(java.util.Optional.of(new io.oobwatch.probes.RealTraffic(realTraffic, "indexed"))),
            Duration.ofMinutes(5)));
  }

  /** Canaries every 30 s that arrive within a second while real records flow, until the stage learned. */
  void learnFast(PipelineWatch watch, int canaries) {
    for (int i = 0; i < canaries; i++) {
      watch.tick();
      arrived.addAll(lookedFor);
      newest.set(clock.instant());
      clock.advance(Duration.ofSeconds(1));
      watch.tick();
      clock.advance(Duration.ofSeconds(29));
    }
  }

  /** A watch with early judging whose stage learned from 50 canaries arriving after 1 s: late after 3 s. */
  PipelineWatch learnedWatch(Stores store, Alerts alerts) {
    io.oobwatch.probes.canary.LearnedLatency learned =
        new io.oobwatch.probes.canary.LearnedLatency(3, Duration.ofSeconds(2), 50, clock);
    PipelineWatch watch = new PipelineWatch("wd", pipeline(), earlyTracker(learned), store.canaries(), alerts, clock);
    learnFast(watch, 50);
    return watch;
  }

  /** Ticks as the scheduler would, by {@code nextTickIn}, until the canary alert opens or {@code until}. */
  void tickUntilAlert(PipelineWatch watch, Alerts alerts, java.time.Instant until) {
    tickUntil(watch, () -> alerts.openAlert("inference-logs", io.oobwatch.watchdog.detect.Rule.CANARY).isPresent(),
        until);
  }

  void tickUntil(PipelineWatch watch, java.util.function.BooleanSupplier done, java.time.Instant until) {
    while (clock.instant().isBefore(until)) {
      watch.tick();
      if (done.getAsBoolean()) {
        return;
      }
      clock.advance(watch.nextTickIn().isZero() ? Duration.ofMillis(1) : watch.nextTickIn());
    }
  }

  @Test
  void aLateCanaryCountsOnceTowardTheAlertAndArrivingAfterAllBreaksTheStreakAndTheLoopPollsDenselyUntilTheBound() {
    try (Stores store = Stores.open(dir)) {
      Alerts alerts = new Alerts("wd", store.alerts(), null, clock, () -> { });
      PipelineWatch watch = learnedWatch(store, alerts);
      assertThat(watch.snapshot().learned()).containsKey("store");

      // the stall: nothing arrives, no real record comes in; 50 arrivals after 1 s: late after 3 s
      assertThat(watch.snapshot().learned().get("store").late()).isEqualTo(Duration.ofSeconds(3));
      newest.set(clock.instant().minusMillis(500));
      java.time.Instant t0 = clock.instant();
      watch.tick();
      String first = lookedFor.stream().filter(id -> !arrived.contains(id)).findFirst().orElseThrow();
      assertThat(watch.nextTickIn()).isEqualTo(Duration.ofMillis(250));
      clock.advance(Duration.ofMillis(3100));
      watch.tick();
      assertThat(watch.snapshot().last().early()).isTrue();
      assertThat(watch.snapshot().rule().failures()).isEqualTo(1);
      assertThat(emitted).as("overdue, it brought the next canary forward").hasSize(52);
      assertThat(watch.nextTickIn()).as("the one brought forward is not yet due").isEqualTo(Duration.ofMillis(250));

      // both arrive after all: the LATE one SLOW, the other within its bound; the streak is broken, no alert
      arrived.addAll(injected);
      clock.advance(Duration.ofSeconds(3));
      watch.tick();
      assertThat(watch.snapshot().recent().subList(PipelineWatch.RECENT - 2, PipelineWatch.RECENT)).extracting(CanaryOutcome::verdict)
          .containsExactly(CanaryOutcome.Verdict.SLOW, CanaryOutcome.Verdict.OK);
      assertThat(watch.snapshot().rule().failures()).isZero();
      assertThat(alerts.openAlert("inference-logs", io.oobwatch.watchdog.detect.Rule.CANARY)).isEmpty();
      assertThat(store.canaries().recentOutcomes("inference-logs", 2).get(0).verdict())
          .as("the final outcome replaced the early one").isEqualTo(CanaryOutcome.Verdict.SLOW);
      assertThat(watch.nextTickIn()).as("nothing in flight: until the next canary").isEqualTo(PipelineWatch.IDLE_TICK_MAX);

      // the next never arrives, nor the one it brings forward: the alert fires on the second LATE,
      // a LATE bound after the second was sent, long before the deadline; the slow arrivals were
      // learned too (p99.9 is the slowest, 6.1 s): late after 3 × 6.1 s
      Duration bound = watch.snapshot().learned().get("store").late();
      assertThat(bound).isEqualTo(Duration.ofMillis(18_300));
      tickUntilAlert(watch, alerts, t0.plusSeconds(300));
      assertThat(alerts.openAlert("inference-logs", io.oobwatch.watchdog.detect.Rule.CANARY)).get()
          .extracting(io.oobwatch.watchdog.store.Alert::summary).isEqualTo("stalled between injection and store");
      assertThat(emitted).hasSize(54);
      assertThat(emitted.get(52)).isEqualTo(t0.plusSeconds(30));
      assertThat(Duration.between(emitted.get(53), clock.instant())).isBetween(bound, bound.plusMillis(250));
      assertThat(Duration.between(emitted.get(52), emitted.get(53))).as("brought forward at its p99.9")
          .isBetween(Duration.ofMillis(6100), Duration.ofMillis(6350));
      assertThat(watch.snapshot().rule().failures()).isEqualTo(2);
      for (int i = 0; i < 90; i++) { // both reach their deadline, lost: each was counted once, when LATE
        clock.advance(Duration.ofSeconds(1));
        watch.tick();
      }
      assertThat(watch.snapshot().recent()).extracting(CanaryOutcome::verdict).contains(CanaryOutcome.Verdict.LOST);
      assertThat(alerts.openAlert("inference-logs", io.oobwatch.watchdog.detect.Rule.CANARY)).isPresent();
    }
  }

  @Test
  void aRestartRebuildsEachStagesLearnedLatencyFromTheStoredCanaries() {
    try (Stores store = Stores.open(dir)) {
      Alerts alerts = new Alerts("wd", store.alerts(), null, clock, () -> { });
      io.oobwatch.probes.canary.LearnedLatency learned =
          new io.oobwatch.probes.canary.LearnedLatency(3, Duration.ofSeconds(2), 50, clock);
      learnFast(new PipelineWatch("wd", pipeline(), earlyTracker(learned), store.canaries(), alerts, clock), 50);
      io.oobwatch.probes.canary.LearnedLatency.Bound before = learned.bound("store").orElseThrow();

      io.oobwatch.probes.canary.LearnedLatency fresh =
          new io.oobwatch.probes.canary.LearnedLatency(3, Duration.ofSeconds(2), 50, clock);
      PipelineWatch restarted = new PipelineWatch("wd", pipeline(), earlyTracker(fresh), store.canaries(), alerts, clock);
      assertThat(restarted.snapshot().learned()).containsEntry("store", before);
    }
  }

  @Test
  void anOverdueCanaryBringsTheNextForwardSoAStallPagesOneBoundAfterTheFirstLateVerdictNotAnEveryLater() {
    try (Stores store = Stores.open(dir)) {
      Alerts alerts = new Alerts("wd", store.alerts(), null, clock, () -> { });
      PipelineWatch watch = learnedWatch(store, alerts);
      assertThat(emitted).as("arrivals within p99.9 bring nothing forward").hasSize(50);
      assertThat(watch.snapshot().learned().get("store").p999()).isEqualTo(Duration.ofSeconds(1));
      assertThat(watch.snapshot().learned().get("store").late()).isEqualTo(Duration.ofSeconds(3));

      // the stall: nothing arrives and no real record comes in; canaries every 30 s
      newest.set(clock.instant().minusMillis(500));
      java.time.Instant t0 = clock.instant();
      tickUntilAlert(watch, alerts, t0.plusSeconds(120));

      List<java.time.Instant> stalled = emitted.subList(50, emitted.size());
      assertThat(stalled).as("the first, and the one it brought forward at its p99.9")
          .containsExactly(t0, t0.plusSeconds(1));
      Duration toAlert = Duration.between(t0, clock.instant());
      assertThat(toAlert).as("second LATE 3 s after the second canary, not 30 s later")
          .isBetween(Duration.ofSeconds(4), Duration.ofMillis(4_250));

      // with the alert open the regular schedule alone runs: two canaries in the next minute
      tickUntil(watch, () -> false, clock.instant().plusSeconds(60));
      assertThat(emitted.subList(52, emitted.size())).containsExactly(t0.plusSeconds(30), t0.plusSeconds(60));
    }
  }
}
