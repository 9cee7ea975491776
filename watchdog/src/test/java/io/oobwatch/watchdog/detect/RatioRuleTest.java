package io.oobwatch.watchdog.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Observation;
import io.oobwatch.watchdog.detect.Finding.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sink/source ratio rule, pure. */
class RatioRuleTest {
  static final Instant NOW = Instant.parse("2026-11-27T08:48:12Z");

  static Window perMinute(double rate, int minutes) {
    return new Window(minutes, rate * minutes);
  }

  final RatioRule rule = new RatioRule(0.9, Duration.ofMinutes(15));

  @Test
  void aSinkReceivingLessThanTheMinimumSharePages() {
    Finding f = rule.judge("elasticsearch", perMinute(405, 15), "kafka", perMinute(500, 15), 15, 50);

    assertThat(f.condition()).isEqualTo(Condition.BAD);
    assertThat(f.summary()).isEqualTo("elasticsearch receives 81% of what kafka sends");
    assertThat(f.evidence()).isEqualTo("405/min vs 500/min over 15m (81%; min 90%).");
  }

  @Test
  void aQuietSourceIsNotCompared() {
    assertThat(rule.judge("es", perMinute(0, 15), "kafka", perMinute(20, 15), 15, 50).condition())
        .isEqualTo(Condition.UNDECIDED);
    assertThat(rule.judge("es", perMinute(495, 15), "kafka", perMinute(500, 15), 15, 50).condition())
        .isEqualTo(Condition.OK);
  }
}
