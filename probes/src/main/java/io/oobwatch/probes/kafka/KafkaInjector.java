package io.oobwatch.probes.kafka;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Injector;
import io.oobwatch.probes.canary.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces canaries to a Kafka topic, as an inference service would produce its log records: key
 * the canary id, value the canary's JSON, acks from all in-sync replicas, idempotent.
 *
 * <p>{@link #inject} waits for the acknowledgement, at most about the configured timeout (the
 * producer's {@code max.block.ms}, {@code delivery.timeout.ms} and {@code request.timeout.ms} are
 * derived from it, and the wait itself is bounded), so a dead broker gives a failed {@link
 * Injection}, never a hang. The producer is created on first use, and dropped after a failure so
 * that the next canary starts from a clean connection (and a canary that missed its deadline is not
 * delivered later by a retry).
 *
 * <p>Not thread-safe: one thread (the pipeline's) calls it.
 */
public final class KafkaInjector implements Injector {

  private static final int LINGER_MS = 1;

  private final KafkaConfig cfg;
  private final Clock clock;
  private Producer<String, byte[]> producer;

  public KafkaInjector(KafkaConfig cfg, Clock clock) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String kind() {
    return "kafka";
  }

  @Override
  public Injection inject(CanaryRecord canary) {
    Instant start = clock.instant();
    long deadline = System.nanoTime() + cfg.timeout().toNanos();
    Producer<String, byte[]> p;
    try {
      p = producer();
    } catch (RuntimeException e) {
      return Injection.failed(
          took(start), "kafka producer for " + cfg.bootstrap() + " could not be created: " + Causes.of(e));
    }
    try {
      Future<RecordMetadata> sent =
          p.send(new ProducerRecord<>(cfg.topic(), canary.id(), canary.toJson()));
      long leftNanos = Math.max(0, deadline - System.nanoTime());
      RecordMetadata m = sent.get(leftNanos, TimeUnit.NANOSECONDS);
      return Injection.accepted(took(start), "partition " + m.partition() + " offset " + m.offset());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      discardProducer();
      return Injection.failed(took(start), "interrupted while producing to kafka at " + cfg.bootstrap());
    } catch (TimeoutException e) {
      discardProducer();
      return Injection.failed(took(start), notAcknowledged("no answer"));
    } catch (ExecutionException | RuntimeException e) {
      discardProducer();
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      if (Causes.unknownTopic(cause)) {
        return Injection.failed(took(start), notAcknowledged("topic " + cfg.topic() + " does not exist"));
      }
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        return Injection.failed(took(start), notAcknowledged(Causes.of(cause)));
      }
      return Injection.failed(
          took(start),
          "kafka at " + cfg.bootstrap() + " refused the canary for topic " + cfg.topic() + ": " + Causes.of(cause));
    }
  }

  /** Creates the producer and fetches the topic's partitions; nothing is produced. */
  @Override
  public void prepare() {
    try {
      producer().partitionsFor(cfg.topic());
    } catch (RuntimeException e) {
      // the first inject says what is wrong, with the words a page needs
    }
  }

  /** Closes the producer, waiting at most the configured timeout for records in flight. */
  @Override
  public void close() {
    if (producer != null) {
      Producer<String, byte[]> p = producer;
      producer = null;
      try {
        p.close(cfg.timeout());
      } catch (RuntimeException e) {
        // closing is best effort; nothing is waiting for this producer any more
      }
    }
  }

  private String notAcknowledged(String cause) {
    return "kafka at " + cfg.bootstrap() + " did not acknowledge within " + Durations.format(cfg.timeout())
        + ": " + cause;
  }

  private Duration took(Instant start) {
    Duration d = Duration.between(start, clock.instant());
    return d.isNegative() ? Duration.ZERO : d;
  }

  private Producer<String, byte[]> producer() {
    if (producer == null) {
      producer = new KafkaProducer<>(producerProperties());
    }
    return producer;
  }

  private void discardProducer() {
    if (producer != null) {
      Producer<String, byte[]> p = producer;
      producer = null;
      try {
        p.close(Duration.ZERO);
      } catch (RuntimeException e) {
        // already failing; the next canary gets a new producer
      }
    }
  }

  Properties producerProperties() {
    int timeoutMs = cfg.timeoutMillis();
    Properties p = cfg.baseProperties();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "oobwatch-canary-" + cfg.topic());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(LINGER_MS));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeoutMs));
    // delivery.timeout.ms must be >= linger.ms + request.timeout.ms
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(1, timeoutMs - LINGER_MS)));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    return p;
  }
}
