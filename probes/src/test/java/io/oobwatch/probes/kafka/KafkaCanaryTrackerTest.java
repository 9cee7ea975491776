package io.oobwatch.probes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.CanaryTracker;
import io.oobwatch.probes.canary.StageResult;
import io.oobwatch.testkit.KafkaBroker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Kafka injector and stage wired into a canary tracker, against a real broker. */
class KafkaCanaryTrackerTest {

  private static final Clock CLOCK = Clock.systemUTC();

  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @Test
  void aCanaryProducedToKafkaIsSeenInTheTopicAndJudgedOk() {
    kafka.createTopic("inference-logs", 3);
    KafkaConfig cfg = new KafkaConfig(kafka.bootstrap(), "inference-logs", Duration.ofSeconds(5));
    try (KafkaInjector injector = new KafkaInjector(cfg, CLOCK);
        KafkaStage stage = new KafkaStage("kafka", cfg, CLOCK);
        CanaryTracker tracker =
            new CanaryTracker("inference-logs", injector, List.of(stage), Duration.ofSeconds(60), Duration.ofSeconds(30), CLOCK)) {
      CanaryRecord canary = CanaryRecord.create(1, CLOCK.instant(), "inference-logs", "wd-test", Map.of("service", "support-bot"));

      assertThat(tracker.launch(canary)).isNull();
      List<CanaryOutcome> outcomes = new ArrayList<>();
      await().until(() -> outcomes.addAll(tracker.poll()));

      CanaryOutcome outcome = outcomes.get(0);
      assertThat(outcome.canaryId()).isEqualTo(canary.id());
      assertThat(outcome.verdict()).isEqualTo(CanaryOutcome.Verdict.OK);
      assertThat(outcome.injector()).isEqualTo("kafka");
      assertThat(outcome.injection().reason()).matches("partition [0-2] offset 0");
      StageResult seen = outcome.stages().get(0);
      assertThat(seen.stage()).isEqualTo("kafka");
      assertThat(seen.status()).isEqualTo(StageResult.Status.SEEN);
      assertThat(seen.count()).isEqualTo(1);
      assertThat(seen.latency()).isLessThan(Duration.ofSeconds(30));
      assertThat(tracker.inFlight()).isZero();
    }
  }

  @Test
  void aCanaryThatCannotBeProducedIsJudgedUnreachableAtTheEntry() {
    KafkaConfig cfg = new KafkaConfig(kafka.bootstrap(), "missing-topic", Duration.ofSeconds(2));
    try (KafkaInjector injector = new KafkaInjector(cfg, CLOCK);
        KafkaStage stage = new KafkaStage("kafka", cfg, CLOCK);
        CanaryTracker tracker =
            new CanaryTracker("inference-logs", injector, List.of(stage), Duration.ofSeconds(60), Duration.ofSeconds(30), CLOCK)) {
      CanaryRecord canary = CanaryRecord.create(2, CLOCK.instant(), "inference-logs", "wd-test", Map.of());

      CanaryOutcome outcome = tracker.launch(canary);

      assertThat(outcome).isNotNull();
      assertThat(outcome.verdict()).isEqualTo(CanaryOutcome.Verdict.UNREACHABLE);
      assertThat(outcome.injection().reason()).contains("kafka at " + kafka.bootstrap(), "missing-topic");
      assertThat(tracker.inFlight()).isZero();
    }
  }
}
