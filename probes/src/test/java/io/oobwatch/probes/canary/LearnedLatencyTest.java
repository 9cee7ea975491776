package io.oobwatch.probes.canary;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.testkit.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LearnedLatencyTest {
  final TestClock clock = TestClock.at("2026-11-27T08:00:00Z");
  final LearnedLatency learned = new LearnedLatency(3, Duration.ofSeconds(2), 50, clock);

  void arrive(String stage, long... millis) {
    for (long ms : millis) {
      learned.arrived(stage, clock.instant(), Duration.ofMillis(ms));
      clock.advance(Duration.ofSeconds(5));
    }
  }

  @Test
  void aStageHasNoBoundBeforeEnoughCanariesArrivedThere() {
    for (int i = 0; i < 49; i++) {
      arrive("elasticsearch", 400);
    }
    assertThat(learned.bound("elasticsearch")).isEmpty();
    assertThat(learned.bound("kafka")).isEmpty();
    arrive("elasticsearch", 400);
    assertThat(learned.bound("elasticsearch")).isPresent();
  }

  @Test
  void theBoundIsTheFactorTimesTheNearestRankP999ButNeverBelowTheFloor() {
    for (int i = 1; i <= 1000; i++) {
      arrive("elasticsearch", i); // 1 ms .. 1000 ms: p99 is 990 ms, p99.9 is 999 ms
    }
    LearnedLatency.Bound b = learned.bound("elasticsearch").orElseThrow();
    assertThat(b.p99()).isEqualTo(Duration.ofMillis(990));
    assertThat(b.p999()).isEqualTo(Duration.ofMillis(999));
    assertThat(b.late()).isEqualTo(Duration.ofMillis(2997));
    assertThat(b.words()).isEqualTo("99.9% arrive within 1.0s");

    LearnedLatency fast = new LearnedLatency(3, Duration.ofSeconds(2), 50, clock);
    for (int i = 0; i < 60; i++) {
      fast.arrived("kafka", clock.instant(), Duration.ofMillis(100));
    }
    assertThat(fast.bound("kafka").orElseThrow().late()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void oneOutlierAmongAThousandDoesNotMoveTheBoundAndASlowSpellIsForgottenAThousandArrivalsLater() {
    for (int i = 0; i < 999; i++) {
      arrive("elasticsearch", 500);
    }
    arrive("elasticsearch", 30_000);
    assertThat(learned.bound("elasticsearch").orElseThrow().p999()).isEqualTo(Duration.ofMillis(500));

    for (int i = 0; i < 10; i++) {
      arrive("elasticsearch", 4_000);
    }
    assertThat(learned.bound("elasticsearch").orElseThrow().p999()).isEqualTo(Duration.ofSeconds(4));
    for (int i = 0; i < 1000; i++) {
      arrive("elasticsearch", 500);
    }
    assertThat(learned.bound("elasticsearch").orElseThrow().p999()).isEqualTo(Duration.ofMillis(500));
    assertThat(learned.bound("elasticsearch").orElseThrow().arrivals()).isEqualTo(LearnedLatency.WINDOW);
  }

  @Test
  void aStageThatSawNoCanaryForADayLearnsAfresh() {
    for (int i = 0; i < 60; i++) {
      arrive("elasticsearch", 500);
    }
    clock.advance(Duration.ofDays(1));
    assertThat(learned.bound("elasticsearch")).isEmpty();
  }
}
