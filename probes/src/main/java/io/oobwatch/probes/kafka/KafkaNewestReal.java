package io.oobwatch.probes.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.probes.SharedClients;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * A Kafka stage's real traffic: VALUE is the record timestamp (epoch millis) of the newest real
 * (non-synthetic) record in the topic.
 *
 * <p>Each observation asks the shared admin client for the end offsets. Only a partition whose end
 * offset moved since the last observation is read, and only its last {@value #TAIL} records, by a
 * consumer with no group (nothing committed, no connector's offsets touched). A record whose JSON
 * value says {@code "synthetic": true} (a canary) is skipped, so canaries arriving never look like
 * traffic. A partition whose tail holds canaries only keeps its previous newest real record.
 *
 * <p>Observations: VALUE; NONE while no real record is known (empty topic, canaries only); UNKNOWN
 * with the reason when the cluster does not answer or the topic does not exist.
 *
 * <p>What it reads depends on the topic only, so the stages of every pipeline on the same cluster,
 * client settings, timeout and topic share one ({@link #shared}); observing is synchronized.
 */
public final class KafkaNewestReal implements Probe {
  /** What makes two of them the same: the cluster, the client settings, the timeout and the topic. */
  record Key(KafkaConfig topic) {}
  /** Records read back from the end of a partition that moved. */
  static final int TAIL = 20;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] SYNTHETIC = "\"synthetic\"".getBytes(StandardCharsets.UTF_8);

  private final KafkaConfig cfg;
  private final Clock clock;
  private final AdminCalls admin;
  private final Map<TopicPartition, Long> endSeen = new HashMap<>();
  private final Map<TopicPartition, Long> newestReal = new HashMap<>();
  private Consumer<byte[], byte[]> consumer;

  /** @param shared where the probes of one cluster and its credentials share an admin client */
  public KafkaNewestReal(KafkaConfig cfg, Clock clock, SharedClients shared) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.admin = new AdminCalls(cfg.bootstrap(), cfg.clientProperties(), cfg.timeout(), shared);
  }

  /**
   * A probe of the topic's newest real record that leases the one every pipeline's stage on the topic
   * shares; closing it lets go, and the last holder closes the consumer.
   */
  static Probe shared(KafkaConfig cfg, Clock clock, SharedClients shared) {
    SharedClients.Lease<KafkaNewestReal> lease = shared.lease(new Key(cfg), () -> new KafkaNewestReal(cfg, clock, shared));
    return new Probe() {
      @Override
      public Observation observe() {
        return lease.client().observe();
      }

      @Override
      public void close() {
        lease.close();
      }

      @Override
      public String toString() {
        return lease.client().toString();
      }
    };
  }

  @Override
  public synchronized Observation observe() {
    try {
      Map<TopicPartition, Long> end = admin.endOffsets(admin.partitions(cfg.topic()));
      for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
        Long before = endSeen.get(e.getKey());
        long now = e.getValue();
        if (now > 0 && (before == null || now != before)) {
          readTail(e.getKey(), before == null ? 0 : before, now);
        }
        endSeen.put(e.getKey(), now);
      }
    } catch (AdminCalls.Problem p) {
      return Observation.unknown(clock.instant(), p.getMessage().replace("the topic", "topic " + cfg.topic()));
    } catch (KafkaException e) {
      return Observation.unknown(clock.instant(),
          "kafka at " + cfg.bootstrap() + " failed reading topic " + cfg.topic() + ": " + Causes.of(e));
    }
    return newestReal.values().stream().max(Long::compare)
        .map(ms -> Observation.value(clock.instant(), ms))
        .orElseGet(() -> Observation.none(clock.instant(),
            "no real (non-synthetic) record in the last " + TAIL + " of any partition of topic " + cfg.topic()));
  }

  /** Reads the records in [max(from, end - TAIL), end) of one partition; notes its newest real one. */
  private void readTail(TopicPartition tp, long from, long end) {
    Consumer<byte[], byte[]> c = consumer();
    c.assign(List.of(tp));
    c.seek(tp, Math.max(from, end - TAIL));
    // bounded on the wall clock: the injected clock may stand still
    long deadlineNanos = System.nanoTime() + cfg.timeout().toNanos();
    while (c.position(tp, cfg.timeout()) < end && System.nanoTime() < deadlineNanos) {
      for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200)).records(tp)) {
        if (r.offset() < end && !synthetic(r.value())) {
          newestReal.merge(tp, r.timestamp(), Math::max);
        }
      }
    }
  }

  /** Whether a record is a canary: its JSON value has {@code synthetic} true (or "true"). */
  static boolean synthetic(byte[] value) {
    if (value == null || !TopicReader.contains(value, SYNTHETIC)) {
      return false;
    }
    try {
      JsonNode flag = JSON.readTree(value).get("synthetic");
      return flag != null && (flag.asBoolean(false) || "true".equals(flag.asText()));
    } catch (Exception notJson) {
      return false;
    }
  }

  private Consumer<byte[], byte[]> consumer() {
    if (consumer == null) {
      Properties p = cfg.readerProperties("oobwatch-traffic-" + cfg.topic());
      // no group: nothing is committed, no rebalance, no offsets of anyone else touched
      p.remove(ConsumerConfig.GROUP_ID_CONFIG);
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
      p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(TAIL));
      // each tail read is a fresh fetch: the broker must not hold it open 500 ms per partition
      p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
      consumer = new KafkaConsumer<>(p);
    }
    return consumer;
  }

  @Override
  public synchronized void close() {
    admin.close();
    if (consumer != null) {
      try {
        consumer.close(CloseOptions.timeout(cfg.timeout()));
      } catch (RuntimeException e) {
        // best effort: the consumer holds no group and no offsets to give back
      }
      consumer = null;
    }
  }

  @Override
  public String toString() {
    return "KafkaNewestReal[" + cfg + "]";
  }
}
