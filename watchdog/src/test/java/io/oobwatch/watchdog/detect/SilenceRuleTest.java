package io.oobwatch.watchdog.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Observation;
import io.oobwatch.watchdog.detect.Finding.Condition;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Dashboards dark: the silence rule, pure. */
class SilenceRuleTest {
  static final Instant NOW = Instant.parse("2026-11-27T08:48:12Z");

  final SilenceRule rule = new SilenceRule(Duration.ofMinutes(5));

  @Test
  void aNewestRecordOlderThanMaxAgePagesWithItsTime() {
    Observation o = Observation.value(NOW, Instant.parse("2026-11-27T08:41:12Z").toEpochMilli());

    Finding f = rule.judge("elasticsearch index inference-logs-*", o, null, NOW);

    assertThat(f.condition()).isEqualTo(Condition.BAD);
    assertThat(f.summary()).isEqualTo("no new inference logs in elasticsearch index inference-logs-* for 7m");
    assertThat(f.evidence()).isEqualTo("Newest 08:41:12Z; max_age 5m.");
  }

  @Test
  void aRecentRecordIsOkAndResolvesAFiringAlert() {
    Finding f = rule.judge("x", Observation.value(NOW, NOW.minusSeconds(30).toEpochMilli()), null, NOW);

    assertThat(f.condition()).isEqualTo(Condition.OK);
    assertThat(f.decide(true)).isEqualTo(Decision.RESOLVE);
    assertThat(f.decide(false)).isEqualTo(Decision.NONE);
  }

  @Test
  void anUnknownSinkIsNeitherFreshNorSilent() {
    Finding f = rule.judge("x", Observation.unknown(NOW, "refused"), null, NOW);

    assertThat(f.condition()).isEqualTo(Condition.UNDECIDED);
    assertThat(f.decide(true)).isEqualTo(Decision.NONE);
  }

  @Test
  void aPatternMatchingNothingPagesOnceItHasLastedMaxAgeSayingSo() {
    Observation none = Observation.none(NOW, "no index matches inference-logs-*");

    Finding early = rule.judge("x", none, NOW.minusSeconds(120), NOW);
    Finding late = rule.judge("elasticsearch index inference-logs-*", none, NOW.minusSeconds(360), NOW);

    assertThat(early.condition()).isEqualTo(Condition.UNDECIDED);
    assertThat(late.condition()).isEqualTo(Condition.BAD);
    assertThat(late.summary()).isEqualTo("no inference logs in elasticsearch index inference-logs-* for 6m");
    assertThat(late.evidence()).isEqualTo("No index matches inference-logs-* since 08:42:12Z.");
  }
}
