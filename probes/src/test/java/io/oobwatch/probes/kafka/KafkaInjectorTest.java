package io.oobwatch.probes.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.testkit.KafkaBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaInjectorTest {

  private static final Clock CLOCK = Clock.systemUTC();

  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @Test
  void aCanaryIsProducedKeyedByItsIdAndAcknowledgedWithItsOffset() {
    kafka.createTopic("inference-logs", 1);
    KafkaConfig cfg = new KafkaConfig(kafka.bootstrap(), "inference-logs", Duration.ofSeconds(5));
    CanaryRecord canary = canary();
    Injection injection;
    try (KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      assertThat(injector.kind()).isEqualTo("kafka");
      injection = injector.inject(canary);
    }

    assertThat(injection.ok()).isTrue();
    assertThat(injection.reason()).isEqualTo("partition 0 offset 0");
    assertThat(injection.took()).isGreaterThanOrEqualTo(Duration.ZERO);
    List<ConsumerRecord<String, String>> records = readAll("inference-logs");
    assertThat(records).hasSize(1);
    assertThat(records.get(0).key()).isEqualTo(canary.id());
    assertThat(records.get(0).value())
        .startsWith("{\"@timestamp\":\"" + canary.emittedAt() + "\"")
        .contains("\"synthetic\":true", "\"canary\":{\"id\":\"" + canary.id() + "\"");
  }

  @Test
  void anInjectorPointedAtAnUnusedPortFailsWithinItsTimeoutNamingTheBootstrap() {
    String bootstrap = "127.0.0.1:" + unusedPort();
    KafkaConfig cfg = new KafkaConfig(bootstrap, "inference-logs", Duration.ofSeconds(2));
    long start = System.nanoTime();
    Injection injection;
    try (KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      injection = injector.inject(canary());
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - start);

    assertThat(injection.ok()).isFalse();
    assertThat(injection.reason()).startsWith("kafka at " + bootstrap + " did not acknowledge within 2s: ");
    assertThat(wall).isLessThan(Duration.ofSeconds(6));
  }

  @Test
  void aTopicThatDoesNotExistFailsNamingTheTopic() {
    KafkaConfig cfg = new KafkaConfig(kafka.bootstrap(), "no-such-topic", Duration.ofSeconds(2));
    Injection injection;
    try (KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      injection = injector.inject(canary());
    }

    assertThat(injection.ok()).isFalse();
    assertThat(injection.reason())
        .isEqualTo("kafka at " + kafka.bootstrap() + " did not acknowledge within 2s: topic no-such-topic does not exist");
  }

  @Test
  void anInjectorRecoversOnTheNextCanaryAfterAFailure() {
    KafkaConfig cfg = new KafkaConfig(kafka.bootstrap(), "late-topic", Duration.ofSeconds(2));
    try (KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      Injection before = injector.inject(canary());
      kafka.createTopic("late-topic", 1);
      Injection after = injector.inject(canary());

      assertThat(before.ok()).isFalse();
      assertThat(after.ok()).isTrue();
      assertThat(after.reason()).isEqualTo("partition 0 offset 0");
    }
  }

  @Test
  void badClientSettingsFailTheInjectionInsteadOfThrowing() {
    KafkaConfig cfg =
        new KafkaConfig(kafka.bootstrap(), "inference-logs", Map.of("security.protocol", "CARRIER_PIGEON"), Duration.ofSeconds(2));
    Injection injection;
    try (KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      injection = injector.inject(canary());
    }

    assertThat(injection.ok()).isFalse();
    assertThat(injection.reason())
        .startsWith("kafka producer for " + kafka.bootstrap() + " could not be created: ")
        .contains("CARRIER_PIGEON");
  }

  private static CanaryRecord canary() {
    return CanaryRecord.create(1, CLOCK.instant(), "inference-logs", "wd-test", Map.of());
  }

  private static List<ConsumerRecord<String, String>> readAll(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      List<ConsumerRecord<String, String>> out = new ArrayList<>();
      while (c.position(tp) < end) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  static int unusedPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
