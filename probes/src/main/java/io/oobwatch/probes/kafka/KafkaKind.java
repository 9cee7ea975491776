package io.oobwatch.probes.kafka;

import io.oobwatch.probes.Kind;
import io.oobwatch.probes.Settings;

/** Kafka: an entry (produce), a stage (consume from the end), a volume (end-offset growth), consumer lag and a tap. */
public final class KafkaKind {
  private static final String TOPIC = "`bootstrap`, `topic`, `properties` (extra client settings, e.g. SASL), `timeout` (10s)";

  public static final Kind KIND = Kind.named("kafka", "Apache Kafka")
      .withEntry(TOPIC + "; produced with acks=all, idempotent", KafkaKind::topic)
      .withStage(TOPIC + "; a consumer that never commits, positioned at the end offsets before each canary is produced, one per cluster and topic whatever the number of pipelines on it",
          KafkaKind::topic)
      .withVolume(TOPIC + "; the growth of the topic's end offsets (admin client only)", KafkaKind::topic)
      .withTap(TOPIC + "; oobwatch's own consumer (group `oobwatch-INSTANCE`, manual assignment, never commits)"
          + " for the quality and cost signals", KafkaKind::topic)
      .withConsumerLag("`bootstrap`, `group`, optional `topic`, `properties`, `timeout`; the group's lag,"
          + " committed offsets and state", KafkaKind::group);

  private KafkaKind() {}

  static KafkaConfig topic(Settings o) {
    String bootstrap = o.requiredString("bootstrap", "the Kafka bootstrap servers, e.g. bootstrap: \"kafka-1:9092\"");
    String topic = o.requiredString("topic", "the topic inference logs are written to, e.g. topic: inference-logs");
    return new KafkaConfig(bootstrap, topic, o.strings("properties"), o.timeout());
  }

  static KafkaGroupConfig group(Settings o) {
    String bootstrap = o.requiredString("bootstrap", "the Kafka bootstrap servers, e.g. bootstrap: \"kafka-1:9092\"");
    String group = o.requiredString("group", "the connector's consumer group, e.g. group: logstash-inference");
    String topic = o.string("topic", null);
    return new KafkaGroupConfig(bootstrap, group, topic, o.strings("properties"), o.timeout());
  }
}
