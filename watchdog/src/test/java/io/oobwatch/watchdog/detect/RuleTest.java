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
  void aRequestMaxRuleHasOneRulePerSessionThatItCoversAndThatReadsBack() {
    Rule tokens = Rule.of(Rule.Kind.REQUEST_MAX, "request_tokens");
    Rule session = tokens.session("sess/9:x");

    assertThat(session.id()).isEqualTo("request-max:request_tokens/sess/9:x");
    assertThat(Rule.parse(session.id())).contains(session);
    assertThat(tokens.sessionOf(session)).contains("sess/9:x");
    assertThat(session.withoutSession()).isEqualTo(tokens);
    assertThat(tokens.covers(session.id())).isTrue();
    assertThat(tokens.covers("request-max:request_tokens_in/sess_1")).isFalse();
    assertThat(Rule.of(Rule.Kind.RATIO, "sink").covers("ratio:sink/source")).isFalse();
    assertThatThrownBy(() -> Rule.of(Rule.Kind.MEAN, "confidence").session("s")).hasMessageContaining("not per session");
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
