package io.oobwatch.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM on
 * 127.0.0.1, for tests.
 *
 * <p>The ports are picked free at start and kept across {@link #stop()}/{@link #restart()}, so
 * clients built with {@link #bootstrap()} see the same broker go away and come back. Internal topics
 * are single-replica, topics are never auto-created (a client asking for a missing topic gets "does
 * not exist", as on a production cluster), and consumer groups rebalance without delay. Kafka logs
 * through slf4j: the module using this chooses the binding (and its level).
 *
 * <p>Not thread-safe: start, stop and close it from one thread (the test's).
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Duration READY_WITHIN = Duration.ofSeconds(60);
  private static final Duration ADMIN_CALL = Duration.ofSeconds(30);

  private final Path logDir;
  private final int brokerPort;
  private final int controllerPort;
  private KafkaRaftServer server;
  private Admin admin;
  private boolean closed;

  private EmbeddedKafka(Path logDir, int brokerPort, int controllerPort) {
    this.logDir = logDir;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
  }

  /**
   * Formats a fresh log dir under {@code dir}, starts the broker and returns once it answers
   * clients (about 2-3 s).
   *
   * @throws IllegalStateException if the broker is not ready within 60 s
   */
  public static EmbeddedKafka start(Path dir) {
    Objects.requireNonNull(dir, "dir");
    int[] ports = freePorts(2);
    Path logDir = dir.resolve("kafka-" + ports[0]);
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    EmbeddedKafka kafka = new EmbeddedKafka(logDir, ports[0], ports[1]);
    kafka.format();
    kafka.startServer();
    return kafka;
  }

  /** The bootstrap address for clients, {@code 127.0.0.1:PORT}. */
  public String bootstrap() {
    return "127.0.0.1:" + brokerPort;
  }

  /** Creates a topic (one replica) and returns once every partition has a leader. */
  public void createTopic(String name, int partitions) {
    Admin a = admin();
    try {
      a.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
          .all()
          .get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS);
      long deadline = System.nanoTime() + ADMIN_CALL.toNanos();
      while (!allLeadersElected(a, name, partitions)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topic " + name + " has partitions without a leader after " + ADMIN_CALL);
        }
        TimeUnit.MILLISECONDS.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create topic " + name + ": " + e, e);
    }
  }

  /**
   * Stops the broker (clients then see connection refused); {@link #restart()} brings it back on
   * the same port with the same data. Does nothing if already stopped.
   */
  public void stop() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(1));
      admin = null;
    }
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  /** Starts a stopped broker again on the same port with the same data, and waits until it is ready. */
  public void restart() {
    if (closed) {
      throw new IllegalStateException("the broker was closed; start a new one");
    }
    if (server == null) {
      startServer();
    }
  }

  /** Stops the broker for good and frees its ports. Idempotent. */
  @Override
  public void close() {
    stop();
    closed = true;
  }

  private void format() {
    Formatter formatter =
        new Formatter()
            .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
            .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
            .setNodeId(1)
            .setClusterId(Uuid.randomUuid().toString())
            .setDirectories(List.of(logDir.toString()))
            .setMetadataLogDirectory(logDir.toString())
            .setControllerListenerName("CONTROLLER")
            .setReleaseVersion(MetadataVersion.latestProduction());
    try {
      formatter.run();
    } catch (Exception e) {
      throw new IllegalStateException("could not format kafka log dir " + logDir + ": " + e, e);
    }
  }

  private void startServer() {
    KafkaRaftServer s = new KafkaRaftServer(KafkaConfig.fromProps(brokerProperties(), false), Time.SYSTEM);
    s.startup();
    server = s;
    try {
      awaitReady();
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  private Properties brokerProperties() {
    Properties p = new Properties();
    p.putAll(
        Map.ofEntries(
            Map.entry("process.roles", "broker,controller"),
            Map.entry("node.id", "1"),
            Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
            Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort),
            Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort),
            Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
            Map.entry("controller.listener.names", "CONTROLLER"),
            Map.entry("inter.broker.listener.name", "PLAINTEXT"),
            Map.entry("log.dirs", logDir.toString()),
            Map.entry("auto.create.topics.enable", "false"),
            Map.entry("num.partitions", "1"),
            Map.entry("default.replication.factor", "1"),
            Map.entry("min.insync.replicas", "1"),
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("offsets.topic.num.partitions", "1"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "1"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("share.coordinator.state.topic.num.partitions", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            // the default 128 MiB dedupe buffer per broker fills a test heap quickly
            Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024)),
            Map.entry("log.cleaner.threads", "1"),
            // few threads: tests share 2 cores
            Map.entry("num.network.threads", "2"),
            Map.entry("num.io.threads", "2"),
            Map.entry("background.threads", "2"),
            Map.entry("num.recovery.threads.per.data.dir", "1")));
    return p;
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    Admin a = admin();
    while (true) {
      try {
        if (!a.describeCluster().nodes().get(1, TimeUnit.SECONDS).isEmpty()) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        // not answering yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for kafka", e);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("kafka at " + bootstrap() + " not ready after " + READY_WITHIN);
      }
    }
  }

  private Admin admin() {
    if (server == null) {
      throw new IllegalStateException("kafka at " + bootstrap() + " is not running");
    }
    if (admin == null) {
      Properties p = new Properties();
      p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
      p.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
      p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
      p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
      admin = Admin.create(p);
    }
    return admin;
  }

  private static boolean allLeadersElected(Admin a, String topic, int partitions)
      throws InterruptedException, TimeoutException {
    try {
      TopicDescription d =
          a.describeTopics(List.of(topic)).allTopicNames().get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS).get(topic);
      if (d.partitions().size() != partitions
          || !d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
        return false;
      }
      // the controller has elected the leaders; the broker may not have taken leadership yet, and a
      // produce it refuses then (NOT_LEADER_OR_FOLLOWER) can leave an idempotent producer rejected
      // with OutOfOrderSequence for good: ask each partition's leader for its end offset first
      Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> ends =
          new java.util.HashMap<>();
      for (int i = 0; i < partitions; i++) {
        ends.put(new org.apache.kafka.common.TopicPartition(topic, i), org.apache.kafka.clients.admin.OffsetSpec.latest());
      }
      a.listOffsets(ends).all().get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException e) {
      return false;
    }
  }

  private static int[] freePorts(int n) {
    ServerSocket[] sockets = new ServerSocket[n];
    int[] ports = new int[n];
    try {
      for (int i = 0; i < n; i++) {
        sockets[i] = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        sockets[i].setReuseAddress(true);
        ports[i] = sockets[i].getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          try {
            s.close();
          } catch (IOException ignored) {
            // nothing to free
          }
        }
      }
    }
    return ports;
  }
}
