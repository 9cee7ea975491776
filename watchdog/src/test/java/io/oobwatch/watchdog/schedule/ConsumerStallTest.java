package io.oobwatch.watchdog.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.probes.kafka.KafkaGroupConfig;
import io.oobwatch.probes.kafka.KafkaGroupLag;
import io.oobwatch.testkit.KafkaBroker;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.OutboxEntry;
import io.oobwatch.watchdog.store.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stalled consumers against a real broker: a connector's consumer group that stops committing
 * while producers continue, that leaves (Empty), or that is deleted, pages; a healthy one does not.
 * The watch runs on a {@link TestClock} advanced a minute per evaluation; Kafka runs in real time.
 */
class ConsumerStallTest {
  static final String TOPIC = "inference-logs";
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @TempDir Path stateDir;
  final TestClock clock = TestClock.at("2026-11-27T08:00:00Z");
  Stores store;
  SignalWatch watch;
  KafkaConsumer<String, String> consumer;

  @BeforeAll
  static void start() {
    kafka.createTopic(TOPIC, 2);
  }

  @AfterEach
  void close() {
    if (consumer != null) {
      consumer.close();
    }
    watch.closeProbes();
    store.close();
  }

  void watch(String group) {
    store = Stores.open(stateDir);
    Config.ConsumerLag c = new Config.ConsumerLag(group,
        new KafkaGroupConfig(kafka.bootstrap(), group, TOPIC, Map.of(), Duration.ofSeconds(5)), 0, Duration.ofMinutes(5));
    Config.Pipeline p = new Config.Pipeline("inference-logs", null,
        new Config.Checks(Duration.ofMinutes(1), Duration.ofMinutes(5), List.of(), List.of(), List.of(), List.of(c)));
    Alerts alerts = new Alerts("wd-test", store.alerts(), null, clock, () -> { });
    watch = new SignalWatch("wd-test", p,
        Map.of(SignalWatch.signal("inference-logs", "consumer_lag", group), new KafkaGroupLag((KafkaGroupConfig) c.settings(), clock)),
        store.observations(), alerts, clock);
  }

  void join(String group) {
    consumer = kafka.consumer(group, TOPIC);
  }

  /** The connector at work: reads everything produced so far and commits. */
  void consumeAll() {
    await().until(() -> {
      consumer.poll(Duration.ofMillis(100));
      consumer.commitSync();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
        long committed = admin.listConsumerGroupOffsets(consumer.groupMetadata().groupId()).partitionsToOffsetAndMetadata()
            .get().values().stream().mapToLong(o -> o == null ? 0 : o.offset()).sum();
        return committed >= produced;
      }
    });
  }

  long produced;

  void produce(int n) {
    for (int i = 0; i < n; i++) {
      kafka.producer().send(new ProducerRecord<>(TOPIC, "k" + produced + i, "{\"service\":\"support-bot\"}"));
    }
    kafka.producer().flush();
    produced += n;
  }

  /** One simulated minute: traffic, maybe consumption, one evaluation. */
  void minute(boolean consuming) {
    produce(20);
    if (consuming) {
      consumeAll();
    }
    watch.tick();
    assertThat(watch.snapshot().error()).isNull();
    clock.advance(Duration.ofMinutes(1));
  }

  List<Alert> alerts() {
    return store.alerts().alerts(Instant.EPOCH);
  }

  @Test
  void aConsumerThatStopsCommittingWhileProducersContinuePagesNamingTheGroupAndTheUsualCause() {
    produced = totalEndOffsets();
    watch("connector-stalls");
    join("connector-stalls");
    for (int i = 0; i < 6; i++) {
      minute(true);
    }
    assertThat(alerts()).isEmpty();

    for (int i = 0; i < 7; i++) {
      minute(false);
    }

    assertThat(alerts()).hasSize(1);
    Alert a = alerts().get(0);
    assertThat(a.rule()).isEqualTo("stalled:connector-stalls");
    assertThat(a.summary()).isEqualTo("consumer group connector-stalls stalled");
    OutboxEntry page = store.outbox().pages(10).get(0);
    assertThat(page.body()).contains("Committed offsets flat for 5m while lag grew from 0 to 100 (Stable)");
    assertThat(page.body()).contains("Kafka healthy, ES healthy, dashboards dark");

    minute(true);
    assertThat(alerts().get(0).state()).isEqualTo(Alert.State.RESOLVED);
  }

  @Test
  void aHealthyGroupWithNormalLagPagesNobody() {
    produced = totalEndOffsets();
    watch("connector-healthy");
    join("connector-healthy");
    for (int i = 0; i < 12; i++) {
      minute(true);
      produce(15); // always some lag when evaluated
    }

    assertThat(alerts()).isEmpty();
    assertThat(watch.snapshot().checks().get("connector-healthy").findings().get("stalled")).contains("consuming");
  }

  @Test
  void aGroupLeftEmptyPagesAfterTheBound() {
    produced = totalEndOffsets();
    watch("connector-leaves");
    join("connector-leaves");
    minute(true);
    consumer.close();
    consumer = null;

    for (int i = 0; i < 6; i++) {
      minute(false);
    }

    assertThat(alerts()).extracting(Alert::rule).containsExactly("stalled:connector-leaves");
    assertThat(store.outbox().pages(10).get(0).body()).contains("has no members (Empty)");
  }

  @Test
  void aDeletedGroupPagesAfterTheBound() throws Exception {
    produced = totalEndOffsets();
    watch("connector-deleted");
    join("connector-deleted");
    minute(true);
    consumer.close();
    consumer = null;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
      admin.deleteConsumerGroups(List.of("connector-deleted")).all().get();
    }

    for (int i = 0; i < 6; i++) {
      minute(false);
    }

    assertThat(alerts()).extracting(Alert::rule).containsExactly("stalled:connector-deleted");
    assertThat(store.outbox().pages(10).get(0).body()).contains("does not exist (Dead)");
  }

  private static long totalEndOffsets() {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
      Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> spec = Map.of(
          new org.apache.kafka.common.TopicPartition(TOPIC, 0), org.apache.kafka.clients.admin.OffsetSpec.latest(),
          new org.apache.kafka.common.TopicPartition(TOPIC, 1), org.apache.kafka.clients.admin.OffsetSpec.latest());
      return admin.listOffsets(spec).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
