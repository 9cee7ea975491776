package io.oobwatch.watchdog.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.elasticsearch.ElasticsearchSignalConfig;
import io.oobwatch.probes.kafka.KafkaConfig;
import io.oobwatch.probes.kafka.KafkaGroupConfig;
import io.oobwatch.probes.prometheus.PrometheusConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pipeline watched without a canary: every check kind read into its records. */
class ChecksConfigTest {
  @TempDir Path dir;

  @Test
  void aPipelineWithOnlyFreshnessVolumeRatioAndLagChecksIsValidAndReadWithItsDefaults() throws Exception {
    Files.writeString(dir.resolve("prom-token"), "t0ken\n");
    String yaml = String.join("\n",
        "pipelines:",
        "  - name: inference-logs",
        "    evaluate_every: 30s",
        "    freshness:",
        "      - elasticsearch: { url: \"https://es:9200\", index: \"inference-logs-*\", timestamp_field: ts }",
        "        max_age: 5m",
        "    volume:",
        "      - name: sent",
        "        kafka: { bootstrap: \"kafka-1:9092\", topic: inference-logs }",
        "        drop: 25%",
        "        min_per_minute: 50",
        "        max_per_minute: 5000",
        "      - name: requests",
        "        prometheus: { url: \"http://prom:9090\", query: \"sum(rate(inference_requests_total[5m]))\", bearer_token_file: prom-token }",
        "        baseline: [7d]",
        "      - name: indexed",
        "        elasticsearch: { url: \"https://es:9200\", index: \"inference-logs-*\" }",
        "    ratio:",
        "      - { sink: indexed, source: sent, min: 95% }",
        "    consumer_lag:",
        "      - kafka: { bootstrap: \"kafka-1:9092\", group: logstash-inference }",
        "        max_lag: 100000",
        "");

    Config c = new ConfigLoader(Map.<String, String>of()::get).parse("oobwatch.yaml", dir, yaml);

    Config.Pipeline p = c.pipelines().get(0);
    assertThat(p.canary()).isNull();
    Config.Checks k = p.checks();
    assertThat(k.evaluateEvery()).isEqualTo(Duration.ofSeconds(30));
    assertThat(k.unknownAfter()).isEqualTo(Duration.ofMinutes(5));
    Config.Freshness f = k.freshness().get(0);
    assertThat(f.name()).isEqualTo("elasticsearch");
    assertThat(((ElasticsearchSignalConfig) f.settings()).timestampField()).isEqualTo("ts");
    assertThat(f.maxAge()).isEqualTo(Duration.ofMinutes(5));
    Config.Volume sent = k.volume().get(0);
    assertThat(sent.settings()).isInstanceOf(KafkaConfig.class);
    assertThat(sent.drop()).isEqualTo(0.25);
    assertThat(sent.window()).isEqualTo(Duration.ofMinutes(15));
    assertThat(sent.baselines()).containsExactly(Duration.ofDays(1), Duration.ofDays(7));
    assertThat(sent.minPerMinute()).isEqualTo(50.0);
    assertThat(sent.maxPerMinute()).isEqualTo(5000.0);
    Config.Volume requests = k.volume().get(1);
    assertThat(((PrometheusConfig) requests.settings()).bearerToken()).isEqualTo("t0ken");
    assertThat(requests.baselines()).containsExactly(Duration.ofDays(7));
    assertThat(requests.drop()).isEqualTo(0.20);
    assertThat(requests.maxPerMinute()).isNull();
    assertThat(((ElasticsearchSignalConfig) k.volume().get(2).settings()).timestampField()).isEqualTo("@timestamp");
    assertThat(k.ratios()).containsExactly(new Config.Ratio("indexed", "sent", 0.95, Duration.ofMinutes(15)));
    Config.ConsumerLag lag = k.consumerLag().get(0);
    assertThat(lag.name()).isEqualTo("logstash-inference");
    assertThat(((KafkaGroupConfig) lag.settings()).topic()).isNull();
    assertThat(lag.maxLag()).isEqualTo(100_000);
    assertThat(lag.stalledAfter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.toString()).doesNotContain("t0ken");
  }
}
