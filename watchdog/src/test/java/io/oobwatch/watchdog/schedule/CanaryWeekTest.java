package io.oobwatch.watchdog.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Injector;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.probes.Stage;
import io.oobwatch.probes.canary.CanaryTracker;
import io.oobwatch.probes.canary.LearnedLatency;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.CanaryStore;
import io.oobwatch.watchdog.store.Stores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * A simulated week of a Kafka → Elasticsearch pipeline on the injected clock, through the real
 * tracker, rule, alerts and SQLite store: realistic latencies page nobody, a stall pages within
 * about two canaries plus the learned bound.
 *
 * <p>The elasticsearch stage: lognormal latency (median 400 ms, σ 0.4), 1% of canaries delayed a
 * further 2–5 s (refresh, GC); once a day, at a random daytime moment, a slowdown: the connector
 * falls behind for 80 s (every record, canaries and real ones alike, arrives later and later, up to
 * 40 s late) then catches up in 80 s, real records arriving all along; no real traffic from 00:00
 * to 06:00 UTC. Canaries every 10 s, deadline 60 s, 2 losses to fire.
 */
class CanaryWeekTest {
  /**
   * The store on tmpfs where there is one: the same SQLite, without waiting for a disk to sync
   * 60,000 canaries one by one.
   */
  static final class Tmpfs implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
      Path shm = Path.of("/dev/shm");
      return Files.isDirectory(shm) && Files.isWritable(shm)
          ? Files.createTempDirectory(shm, "oobwatch-week") : Files.createTempDirectory("oobwatch-week");
    }
  }

  @TempDir(factory = Tmpfs.class) Path dir;
  final TestClock clock = TestClock.at("2026-11-23T00:00:00Z");
  final Random random = new Random(20261127);
  /** Per day (index from the start), when that day's slowdown starts. */
  final Instant[] slowdowns = new Instant[8];
  /** The connector stops for good at this moment (a stall); null: never. */
  Instant stallAt;

  static final Duration RAMP = Duration.ofSeconds(80);

  CanaryWeekTest() {
    for (int d = 0; d < slowdowns.length; d++) {
      slowdowns[d] = Instant.parse("2026-11-23T07:00:00Z").plus(Duration.ofDays(d))
          .plusSeconds(random.nextInt(15 * 3600));
    }
  }

  /** How late a record emitted at {@code t} reaches elasticsearch beyond its normal latency. */
  double behindSeconds(Instant t) {
    for (Instant s : slowdowns) {
      double into = Duration.between(s, t).toMillis() / 1000.0;
      if (into >= 0 && into < 2 * RAMP.toSeconds()) {
        return into < RAMP.toSeconds() ? into / 2 : (2 * RAMP.toSeconds() - into) / 2;
      }
    }
    return 0;
  }

  boolean trafficAt(Instant t) {
    return t.atZone(ZoneOffset.UTC).getHour() >= 6;
  }

  /** The newest real record indexed by {@code now}: the latest emission whose arrival is due. */
  Instant newestReal(Instant now) {
    Instant upTo = stallAt != null && now.isAfter(stallAt) ? stallAt : now;
    long lo = upTo.minusSeconds(200).toEpochMilli();
    long hi = upTo.toEpochMilli();
    while (hi - lo > 50) { // arrival = t + 0.4 s + behind(t) grows with t
      long mid = (lo + hi) / 2;
      Instant t = Instant.ofEpochMilli(mid);
      if (t.plusMillis(400 + (long) (behindSeconds(t) * 1000)).isAfter(upTo)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    Instant newest = Instant.ofEpochMilli(lo);
    if (!trafficAt(newest)) {
      newest = newest.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(100);
    }
    return newest;
  }

  Duration esLatency(Instant emitted) {
    double ms = Math.exp(Math.log(400) + 0.4 * random.nextGaussian());
    if (random.nextDouble() < 0.01) {
      ms += 2000 + random.nextDouble() * 3000;
    }
    return Duration.ofMillis((long) (ms + behindSeconds(emitted) * 1000));
  }

  /** A stage that holds each canary from a drawn moment on; a stalled connector holds nothing new. */
  final class SimulatedStage implements Stage {
    final String name;
    final boolean connector;
    final Map<String, Instant> due = new HashMap<>();

    SimulatedStage(String name, boolean connector) {
      this.name = name;
      this.connector = connector;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void arm(CanaryRecord c) {
      Duration latency = connector ? esLatency(c.emittedAt()) : Duration.ofMillis(5 + random.nextInt(30));
      due.put(c.id(), c.emittedAt().plus(latency));
    }

    @Override
    public Lookup lookup(CanaryRecord c) {
      Instant at = due.get(c.id());
      Instant now = clock.instant();
      boolean stalled = connector && stallAt != null && at.isAfter(stallAt);
      return !stalled && !now.isBefore(at) ? Lookup.found(1, now) : Lookup.notFound("not there");
    }

    @Override
    public void forget(CanaryRecord c) {
      due.remove(c.id());
    }
  }

  final Probe esTraffic = new Probe() {
    @Override
    public Observation observe() {
      return Observation.value(clock.instant(), newestReal(clock.instant()).toEpochMilli());
    }

    @Override
    public void close() {}
  };

  final Injector kafkaEntry = new Injector() {
    @Override
    public String kind() {
      return "kafka";
    }

    @Override
    public Injection inject(CanaryRecord canary) {
      return Injection.accepted(Duration.ofMillis(3), "partition 0");
    }
  };

  Config.Pipeline pipeline() {
    return new Config.Pipeline("inference-logs", new Config.Canary(Duration.ofSeconds(10), Duration.ofSeconds(60),
        Duration.ofSeconds(30), Duration.ofSeconds(1), 2, 2, Map.of(), null, List.of(), Config.Early.DEFAULT));
  }

  PipelineWatch watch(Stores store, Alerts alerts) {
    Config.Early e = Config.Early.DEFAULT;
    CanaryTracker tracker = new CanaryTracker("inference-logs", kafkaEntry,
        List.of(new SimulatedStage("kafka", false), new SimulatedStage("elasticsearch", true)), Arrays.asList(null, null),
        Duration.ofSeconds(60), Duration.ofSeconds(30), clock,
        new LearnedLatency(e.lateFactor(), e.lateFloor(), e.learnFrom(), clock),
        new CanaryTracker.Early(List.of(Optional.empty(), Optional.of(new io.oobwatch.probes.RealTraffic(esTraffic, "indexed"))),
            Duration.ofMinutes(5)));
    return new PipelineWatch("wd", pipeline(), tracker, store.canaries(), alerts, clock);
  }

  void run(PipelineWatch watch, Instant until) {
    while (clock.instant().isBefore(until)) {
      watch.tick();
      Duration sleep = watch.nextTickIn();
      clock.advance(sleep.isZero() ? Duration.ofMillis(1) : sleep);
    }
  }

  @Test
  void aWeekOfLognormalLatencyDelaysDailySlowdownsAndQuietNightsPagesNobody() {
    try (Stores store = Stores.open(dir)) {
      Alerts alerts = new Alerts("wd", store.alerts(), null, clock, () -> { });
      PipelineWatch watch = watch(store, alerts);
      Instant start = clock.instant();
      run(watch, start.plus(Duration.ofDays(7)));

      List<Alert> paged = store.alerts().alerts(start);
      assertThat(paged).as("pages in a week").isEmpty();
      CanaryStore.OutcomeCounts counts = store.canaries().counts("inference-logs", start);
      assertThat(counts.ok() + counts.slow()).isGreaterThan(60_000);
      assertThat(counts.lost()).isZero();
      // the slowdowns were there, and were reported as slow, never lost
      assertThat(counts.slow()).isGreaterThanOrEqualTo(7);
      LearnedLatency.Bound b = watch.snapshot().learned().get("elasticsearch");
      assertThat(b.late()).isLessThan(Duration.ofSeconds(60));
      System.out.printf("week: %d ok, %d slow, %d lost; elasticsearch %s, late after %s%n",
          counts.ok(), counts.slow(), counts.lost(), b.words(), b.late());
    }
  }

  @Test
  void aStalledConnectorOnABusyPipelinePagesWithinTwoCanariesAndTheLearnedBound() {
    try (Stores store = Stores.open(dir)) {
      Alerts alerts = new Alerts("wd", store.alerts(), null, clock, () -> { });
      PipelineWatch watch = watch(store, alerts);
      run(watch, Instant.parse("2026-11-23T10:00:00Z"));
      Duration bound = watch.snapshot().learned().get("elasticsearch").late();
      stallAt = clock.instant().plusMillis(4321);
      List<Instant> firedAt = new ArrayList<>();
      while (firedAt.isEmpty() && clock.instant().isBefore(stallAt.plusSeconds(120))) {
        watch.tick();
        alerts.openAlert("inference-logs", io.oobwatch.watchdog.detect.Rule.CANARY).ifPresent(a -> firedAt.add(clock.instant()));
        Duration sleep = watch.nextTickIn();
        clock.advance(sleep.isZero() ? Duration.ofMillis(1) : sleep);
      }
      assertThat(firedAt).as("paged").hasSize(1);
      Duration faultToAlert = Duration.between(stallAt, firedAt.get(0));
      System.out.printf("stall: alert %s after the fault (learned bound %s)%n", faultToAlert, bound);
      // at worst: the next canary (every) + the one after it (every) + the bound + a poll
      assertThat(faultToAlert).isLessThanOrEqualTo(Duration.ofSeconds(20).plus(bound).plusSeconds(1));
      Alert a = alerts.openAlert("inference-logs", io.oobwatch.watchdog.detect.Rule.CANARY).orElseThrow();
      assertThat(a.summary()).isEqualTo("stalled between kafka and elasticsearch");
    }
  }
}
