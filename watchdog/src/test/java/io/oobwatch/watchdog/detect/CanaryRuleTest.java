package io.oobwatch.watchdog.detect;

import static io.oobwatch.probes.canary.CanaryOutcome.Verdict.LOST;
import static io.oobwatch.probes.canary.CanaryOutcome.Verdict.OK;
import static io.oobwatch.probes.canary.CanaryOutcome.Verdict.SLOW;
import static io.oobwatch.probes.canary.CanaryOutcome.Verdict.UNREACHABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.watchdog.detect.CanaryRule.State;
import io.oobwatch.watchdog.detect.CanaryRule.Step;
import org.junit.jupiter.api.Test;

class CanaryRuleTest {
  final CanaryRule rule = new CanaryRule(2, 2);

  @Test
  void oneLossDoesNotFireTwoInARowAtTheSameStageDo() {
    Step s1 = rule.apply(State.START, LOST, "elasticsearch", false);
    assertThat(s1.decision()).isEqualTo(Decision.NONE);
    Step s2 = rule.apply(s1.state(), LOST, "elasticsearch", false);
    assertThat(s2.decision()).isEqualTo(Decision.FIRE);
    assertThat(s2.state().failures()).isEqualTo(2);
  }

  @Test
  void lossesAtDifferentStagesDoNotAddUp() {
    Step s1 = rule.apply(State.START, LOST, "kafka", false);
    Step s2 = rule.apply(s1.state(), LOST, "elasticsearch", false);
    assertThat(s2.decision()).isEqualTo(Decision.NONE);
    assertThat(s2.state().failures()).isEqualTo(1);
  }

  @Test
  void unreachableAndLostAtTheSameStageAreDifferentStreaks() {
    Step s1 = rule.apply(State.START, LOST, "elasticsearch", false);
    Step s2 = rule.apply(s1.state(), UNREACHABLE, "elasticsearch", false);
    assertThat(s2.decision()).isEqualTo(Decision.NONE);
    Step s3 = rule.apply(s2.state(), UNREACHABLE, "elasticsearch", false);
    assertThat(s3.decision()).isEqualTo(Decision.FIRE);
  }

  @Test
  void aFiringAlertIsNotFiredAgain() {
    Step s = rule.apply(new State("LOST@elasticsearch", 5, 0), LOST, "elasticsearch", true);
    assertThat(s.decision()).isEqualTo(Decision.NONE);
    assertThat(s.state().failures()).isEqualTo(6);
  }

  @Test
  void twoCleanCanariesResolveAndOneDoesNot() {
    State firing = new State("LOST@elasticsearch", 3, 0);
    Step s1 = rule.apply(firing, OK, null, true);
    assertThat(s1.decision()).isEqualTo(Decision.NONE);
    Step s2 = rule.apply(s1.state(), SLOW, null, true);
    assertThat(s2.decision()).isEqualTo(Decision.RESOLVE);
  }

  @Test
  void aLossBetweenPassesRestartsTheResolveCount() {
    Step s1 = rule.apply(new State("LOST@es", 3, 0), OK, null, true);
    Step s2 = rule.apply(s1.state(), LOST, "es", true);
    Step s3 = rule.apply(s2.state(), OK, null, true);
    assertThat(s3.decision()).isEqualTo(Decision.NONE);
  }

  @Test
  void slowCanariesNeverFire() {
    State s = State.START;
    for (int i = 0; i < 10; i++) {
      Step step = rule.apply(s, SLOW, null, false);
      assertThat(step.decision()).isEqualTo(Decision.NONE);
      s = step.state();
    }
  }

  @Test
  void passesWithoutAFiringAlertDecideNothing() {
    Step s = rule.apply(new State(null, 0, 7), OK, null, false);
    assertThat(s.decision()).isEqualTo(Decision.NONE);
  }
}
