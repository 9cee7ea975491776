package io.oobwatch.watchdog.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Rule names as the store keeps them, and the one level-triggered decision every rule makes. */
class RuleTest {
  @Test
  void everyRuleReadsBackFromTheNameItsAlertsCarry() {
    for (Rule.Kind k : Rule.Kind.values()) {
      Rule r = k.perCheck() ? Rule.of(k, "kafka:main/es") : new Rule(k, null);
      assertThat(Rule.parse(r.id())).contains(r);
    }
    assertThat(Rule.of(Rule.Kind.UNKNOWN_FRESHNESS, "es").id()).isEqualTo("unknown:freshness:es");
    assertThat(Rule.parse("freshness:es")).contains(Rule.of(Rule.Kind.FRESHNESS, "es"));
  }

  @Test
  void aNameNoRuleHasAnyMoreReadsAsNoRule() {
    assertThat(Rule.parse("silence:es")).isEmpty();
    assertThat(Rule.parse("freshness")).isEmpty();
    assertThat(Rule.parse("canary:x")).isEmpty();
  }

  @Test
  void aPerCheckRuleNeedsItsCheckAndTheOthersTakeNone() {
    assertThatThrownBy(() -> new Rule(Rule.Kind.VOLUME_DROP, null)).hasMessageContaining("volume-drop needs the check");
    assertThatThrownBy(() -> new Rule(Rule.Kind.CANARY, "x")).hasMessageContaining("canary judges no check");
  }

  @Test
  void anOpenAlertAcknowledgedOrNotResolvesWhenClearAndIsNotRaisedAgainWhileTheConditionHolds() {
    assertThat(Decision.of(true, false, false)).isEqualTo(Decision.FIRE);
    assertThat(Decision.of(true, false, true)).isEqualTo(Decision.NONE);
    assertThat(Decision.of(false, true, true)).isEqualTo(Decision.RESOLVE);
    assertThat(Decision.of(false, true, false)).isEqualTo(Decision.NONE);
    assertThat(Decision.of(false, false, true)).isEqualTo(Decision.NONE);
  }
}
