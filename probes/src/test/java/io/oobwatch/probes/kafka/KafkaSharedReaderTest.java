package io.oobwatch.probes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.SharedClients;
import io.oobwatch.testkit.KafkaBroker;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Kafka stages of several pipelines on one cluster and topic read it with one shared consumer. */
class KafkaSharedReaderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Clock CLOCK = Clock.systemUTC();

  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @Test
  void twoPipelinesOnTheSameTopicShareOneReaderAndEachSeesItsOwnCanaries() {
    KafkaConfig cfg = topic("shared", 2);
    SharedClients shared = new SharedClients();
    try (Pipelines two = new Pipelines(cfg, sameSettings(cfg), shared)) {
      KafkaStage first = two.first();
      KafkaStage second = two.second();
      KafkaInjector injector = two.injector();
      CanaryRecord a = canary();
      CanaryRecord b = canary();
      first.arm(a);
      second.arm(b);
      assertThat(injector.inject(a).ok()).isTrue();
      assertThat(injector.inject(b).ok()).isTrue();

      Lookup seenA = await().until(() -> first.lookup(a), l -> l.status() == Lookup.Status.FOUND);
      Lookup seenB = await().until(() -> second.lookup(b), l -> l.status() == Lookup.Status.FOUND);

      assertThat(shared.open()).isEqualTo(1);
      assertThat(seenA.count()).isEqualTo(1);
      assertThat(seenB.count()).isEqualTo(1);
      // each stage answers for its own canaries only
      assertThat(first.lookupAll(List.of(a))).containsOnlyKeys(a.id());
    }
    assertThat(shared.open()).isZero();
  }

  @Test
  void aScanDoneForOnePipelineAnswersTheOtherWithoutAnotherRead() {
    KafkaConfig cfg = topic("answers", 1);
    SharedClients shared = new SharedClients();
    try (Pipelines two = new Pipelines(cfg, cfg, shared)) {
      KafkaStage first = two.first();
      KafkaStage second = two.second();
      KafkaInjector injector = two.injector();
      CanaryRecord a = canary();
      CanaryRecord b = canary();
      first.arm(a);
      second.arm(b);
      // one partition: b is before a in the topic, so the scan that finds a has passed b
      assertThat(injector.inject(b).ok()).isTrue();
      assertThat(injector.inject(a).ok()).isTrue();
      await().until(() -> first.lookup(a).status() == Lookup.Status.FOUND);
      Instant before = CLOCK.instant();

      Lookup l = second.lookup(b);

      assertThat(l.status()).isEqualTo(Lookup.Status.FOUND);
      assertThat(l.count()).isEqualTo(1);
      // seen by the first pipeline's scan: a read of its own would have seen it after `before`
      assertThat(l.seenAt()).isBefore(before);
    }
  }

  @Test
  void aStageOnAnotherTopicAnotherClusterOrOtherCredentialsGetsAReaderOfItsOwn() {
    KafkaConfig cfg = topic("mine", 1);
    KafkaConfig other = topic("theirs", 1);
    SharedClients shared = new SharedClients();
    try (KafkaStage first = new KafkaStage("kafka", cfg, CLOCK, shared);
        KafkaStage onOtherTopic = new KafkaStage("kafka", other, CLOCK, shared);
        KafkaStage onOtherCluster =
            new KafkaStage("kafka", new KafkaConfig("127.0.0.1:" + KafkaInjectorTest.unusedPort(), "mine", TIMEOUT),
                CLOCK, shared);
        KafkaStage withOtherCredentials = new KafkaStage("kafka",
            new KafkaConfig(kafka.bootstrap(), "mine", Map.of("client.rack", "b"), TIMEOUT), CLOCK, shared);
        KafkaInjector injector = new KafkaInjector(cfg, CLOCK);
        KafkaInjector otherInjector = new KafkaInjector(other, CLOCK)) {
      assertThat(shared.open()).isEqualTo(4);
      CanaryRecord a = canary();
      CanaryRecord b = canary();
      first.arm(a);
      onOtherTopic.arm(b);
      assertThat(injector.inject(a).ok()).isTrue();
      assertThat(otherInjector.inject(b).ok()).isTrue();

      await().until(() -> first.lookup(a).status() == Lookup.Status.FOUND);
      await().until(() -> onOtherTopic.lookup(b).status() == Lookup.Status.FOUND);
      assertThat(first.lookup(a).count()).isEqualTo(1);
      assertThat(onOtherTopic.lookup(b).count()).isEqualTo(1);
    }
  }

  @Test
  void closingOnePipelinesStageLeavesTheOtherReadingWithTheSameConsumer() {
    KafkaConfig cfg = topic("reload", 2);
    SharedClients shared = new SharedClients();
    KafkaStage removed = new KafkaStage("kafka", cfg, CLOCK, shared);
    try (KafkaStage kept = new KafkaStage("kafka", cfg, CLOCK, shared);
        KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      CanaryRecord first = canary();
      removed.arm(first);
      kept.arm(first);
      assertThat(injector.inject(first).ok()).isTrue();
      await().until(() -> removed.lookup(first).status() == Lookup.Status.FOUND);
      Object consumerBefore = consumers(cfg.topic());

      removed.close();
      removed.close();
      CanaryRecord next = canary();
      kept.arm(next);
      assertThat(injector.inject(next).ok()).isTrue();
      Lookup l = await().until(() -> kept.lookup(next), r -> r.status() == Lookup.Status.FOUND);

      assertThat(l.count()).isEqualTo(1);
      assertThat(kept.lookup(first).count()).isEqualTo(1);
      assertThat(shared.open()).isEqualTo(1);
      assertThat(consumers(cfg.topic())).isEqualTo(consumerBefore).isEqualTo(1);
    }
    assertThat(shared.open()).isZero();
    assertThat(consumers(cfg.topic())).isZero();
  }

  @Test
  void forgettingACanaryAtOneStageLeavesItRegisteredAtTheOther() {
    KafkaConfig cfg = topic("forget-one", 1);
    SharedClients shared = new SharedClients();
    try (Pipelines two = new Pipelines(cfg, cfg, shared)) {
      KafkaStage first = two.first();
      KafkaStage second = two.second();
      KafkaInjector injector = two.injector();
      CanaryRecord canary = canary();
      CanaryRecord other = canary();
      first.arm(canary);
      first.arm(other);
      second.arm(canary);
      first.forget(canary);
      assertThat(injector.inject(canary).ok()).isTrue();
      assertThat(injector.inject(other).ok()).isTrue();

      Lookup l = await().until(() -> second.lookup(canary), r -> r.status() == Lookup.Status.FOUND);
      await().until(() -> first.lookup(other).status() == Lookup.Status.FOUND);

      assertThat(l.count()).isEqualTo(1);
      // looked for again without arming: it went by while forgotten at this stage, and was not counted
      assertThat(first.lookup(canary).status()).isEqualTo(Lookup.Status.NOT_FOUND);
    }
  }

  @Test
  void lookupsFromSeveralThreadsAtOnceAreSafeAndEachFindsItsCanaries() throws Exception {
    KafkaConfig cfg = topic("threads", 3);
    SharedClients shared = new SharedClients();
    int pipelines = 4;
    List<KafkaStage> stages = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(pipelines);
    try (KafkaInjector injector = new KafkaInjector(cfg, CLOCK)) {
      List<Callable<Integer>> rounds = new ArrayList<>();
      for (int p = 0; p < pipelines; p++) {
        KafkaStage stage = new KafkaStage("kafka", cfg, CLOCK, shared);
        stages.add(stage);
        rounds.add(() -> {
          int found = 0;
          for (int round = 0; round < 5; round++) {
            CanaryRecord canary = canary();
            stage.arm(canary);
            assertThat(injector.inject(canary).ok()).isTrue();
            Lookup l = await().atMost(Duration.ofSeconds(30))
                .until(() -> stage.lookupAll(List.of(canary)).get(canary.id()), r -> r.status() == Lookup.Status.FOUND);
            assertThat(l.count()).isEqualTo(1);
            stage.forget(canary);
            found++;
          }
          return found;
        });
      }

      List<Future<Integer>> done = pool.invokeAll(rounds);

      for (Future<Integer> f : done) {
        assertThat(f.get()).isEqualTo(5);
      }
      assertThat(shared.open()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      stages.forEach(KafkaStage::close);
    }
  }

  /**
   * Ten pipelines on one topic: one consumer shared, against one each when nothing is shared (as
   * before readers were shared), counted as the client's consumer metrics and as connections the
   * broker holds.
   */
  @Test
  void tenPipelinesOnOneTopicOpenOneConsumerNotTen() throws Exception {
    KafkaConfig cfg = topic("ten", 3);
    int idle = brokerConnections();
    List<KafkaStage> alone = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      alone.add(new KafkaStage("kafka", cfg, CLOCK, new SharedClients()));
    }
    int aloneConnections = armAndLook(alone) - idle;
    alone.forEach(KafkaStage::close);
    await().until(() -> brokerConnections() <= idle);

    SharedClients shared = new SharedClients();
    List<KafkaStage> sharing = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sharing.add(new KafkaStage("kafka", cfg, CLOCK, shared));
    }
    int sharedConnections = armAndLook(sharing) - idle;
    int sharedConsumers = consumers(cfg.topic());
    sharing.forEach(KafkaStage::close);

    System.out.printf("10 kafka stages on one topic: broker connections %d unshared, %d shared; readers %d%n",
        aloneConnections, sharedConnections, sharedConsumers);
    assertThat(sharedConsumers).isEqualTo(1);
    assertThat(sharedConnections * 10).isEqualTo(aloneConnections);
  }

  /** Arms and looks up one canary at every stage; returns the broker's connections then. */
  private static int armAndLook(List<KafkaStage> stages) throws Exception {
    for (KafkaStage s : stages) {
      CanaryRecord c = canary();
      s.arm(c);
      assertThat(s.lookup(c).status()).isEqualTo(Lookup.Status.NOT_FOUND);
    }
    return brokerConnections();
  }

  /** Connections the broker's client listener holds now (its socket-server metrics, over every network thread). */
  private static int brokerConnections() throws Exception {
    MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
    int n = 0;
    for (ObjectName o : mbs.queryNames(new ObjectName("kafka.server:type=socket-server-metrics,*"), null)) {
      String listener = o.getKeyProperty("listener");
      if (o.getKeyProperty("networkProcessor") != null && o.getKeyProperty("clientSoftwareName") == null
          && listener != null && !listener.contains("CONTROLLER")) {
        n += ((Number) mbs.getAttribute(o, "connection-count")).intValue();
      }
    }
    return n;
  }

  /** Consumers open in this JVM reading {@code topic} for stages (their app-info metrics, by client id). */
  private static int consumers(String topic) {
    try {
      return ManagementFactory.getPlatformMBeanServer()
          .queryNames(new ObjectName("kafka.consumer:type=app-info,id=oobwatch-stage-" + topic), null).size();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KafkaConfig sameSettings(KafkaConfig cfg) {
    return new KafkaConfig(cfg.bootstrap(), cfg.topic(), Map.copyOf(cfg.clientProperties()), cfg.timeout());
  }

  private static CanaryRecord canary() {
    return KafkaStageTest.canary();
  }

  /** The kafka stages of two pipelines on one topic, and the entry that produces their canaries. */
  private record Pipelines(KafkaStage first, KafkaStage second, KafkaInjector injector) implements AutoCloseable {
    Pipelines(KafkaConfig first, KafkaConfig second, SharedClients shared) {
      this(new KafkaStage("kafka", first, CLOCK, shared), new KafkaStage("kafka", second, CLOCK, shared),
          new KafkaInjector(first, CLOCK));
    }

    @Override
    public void close() {
      first.close();
      second.close();
      injector.close();
    }
  }

  private static KafkaConfig topic(String name, int partitions) {
    kafka.createTopic(name, partitions);
    return new KafkaConfig(kafka.bootstrap(), name, TIMEOUT);
  }
}
