package io.oobwatch.watchdog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.watchdog.daemon.Daemon;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.OutcomeRow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the end-to-end tests read of a running daemon's judgements, and how they feed a topic. */
final class Judged {
  private Judged() {}

  /** How many canaries of the pipeline were judged OK. */
  static long ok(Daemon daemon, String pipeline) {
    return daemon.stores().canaries().counts(pipeline, Instant.EPOCH).ok();
  }

  /** The pipeline's canaries judged neither OK nor SLOW. */
  static List<OutcomeRow> failures(Daemon daemon, String pipeline) {
    return daemon.stores().canaries().recentOutcomes(pipeline, 10_000).stream()
        .filter(r -> r.verdict() != CanaryOutcome.Verdict.OK && r.verdict() != CanaryOutcome.Verdict.SLOW).toList();
  }

  /**
   * After a fault is repaired: alert 1 of the pipeline is resolved by exactly one RESOLVED message
   * (the second message delivered), and {@code more} OK canaries later no other message went out.
   */
  static void resolvedOnce(Daemon daemon, FakeTwilio twilio, String pipeline, int more) {
    await().atMost(Duration.ofSeconds(60)).until(() -> twilio.delivered().size() == 2);
    assertThat(twilio.delivered().get(1).body()).contains("RESOLVED 1 " + pipeline + ": canaries flow again");
    long okAtResolve = ok(daemon, pipeline);
    await().atMost(Duration.ofSeconds(30)).until(() -> ok(daemon, pipeline) >= okAtResolve + more);
    assertThat(twilio.delivered()).hasSize(2);
    assertThat(daemon.stores().alerts().alerts(Instant.EPOCH)).singleElement()
        .extracting(Alert::state).isEqualTo(Alert.State.RESOLVED);
  }

  /** Produces one real record to the topic, acknowledged by all replicas. */
  static void produce(String bootstrap, String topic, String value) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, value));
    }
  }
}
