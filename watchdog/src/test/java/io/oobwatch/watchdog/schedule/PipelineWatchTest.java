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

  final Injector injector = new Injector() {
    @Override
    public String kind() {
      return "http";
    }

    @Override
    public Injection inject(CanaryRecord canary) {
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

}
