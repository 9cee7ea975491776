package io.oobwatch.watchdog.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Observation;
import io.oobwatch.watchdog.detect.Finding.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stalled-consumer and lag rules, pure. */
class ConsumerRuleTest {
  static final Instant NOW = Instant.parse("2026-11-27T08:48:12Z");

  static Window perMinute(double rate, int minutes) {
    return new Window(minutes, rate * minutes);
  }

  final ConsumerRule rule = new ConsumerRule(100_000, Duration.ofMinutes(5));

  List<Observation> minutes(int n, java.util.function.IntFunction<Observation> at) {
    List<Observation> out = new ArrayList<>();
    for (int i = n - 1; i >= 0; i--) {
      out.add(at.apply(i));
    }
    return out;
  }

  Instant minutesAgo(int i) {
    return NOW.minusSeconds(60L * i);
  }

  @Test
  void flatCommittedOffsetsWithGrowingLagForTheBoundPageNamingTheUsualCause() {
    List<Observation> recent = minutes(8, i -> Observation.value(minutesAgo(i), 1000 + (7 - i) * 500, 42_000, "Stable"));

    Finding f = rule.stalled("consumer group logstash", recent, NOW);

    assertThat(f.condition()).isEqualTo(Condition.BAD);
    assertThat(f.summary()).isEqualTo("consumer group logstash stalled");
    assertThat(f.evidence()).isEqualTo("Committed offsets flat for 7m while lag grew from 1000 to 4500 (Stable). "
        + "The usual cause of \"Kafka healthy, ES healthy, dashboards dark\".");
  }

  @Test
  void flatOffsetsForLessThanTheBoundAreNotYetStalled() {
    List<Observation> recent = new ArrayList<>(minutes(8, i -> Observation.value(minutesAgo(i), 100, 40_000 + (7 - i) * 100, "Stable")));
    for (int i = 4; i >= 0; i--) {
      recent.remove(0);
    }
    recent.addAll(minutes(4, i -> Observation.value(minutesAgo(i), 100 + (4 - i) * 50, 50_000, "Stable")));
    recent.sort(java.util.Comparator.comparing(Observation::at));

    assertThat(rule.stalled("g", recent, NOW).condition()).isEqualTo(Condition.OK);
  }

  @Test
  void movingOffsetsWithSteadyLagAreHealthy() {
    List<Observation> recent = minutes(12, i -> Observation.value(minutesAgo(i), 300, 1000 * (12 - i), "Stable"));

    Finding f = rule.stalled("g", recent, NOW);

    assertThat(f.condition()).isEqualTo(Condition.OK);
    assertThat(f.status()).isEqualTo("lag 300, Stable, consuming");
  }

  @Test
  void anIdleTopicWithFlatOffsetsAndNoGrowingLagIsNotStalled() {
    List<Observation> recent = minutes(12, i -> Observation.value(minutesAgo(i), 0, 5000, "Stable"));

    assertThat(rule.stalled("g", recent, NOW).condition()).isEqualTo(Condition.OK);
  }

  @Test
  void anEmptyGroupForTheBoundPages() {
    List<Observation> recent = minutes(6, i -> Observation.value(minutesAgo(i), 12_034, 5000, "Empty"));

    Finding f = rule.stalled("consumer group logstash", recent, NOW);

    assertThat(f.condition()).isEqualTo(Condition.BAD);
    assertThat(f.evidence()).startsWith("Consumer group logstash has no members (Empty); lag 12034, for 5m.");
  }

  @Test
  void aGroupThatNoLongerExistsPagesAfterTheBound() {
    List<Observation> recent = new ArrayList<>(minutes(3, i -> Observation.value(minutesAgo(i + 6), 10, 5000, "Empty")));
    recent.addAll(minutes(6, i -> Observation.none(minutesAgo(i), "consumer group logstash does not exist (Dead)")));

    Finding f = rule.stalled("consumer group logstash", recent, NOW);

    assertThat(f.condition()).isEqualTo(Condition.BAD);
    assertThat(f.evidence()).startsWith("Consumer group logstash does not exist (Dead), for 8m.");
  }

  @Test
  void lagAboveTheBoundPages() {
    assertThat(rule.lag("g", Observation.value(NOW, 1_200_000, 1, "Stable")).summary())
        .isEqualTo("g lag 1.2M above max_lag 100000");
    assertThat(rule.lag("g", Observation.value(NOW, 99_000, 1, "Stable")).condition()).isEqualTo(Condition.OK);
  }
}
