package io.oobwatch.probes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.SharedClients;
import io.oobwatch.testkit.KafkaBroker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A broker that goes away: the stage says UNREACHABLE (never NOT_FOUND), the injector fails in time. */
class KafkaBrokerDownTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Clock CLOCK = Clock.systemUTC();
  private static final AtomicLong SEQ = new AtomicLong();

  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @BeforeAll
  static void startBroker() {
    kafka.createTopic("inference-logs", 2);
  }

  @BeforeEach
  void brokerRunning() {
    kafka.restart();
  }

  @Test
  void aStageWhoseBrokerStoppedIsUnreachableAndRecoversWhenItIsBack() {
    KafkaConfig cfg = new KafkaConfig(kafka.bootstrap(), "inference-logs", TIMEOUT);
    try (KafkaStage stage = new KafkaStage("kafka", cfg, CLOCK);
        KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      CanaryRecord before = canary();
      stage.arm(before);
      assertThat(injector.inject(before).ok()).isTrue();
      await().until(() -> stage.lookup(before).status() == Lookup.Status.FOUND);

      kafka.stop();
      CanaryRecord during = canary();
      stage.arm(during);
      long start = System.nanoTime();
      Lookup down = stage.lookup(during);
      Duration wall = Duration.ofNanos(System.nanoTime() - start);

      assertThat(down.status()).isEqualTo(Lookup.Status.UNREACHABLE);
      assertThat(down.reason()).isEqualTo("kafka at " + kafka.bootstrap() + " not answering within 2s");
      assertThat(wall).isLessThan(Duration.ofSeconds(8));

      kafka.restart();
      CanaryRecord after = canary();
      stage.arm(after);
      assertThat(injector.inject(after).ok()).isTrue();
      Lookup back = await().until(() -> stage.lookup(after), l -> l.status() == Lookup.Status.FOUND);
      assertThat(back.count()).isEqualTo(1);
      assertThat(stage.lookup(during).status()).isEqualTo(Lookup.Status.NOT_FOUND);
    }
  }

  @Test
  void aStageArmedWhileTheBrokerWasDownFindsACanaryProducedOnceItIsBack() {
    KafkaConfig cfg = new KafkaConfig(kafka.bootstrap(), "inference-logs", TIMEOUT);
    kafka.stop();
    try (KafkaStage stage = new KafkaStage("kafka", cfg, CLOCK);
        KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      CanaryRecord canary = canary();
      stage.arm(canary);
      assertThat(stage.lookup(canary).status()).isEqualTo(Lookup.Status.UNREACHABLE);

      kafka.restart();
      assertThat(injector.inject(canary).ok()).isTrue();

      Lookup l = await().until(() -> stage.lookup(canary), r -> r.status() == Lookup.Status.FOUND);
      assertThat(l.count()).isEqualTo(1);
    }
  }

  /**
   * Two pipelines' stages sharing a reader look up at once while the broker is down: both say
   * UNREACHABLE with the same words, and the one that waited for the other's read answers from it
   * instead of waiting out a timeout of its own.
   */
  @Test
  void stagesSharingAReaderWhoseBrokerStoppedAreUnreachableAfterOneTimeoutNotOneEach() throws Exception {
    Duration timeout = Duration.ofSeconds(5);
    KafkaConfig cfg = new KafkaConfig(kafka.bootstrap(), "inference-logs", timeout);
    SharedClients shared = new SharedClients();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (KafkaStage first = new KafkaStage("kafka", cfg, CLOCK, shared);
        KafkaStage second = new KafkaStage("kafka", cfg, CLOCK, shared);
        KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      CanaryRecord before = canary();
      first.arm(before);
      assertThat(injector.inject(before).ok()).isTrue();
      await().until(() -> first.lookup(before).status() == Lookup.Status.FOUND);

      kafka.stop();
      CanaryRecord a = canary();
      CanaryRecord b = canary();
      first.arm(a);
      second.arm(b);
      long start = System.nanoTime();
      Future<Lookup> downA = pool.submit(() -> first.lookup(a));
      Future<Lookup> downB = pool.submit(() -> second.lookup(b));
      List<Lookup> down = List.of(downA.get(30, TimeUnit.SECONDS), downB.get(30, TimeUnit.SECONDS));
      Duration wall = Duration.ofNanos(System.nanoTime() - start);

      for (Lookup l : down) {
        assertThat(l.status()).isEqualTo(Lookup.Status.UNREACHABLE);
        assertThat(l.reason()).isEqualTo("kafka at " + kafka.bootstrap() + " not answering within 5s");
      }
      // one timeout (5 s) and a poll, not two timeouts in a row (10 s)
      assertThat(wall).isLessThan(Duration.ofSeconds(9));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anInjectorWhoseBrokerStoppedFailsWithinItsTimeoutNamingTheBroker() {
    KafkaConfig cfg = new KafkaConfig(kafka.bootstrap(), "inference-logs", TIMEOUT);
    try (KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      assertThat(injector.inject(canary()).ok()).isTrue();
      kafka.stop();

      long start = System.nanoTime();
      Injection injection = injector.inject(canary());
      Duration wall = Duration.ofNanos(System.nanoTime() - start);

      assertThat(injection.ok()).isFalse();
      assertThat(injection.reason()).startsWith("kafka at " + kafka.bootstrap() + " did not acknowledge within 2s: ");
      assertThat(wall).isLessThan(Duration.ofSeconds(6));
    }
  }

  @Test
  void aStageAtAnUnusedPortIsUnreachableWithinABound() {
    String bootstrap = "127.0.0.1:" + KafkaInjectorTest.unusedPort();
    KafkaConfig cfg = new KafkaConfig(bootstrap, "inference-logs", TIMEOUT);
    try (KafkaStage stage = new KafkaStage("kafka", cfg, CLOCK)) {
      CanaryRecord canary = canary();
      long start = System.nanoTime();
      stage.arm(canary);
      Lookup l = stage.lookup(canary);
      Duration wall = Duration.ofNanos(System.nanoTime() - start);

      assertThat(l.status()).isEqualTo(Lookup.Status.UNREACHABLE);
      assertThat(l.reason()).isEqualTo("kafka at " + bootstrap + " not answering within 2s");
      assertThat(wall).isLessThan(Duration.ofSeconds(12));
    }
  }

  private static CanaryRecord canary() {
    return CanaryRecord.create(SEQ.incrementAndGet(), CLOCK.instant(), "inference-logs", "wd-test", Map.of());
  }
}
