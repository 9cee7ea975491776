package io.oobwatch.probes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Lookup;
import io.oobwatch.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaStageTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final AtomicLong SEQ = new AtomicLong();
  private static final Clock CLOCK = Clock.systemUTC();

  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @Test
  void aCanaryInjectedAfterArmingIsFoundOnceWithANonNegativeLatency() {
    KafkaConfig cfg = topic("found", 3);
    try (KafkaStage stage = new KafkaStage("kafka", cfg, CLOCK);
        KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      CanaryRecord canary = canary();
      stage.arm(canary);
      assertThat(injector.inject(canary).ok()).isTrue();

      Lookup l = await().until(() -> stage.lookup(canary), r -> r.status() == Lookup.Status.FOUND);

      assertThat(l.count()).isEqualTo(1);
      assertThat(l.seenAt()).isAfterOrEqualTo(canary.emittedAt());
      assertThat(stage.lookup(canary)).isEqualTo(l);
    }
  }

  @Test
  void aCanaryThatWasNeverProducedIsNotFound() {
    KafkaConfig cfg = topic("never", 2);
    try (KafkaStage stage = new KafkaStage("kafka", cfg, CLOCK);
        KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      CanaryRecord produced = canary();
      CanaryRecord never = canary();
      stage.arm(never);
      stage.arm(produced);
      assertThat(injector.inject(produced).ok()).isTrue();
      await().until(() -> stage.lookup(produced).status() == Lookup.Status.FOUND);

      Lookup l = stage.lookup(never);

      assertThat(l.status()).isEqualTo(Lookup.Status.NOT_FOUND);
      assertThat(l.reason()).startsWith("not in topic " + cfg.topic()).contains("read up to offsets");
    }
  }

  @Test
  void otherTrafficAroundTheCanaryDoesNotHideIt() {
    KafkaConfig cfg = topic("busy", 3);
    try (KafkaStage stage = new KafkaStage("kafka", cfg, CLOCK);
        KafkaInjector injector = new KafkaInjector(cfg, CLOCK);
        KafkaProducer<String, String> traffic = producer()) {
      produceUnrelated(traffic, cfg.topic(), 1000);
      CanaryRecord canary = canary();
      stage.arm(canary);
      produceUnrelated(traffic, cfg.topic(), 1000);
      assertThat(injector.inject(canary).ok()).isTrue();
      produceUnrelated(traffic, cfg.topic(), 1000);

      Lookup l = await().until(() -> stage.lookup(canary), r -> r.status() == Lookup.Status.FOUND);

      assertThat(l.count()).isEqualTo(1);
    }
  }

  @Test
  void everyCanaryInFlightIsAnsweredFromOneScan() {
    KafkaConfig cfg = topic("batch", 2);
    try (KafkaStage stage = new KafkaStage("kafka", cfg, CLOCK);
        KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      CanaryRecord first = canary();
      CanaryRecord second = canary();
      CanaryRecord never = canary();
      stage.arm(first);
      stage.arm(second);
      stage.arm(never);
      assertThat(injector.inject(first).ok()).isTrue();
      assertThat(injector.inject(second).ok()).isTrue();

      Map<String, Lookup> found = await().until(() -> stage.lookupAll(List.of(first, second, never)),
          m -> m.get(first.id()).status() == Lookup.Status.FOUND && m.get(second.id()).status() == Lookup.Status.FOUND);

      assertThat(found).containsOnlyKeys(first.id(), second.id(), never.id());
      assertThat(found.get(first.id()).count()).isEqualTo(1);
      assertThat(found.get(second.id()).count()).isEqualTo(1);
      assertThat(found.get(never.id()).status()).isEqualTo(Lookup.Status.NOT_FOUND);
    }
  }

  @Test
  void aCanaryProducedTwiceIsCountedTwice() {
    KafkaConfig cfg = topic("twice", 2);
    try (KafkaStage stage = new KafkaStage("kafka", cfg, CLOCK);
        KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      CanaryRecord canary = canary();
      stage.arm(canary);
      assertThat(injector.inject(canary).ok()).isTrue();
      assertThat(injector.inject(canary).ok()).isTrue();

      Lookup l = await().until(() -> stage.lookup(canary), r -> r.status() == Lookup.Status.FOUND);

      assertThat(l.count()).isEqualTo(2);
    }
  }

  @Test
  void aRecordProducedBeforeArmingIsNotTakenForTheCanary() {
    KafkaConfig cfg = topic("before", 1);
    try (KafkaStage stage = new KafkaStage("kafka", cfg, CLOCK);
        KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      CanaryRecord early = canary();
      CanaryRecord canary = canary();
      Injection earlyInjection = injector.inject(early);
      assertThat(earlyInjection.ok()).isTrue();

      stage.arm(canary);
      stage.arm(early);
      Injection injection = injector.inject(canary);
      Lookup l = await().until(() -> stage.lookup(canary), r -> r.status() == Lookup.Status.FOUND);

      assertThat(injection.reason()).isEqualTo("partition 0 offset 1");
      assertThat(l.count()).isEqualTo(1);
      assertThat(stage.lookup(early).status()).isEqualTo(Lookup.Status.NOT_FOUND);
    }
  }

  @Test
  void aForgottenCanaryIsNoLongerCounted() {
    KafkaConfig cfg = topic("forget", 1);
    try (KafkaStage stage = new KafkaStage("kafka", cfg, CLOCK);
        KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      CanaryRecord canary = canary();
      CanaryRecord other = canary();
      stage.arm(canary);
      stage.arm(other);
      stage.forget(canary);
      assertThat(injector.inject(canary).ok()).isTrue();
      assertThat(injector.inject(other).ok()).isTrue();
      await().until(() -> stage.lookup(other).status() == Lookup.Status.FOUND);

      // looked for again without arming: it was produced before this look, and not counted then
      assertThat(stage.lookup(canary).status()).isEqualTo(Lookup.Status.NOT_FOUND);
    }
  }

  @Test
  void aPartitionAddedToTheTopicIsReadFromItsBeginning() throws Exception {
    kafka.createTopic("grows", 1);
    KafkaConfig cfg =
        new KafkaConfig(kafka.bootstrap(), "grows", Map.of("metadata.max.age.ms", "200"), TIMEOUT);
    try (KafkaStage stage = new KafkaStage("kafka", cfg, CLOCK);
        KafkaProducer<String, String> producer = producer();
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrap()))) {
      CanaryRecord first = canary();
      stage.arm(first);
      admin.createPartitions(Map.of("grows", NewPartitions.increaseTo(2))).all().get();
      CanaryRecord canary = canary();
      String json = new String(canary.toJson(), StandardCharsets.UTF_8);
      assertThat(producer.send(new ProducerRecord<>("grows", 1, canary.id(), json))).succeedsWithin(TIMEOUT);

      Lookup l =
          await().until(
              () -> {
                stage.arm(canary);
                return stage.lookup(canary);
              },
              r -> r.status() == Lookup.Status.FOUND);

      assertThat(l.count()).isEqualTo(1);
    }
  }

  @Test
  void aTopicThatDoesNotExistIsUnreachableWithTheReason() {
    KafkaConfig cfg = new KafkaConfig(kafka.bootstrap(), "no-such-topic", TIMEOUT);
    try (KafkaStage stage = new KafkaStage("kafka", cfg, CLOCK)) {
      CanaryRecord canary = canary();
      stage.arm(canary);

      Lookup l = stage.lookup(canary);

      assertThat(l.status()).isEqualTo(Lookup.Status.UNREACHABLE);
      assertThat(l.reason()).isEqualTo("topic no-such-topic does not exist on kafka at " + kafka.bootstrap());
    }
  }

  static CanaryRecord canary() {
    return CanaryRecord.create(SEQ.incrementAndGet(), CLOCK.instant(), "inference-logs", "wd-test", Map.of());
  }

  private static KafkaConfig topic(String name, int partitions) {
    kafka.createTopic(name, partitions);
    return new KafkaConfig(kafka.bootstrap(), name, TIMEOUT);
  }

  private static KafkaProducer<String, String> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    // plain traffic: the canary's own producer is the idempotent one under test
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
    return new KafkaProducer<>(p);
  }

  private static void produceUnrelated(KafkaProducer<String, String> producer, String topic, int n) {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = UUID.randomUUID().toString();
      sent.add(producer.send(new ProducerRecord<>(topic, id, "{\"event\":\"inference\",\"request_id\":\"" + id + "\"}")));
    }
    producer.flush();
    sent.forEach(f -> assertThat(f).succeedsWithin(Duration.ofSeconds(1)));
  }
}
