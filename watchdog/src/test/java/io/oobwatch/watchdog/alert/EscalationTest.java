package io.oobwatch.watchdog.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.watchdog.config.Config;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EscalationTest {
  static final Instant T0 = Instant.parse("2026-11-27T03:00:00Z");
  final Escalation e = new Escalation(List.of(
      new Config.Step(Duration.ofMinutes(15), List.of("bob"), List.of("bob")),
      new Config.Step(Duration.ZERO, List.of("alice"), List.of()),
      new Config.Step(Duration.ofMinutes(5), List.of(), List.of("alice"))),
      Duration.ofMinutes(30), 2, Duration.ofHours(4));

  @Test
  void stepsAreTakenInTheOrderOfTheirDelayAndEachLoopStartsRepeatEveryAfterThePrevious() {
    assertThat(e.total()).isEqualTo(9);
    assertThat(e.step(0).sms()).containsExactly("alice");
    assertThat(e.dueAt(T0, 1)).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    assertThat(e.dueAt(T0, 2)).isEqualTo(T0.plus(Duration.ofMinutes(15)));
    assertThat(e.dueAt(T0, 3)).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    assertThat(e.dueAt(T0, 8)).isEqualTo(T0.plus(Duration.ofMinutes(75)));
  }

  @Test
  void reachedCountsEveryStepDueSoFarEvenAfterALongPause() {
    assertThat(e.reached(T0, 0, T0)).isEqualTo(1);
    assertThat(e.reached(T0, 1, T0.plusSeconds(299))).isEqualTo(1);
    assertThat(e.reached(T0, 1, T0.plus(Duration.ofMinutes(31)))).isEqualTo(4);
    assertThat(e.reached(T0, 4, T0.plus(Duration.ofDays(1)))).isEqualTo(9);
    assertThat(e.nextDue(T0, 9)).isEmpty();
    assertThat(e.nextDue(T0, 4)).contains(T0.plus(Duration.ofMinutes(35)));
  }

  @Test
  void anAckTimesOutAfterAckTimeout() {
    assertThat(e.rearmAt(T0)).isEqualTo(T0.plus(Duration.ofHours(4)));
  }
}
