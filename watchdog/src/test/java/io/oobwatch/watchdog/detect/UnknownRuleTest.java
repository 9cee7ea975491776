package io.oobwatch.watchdog.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Observation;
import io.oobwatch.watchdog.detect.Finding.Condition;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The unknown-source rule, pure. */
class UnknownRuleTest {
  static final Instant NOW = Instant.parse("2026-11-27T08:48:12Z");

  final UnknownRule rule = new UnknownRule(Duration.ofMinutes(5));

  @Test
  void unknownForTheBoundPagesWithTheReason() {
    Observation o = Observation.unknown(NOW, "elasticsearch at http://es:9200 refused the connection");

    Finding f = rule.judge("elasticsearch (freshness)", o, false, NOW.minusSeconds(300), NOW);

    assertThat(f.condition()).isEqualTo(Condition.BAD);
    assertThat(f.summary()).isEqualTo("cannot query elasticsearch (freshness) for 5m");
    assertThat(f.evidence()).isEqualTo("Elasticsearch at http://es:9200 refused the connection.");
  }

  @Test
  void unknownForLessIsNotYetAnAlertAndAnAnswerResolves() {
    Observation o = Observation.unknown(NOW, "refused");

    assertThat(rule.judge("x", o, false, NOW.minusSeconds(240), NOW).condition()).isEqualTo(Condition.UNDECIDED);
    assertThat(rule.judge("x", Observation.value(NOW, 1), true, null, NOW).decide(true)).isEqualTo(Decision.RESOLVE);
  }
}
