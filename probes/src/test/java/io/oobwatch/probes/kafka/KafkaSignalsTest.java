package io.oobwatch.probes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Observation.Kind;
import io.oobwatch.probes.SharedClients;
import io.oobwatch.testkit.KafkaBroker;
import io.oobwatch.testkit.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** End-offset growth and consumer-group lag against a real broker. */
class KafkaSignalsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  private final TestClock clock = TestClock.at("2026-11-27T10:00:00Z");

  private static void produce(String topic, int n) {
    for (int i = 0; i < n; i++) {
      kafka.producer().send(new ProducerRecord<>(topic, "k" + i, "{\"service\":\"support-bot\"}"));
    }
    kafka.producer().flush();
  }

  /** Polls until {@code n} records were read, then commits. */
  private static void consume(KafkaConsumer<String, String> c, int n) {
    int[] read = {0};
    await().until(() -> {
      read[0] += c.poll(Duration.ofMillis(200)).count();
      return read[0] >= n;
    });
    c.commitSync();
  }

  @Test
  void endOffsetGrowthIsRecordsPerMinuteAfterAFirstReadingThatIsNone() {
    kafka.createTopic("volume", 3);
    try (KafkaEndOffsets probe = new KafkaEndOffsets(new KafkaConfig(kafka.bootstrap(), "volume", TIMEOUT), clock)) {
      produce("volume", 10);
      Observation first = probe.observe();
      produce("volume", 300);
      clock.advance(Duration.ofSeconds(30));

      Observation second = probe.observe();

      assertThat(first.kind()).isEqualTo(Kind.NONE);
      assertThat(first.note()).startsWith("first reading of topic volume");
      assertThat(second.kind()).isEqualTo(Kind.VALUE);
      assertThat(second.value()).isEqualTo(600.0);
    }
  }

  @Test
  void aMissingTopicIsUnknownNamingIt() {
    try (KafkaEndOffsets probe = new KafkaEndOffsets(new KafkaConfig(kafka.bootstrap(), "no-such-topic", TIMEOUT), clock)) {
      Observation o = probe.observe();

      assertThat(o.kind()).isEqualTo(Kind.UNKNOWN);
      assertThat(o.note()).contains("topic no-such-topic does not exist");
    }
  }

  @Test
  void aConsumingGroupHasItsLagCommittedOffsetsAndStateThenEmptyThenDeadWhenDeleted() throws Exception {
    kafka.createTopic("lagged", 2);
    produce("lagged", 50);
    KafkaGroupConfig cfg = new KafkaGroupConfig(kafka.bootstrap(), "connector", "lagged", Map.of(), TIMEOUT);
    try (KafkaGroupLag probe = new KafkaGroupLag(cfg, clock)) {
      KafkaConsumer<String, String> c = kafka.consumer("connector", "lagged");
      consume(c, 50);
      produce("lagged", 20);

      Observation stable = probe.observe();
      c.close();
      Observation empty = await().until(probe::observe, o -> o.note().equals("Empty"));
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
        admin.deleteConsumerGroups(List.of("connector")).all().get();
      }
      Observation dead = probe.observe();

      assertThat(stable.kind()).isEqualTo(Kind.VALUE);
      assertThat(stable.value()).isEqualTo(20.0);
      assertThat(stable.aux()).isEqualTo(50.0);
      assertThat(stable.note()).isEqualTo("Stable");
      assertThat(empty.value()).isEqualTo(20.0);
      assertThat(dead.kind()).isEqualTo(Kind.NONE);
      assertThat(dead.note()).isEqualTo("consumer group connector does not exist (Dead)");
    }
  }

  @Test
  void probesOfPipelinesOnTheSameClusterShareOneAdminClientUntilTheLastOneCloses() {
    kafka.createTopic("shared", 1);
    produce("shared", 5);
    SharedClients shared = new SharedClients();
    KafkaGroupConfig lagCfg = new KafkaGroupConfig(kafka.bootstrap(), "nobody", "shared", Map.of(), TIMEOUT);
    KafkaGroupLag lag = new KafkaGroupLag(lagCfg, clock, shared);
    KafkaEndOffsets volume = new KafkaEndOffsets(new KafkaConfig(kafka.bootstrap(), "shared", TIMEOUT), clock, shared);
    KafkaGroupConfig elsewhere = new KafkaGroupConfig("127.0.0.1:1", "g", null, Map.of(), Duration.ofSeconds(1));
    KafkaGroupLag other = new KafkaGroupLag(elsewhere, clock, shared);

    assertThat(lag.observe().kind()).isEqualTo(Kind.NONE);
    assertThat(volume.observe().kind()).isEqualTo(Kind.NONE);
    assertThat(shared.open()).as("one admin client for the cluster").isEqualTo(1);
    other.observe();
    assertThat(shared.open()).as("another cluster has its own").isEqualTo(2);

    lag.close();
    produce("shared", 30);
    clock.advance(Duration.ofSeconds(30));
    Observation stillReading = volume.observe();
    other.close();
    volume.close();

    assertThat(stillReading.kind()).isEqualTo(Kind.VALUE);
    assertThat(stillReading.value()).isEqualTo(60.0);
    assertThat(shared.open()).isZero();
  }

  /** A record written at {@code ms} (its record timestamp) to partition {@code partition}. */
  @Test
  void theRealTrafficOfTwoPipelinesStagesOnOneTopicIsReadByOneReaderThatOutlivesEitherPipeline() throws Exception {
    kafka.createTopic("traffic-shared", 1);
    long t0 = java.time.Instant.parse("2026-11-27T09:59:50Z").toEpochMilli();
    SharedClients shared = new SharedClients();
    io.oobwatch.probes.ProbeContext ctx =
        new io.oobwatch.probes.ProbeContext(java.net.http.HttpClient.newHttpClient(), clock, shared);
    KafkaConfig cfg = new KafkaConfig(kafka.bootstrap(), "traffic-shared", TIMEOUT);
    io.oobwatch.probes.Probe removed = cfg.realTraffic(ctx).orElseThrow().newest();
    try (io.oobwatch.probes.Probe kept = cfg.realTraffic(ctx).orElseThrow().newest()) {
      sendAt("traffic-shared", 0, t0 + 1_000, "{\"service\":\"support-bot\"}");
      Observation first = removed.observe();
      Observation same = kept.observe();
      assertThat(shared.open()).as("one admin client, one reader of the topic").isEqualTo(2);

      removed.close();
      sendAt("traffic-shared", 0, t0 + 2_000, "{\"service\":\"support-bot\"}");
      Observation moved = kept.observe();

      assertThat((long) first.value()).isEqualTo(t0 + 1_000);
      assertThat((long) same.value()).isEqualTo(t0 + 1_000);
      assertThat((long) moved.value()).isEqualTo(t0 + 2_000);
      assertThat(shared.open()).isEqualTo(2);
    }
    assertThat(shared.open()).isZero();
  }

  private static void sendAt(String topic, int partition, long ms, String value) throws Exception {
    kafka.producer().send(new ProducerRecord<>(topic, partition, ms, "k", value)).get();
  }

  @Test
  void aStagesRealTrafficIsItsNewestRealRecordsTimestampMovingWithRealRecordsOnlyNeverWithCanaries()
      throws Exception {
    kafka.createTopic("traffic", 2);
    long t0 = java.time.Instant.parse("2026-11-27T09:59:50Z").toEpochMilli();
    String canary = new String(io.oobwatch.probes.CanaryRecord.create(1, java.time.Instant.ofEpochMilli(t0 + 9_000),
        "inference", "oob-1", Map.of()).toJson(), java.nio.charset.StandardCharsets.UTF_8);
    SharedClients shared = new SharedClients();
    KafkaConfig cfg = new KafkaConfig(kafka.bootstrap(), "traffic", TIMEOUT);
    io.oobwatch.probes.RealTraffic real =
        cfg.realTraffic(new io.oobwatch.probes.ProbeContext(java.net.http.HttpClient.newHttpClient(), clock, shared))
            .orElseThrow();
    assertThat(real.arrived()).isEqualTo("written to traffic");
    try (io.oobwatch.probes.Probe traffic = real.newest()) {
      Observation empty = traffic.observe();
      sendAt("traffic", 0, t0 + 1_000, "{\"service\":\"support-bot\"}");
      sendAt("traffic", 1, t0 + 3_000, "{\"service\":\"support-bot\"}");
      Observation first = traffic.observe();
      sendAt("traffic", 0, t0 + 9_000, canary); // a canary arriving is not real traffic
      sendAt("traffic", 1, t0 + 9_500, "{\"service\":\"x\",\"synthetic\":\"true\"}");
      Observation afterCanaries = traffic.observe();
      sendAt("traffic", 0, t0 + 7_000, "{\"service\":\"support-bot\"}");
      Observation moved = traffic.observe();

      assertThat(empty.kind()).isEqualTo(Kind.NONE);
      assertThat(empty.note()).contains("no real (non-synthetic) record").contains("topic traffic");
      assertThat(shared.open()).as("the shared admin client and the topic's shared reader").isEqualTo(2);
      assertThat(first.kind()).isEqualTo(Kind.VALUE);
      assertThat((long) first.value()).as("the newest over partitions").isEqualTo(t0 + 3_000);
      assertThat((long) afterCanaries.value()).isEqualTo(t0 + 3_000);
      assertThat((long) moved.value()).isEqualTo(t0 + 7_000);
    }
    assertThat(shared.open()).isZero();
  }

  @Test
  void aStagesRealTrafficOnAMissingTopicIsUnknownNamingIt() {
    KafkaConfig cfg = new KafkaConfig(kafka.bootstrap(), "no-traffic-topic", TIMEOUT);
    try (KafkaNewestReal probe = new KafkaNewestReal(cfg, clock, new SharedClients())) {
      Observation o = probe.observe();

      assertThat(o.kind()).isEqualTo(Kind.UNKNOWN);
      assertThat(o.note()).contains("topic no-traffic-topic does not exist");
    }
  }

  @Test
  void aBrokerThatIsNotThereIsUnknownWithinTheTimeout() {
    KafkaGroupConfig cfg = new KafkaGroupConfig("127.0.0.1:1", "g", null, Map.of(), Duration.ofSeconds(1));
    try (KafkaGroupLag probe = new KafkaGroupLag(cfg, clock)) {
      long start = System.nanoTime();
      Observation o = probe.observe();

      assertThat(o.kind()).isEqualTo(Kind.UNKNOWN);
      assertThat(o.note()).isEqualTo("kafka at 127.0.0.1:1 not answering within 1s");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }
}
