package io.oobwatch.probes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaConfigTest {

  @Test
  void toStringMasksSecretsAndShowsTheRest() {
    KafkaConfig cfg =
        new KafkaConfig(
            "kafka-1:9092",
            "inference-logs",
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "PlainLoginModule required username=\"wd\" password=\"hunter2\";",
                "ssl.truststore.password", "changeit",
                "ssl.keystore.location", "/etc/oobwatch/ks.p12"),
            Duration.ofSeconds(10));

    String shown = cfg.toString();

    assertThat(shown)
        .contains("kafka-1:9092", "inference-logs", "SASL_SSL", "PLAIN", "PT10S")
        .contains("sasl.jaas.config=****", "ssl.truststore.password=****", "ssl.keystore.location=****")
        .doesNotContain("hunter2", "changeit", "/etc/oobwatch/ks.p12");
  }

  @Test
  void stagesOpenedFromOneContextOnTheSameTopicLeaseOneReaderWithoutConnecting() {
    KafkaConfig cfg = new KafkaConfig("127.0.0.1:" + KafkaInjectorTest.unusedPort(), "inference-logs", Duration.ofSeconds(1));
    io.oobwatch.probes.ProbeContext ctx =
        new io.oobwatch.probes.ProbeContext(java.net.http.HttpClient.newHttpClient(), java.time.Clock.systemUTC());

    try (var first = cfg.open("kafka", ctx);
        var second = new KafkaConfig(cfg.bootstrap(), "inference-logs", Duration.ofSeconds(1)).open("kafka", ctx);
        var otherTopic = new KafkaConfig(cfg.bootstrap(), "other", Duration.ofSeconds(1)).open("kafka", ctx)) {
      assertThat(ctx.shared().open()).isEqualTo(2);
      second.close();
      assertThat(ctx.shared().open()).isEqualTo(2);
    }
    assertThat(ctx.shared().open()).isZero();
  }

  @Test
  void aZeroTimeoutIsRejected() {
    assertThatThrownBy(() -> new KafkaConfig("kafka-1:9092", "t", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }

  @Test
  void theProbeSettingsWinOverClientProperties() {
    KafkaConfig cfg =
        new KafkaConfig(
            "kafka-1:9092",
            "inference-logs",
            Map.of("acks", "0", "group.id", "logstash", "enable.auto.commit", "true", "security.protocol", "SSL"),
            Duration.ofSeconds(10));

    var producer = new KafkaInjector(cfg, java.time.Clock.systemUTC()).producerProperties();
    var consumer = TopicReader.consumerProperties(cfg);

    assertThat(producer).containsEntry("acks", "all").containsEntry("security.protocol", "SSL");
    assertThat(producer).containsEntry("max.block.ms", "10000").containsEntry("delivery.timeout.ms", "10000");
    assertThat(consumer).doesNotContainKey("group.id").containsEntry("enable.auto.commit", "false");
    assertThat(consumer).containsEntry("security.protocol", "SSL");
  }
}
