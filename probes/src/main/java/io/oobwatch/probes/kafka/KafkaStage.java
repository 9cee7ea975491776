package io.oobwatch.probes.kafka;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Stage;
import io.oobwatch.probes.canary.Durations;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Proves that a canary reached a Kafka topic, and when, on oobwatch's clock.
 *
 * <p>A consumer that never commits and belongs to no group reads every partition of the topic
 * (manual assignment), so it changes nothing on the cluster and no connector's offsets. {@link #arm}
 * positions it at the current end offsets before the canary is produced (first call; later calls
 * keep reading forward, and pick up partitions added to the topic from their beginning). Each
 * {@link #lookup} reads forward for up to about a second, and notes for every outstanding canary
 * the first time it was seen and how many copies went by: a record holds a canary when its value
 * contains the canary id. So one scan serves every canary in flight, and a busy topic is read a
 * little further at every lookup.
 *
 * <p>A cluster that cannot be queried is {@link Lookup.Status#UNREACHABLE}: a poll that returns
 * nothing is followed by an end-offsets request, which must be answered within the timeout. A
 * missing topic is unreachable too ("topic X does not exist": a config error, not a lost canary).
 *
 * <p>Not thread-safe (KafkaConsumer is not): one thread, the pipeline's, calls every method.
 */
public final class KafkaStage implements Stage {

  /** How long one lookup keeps reading while records keep coming. */
  private static final Duration SCAN_BUDGET = Duration.ofSeconds(1);
  /** How long one poll waits for records. */
  private static final Duration POLL_WAIT = Duration.ofMillis(200);
  /**
   * When the stage could not position itself at arm time (cluster down then), it starts from the
   * records written this long before the oldest outstanding canary was emitted, to allow for
   * clock skew between oobwatch and whoever timestamps the records.
   */
  private static final Duration REWIND_MARGIN = Duration.ofMinutes(1);
  private static final int OFFSETS_SHOWN = 6;

  private final String name;
  private final KafkaConfig cfg;
  private final Clock clock;
  private final Map<String, Sighting> outstanding = new LinkedHashMap<>();
  private final Set<TopicPartition> assigned = new HashSet<>();
  private Consumer<byte[], byte[]> consumer;
  private boolean positioned;

  public KafkaStage(String name, KafkaConfig cfg, Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Remembers the canary as outstanding and, before returning, makes sure the consumer is assigned
   * every partition with its positions resolved (at the end offsets, the first time). A cluster that
   * does not answer leaves the stage unpositioned; {@link #lookup} then says why, or positions it
   * from the canary's emission time once the cluster answers.
   */
  @Override
  public void arm(CanaryRecord canary) {
    outstanding.computeIfAbsent(canary.id(), id -> new Sighting(id, canary.emittedAt()));
    try {
      position(canary.id());
    } catch (Problem | KafkaException e) {
      // reported by lookup, which tries again
    }
  }

  @Override
  public Lookup lookup(CanaryRecord canary) {
    return lookupAll(List.of(canary)).get(canary.id());
  }

  /** One scan of the topic for every canary asked about: the scan notes every outstanding canary it passes. */
  @Override
  public Map<String, Lookup> lookupAll(List<CanaryRecord> canaries) {
    List<Sighting> asked = new ArrayList<>();
    for (CanaryRecord c : canaries) {
      asked.add(outstanding.computeIfAbsent(c.id(), id -> new Sighting(id, c.emittedAt())));
    }
    Lookup notSeen = null;
    if (asked.stream().anyMatch(s -> s.count == 0)) {
      try {
        if (!positioned) {
          position(null);
        }
        scan(asked);
        // how far the scan got also asks the cluster, so it can fail like the scan
        if (asked.stream().anyMatch(s -> s.count == 0)) {
          notSeen = Lookup.notFound(progress());
        }
      } catch (Problem p) {
        notSeen = Lookup.unreachable(p.getMessage());
      } catch (TimeoutException e) {
        notSeen = Lookup.unreachable(notAnswering());
      } catch (KafkaException e) {
        notSeen = Lookup.unreachable("kafka at " + cfg.bootstrap() + " failed reading topic " + cfg.topic() + ": "
            + Causes.of(e));
      }
    }
    Map<String, Lookup> out = new LinkedHashMap<>();
    for (Sighting s : asked) {
      out.put(s.id, s.count > 0 ? Lookup.found(s.count, s.firstSeen) : notSeen);
    }
    return out;
  }

  @Override
  public void forget(CanaryRecord canary) {
    outstanding.remove(canary.id());
  }

  /** Closes the consumer, waiting at most the configured timeout. */
  @Override
  public void close() {
    outstanding.clear();
    if (consumer != null) {
      Consumer<byte[], byte[]> c = consumer;
      consumer = null;
      positioned = false;
      assigned.clear();
      try {
        c.close(CloseOptions.timeout(cfg.timeout()));
      } catch (RuntimeException e) {
        // best effort: the consumer holds no group and no offsets to give back
      }
    }
  }

  /**
   * Assigns every partition of the topic, positions resolved before it returns. The first time, at
   * the end offsets; but if canaries other than {@code arming} (null from lookup: any) are
   * outstanding, arming them failed and they may be in the topic already, so from the records
   * written shortly before the oldest of them was emitted. Later, partitions new to the topic are
   * read from their beginning.
   */
  private void position(String arming) {
    Consumer<byte[], byte[]> c = consumer();
    List<PartitionInfo> infos;
    try {
      infos = c.partitionsFor(cfg.topic(), cfg.timeout());
    } catch (TimeoutException e) {
      throw new Problem(notAnswering());
    }
    if (infos == null || infos.isEmpty()) {
      throw new Problem("topic " + cfg.topic() + " does not exist on kafka at " + cfg.bootstrap());
    }
    Set<TopicPartition> all = new HashSet<>();
    for (PartitionInfo p : infos) {
      all.add(new TopicPartition(p.topic(), p.partition()));
    }
    if (!positioned) {
      c.assign(all);
      Map<TopicPartition, Long> end = c.endOffsets(all, cfg.timeout());
      Map<TopicPartition, Long> start = new HashMap<>(end);
      Instant oldest =
          outstanding.values().stream()
              .filter(s -> s.count == 0 && !s.id.equals(arming))
              .map(s -> s.emittedAt)
              .min(Instant::compareTo)
              .orElse(null);
      if (oldest != null) {
        long from = oldest.minus(REWIND_MARGIN).toEpochMilli();
        Map<TopicPartition, Long> times = new HashMap<>();
        all.forEach(tp -> times.put(tp, from));
        for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : c.offsetsForTimes(times, cfg.timeout()).entrySet()) {
          if (e.getValue() != null) {
            start.put(e.getKey(), e.getValue().offset());
          }
        }
      }
      start.forEach(c::seek);
      assigned.clear();
      assigned.addAll(all);
      positioned = true;
      return;
    }
    Set<TopicPartition> added = new HashSet<>(all);
    added.removeAll(assigned);
    if (!added.isEmpty()) {
      Set<TopicPartition> union = new HashSet<>(assigned);
      union.addAll(added);
      c.assign(union);
      c.seekToBeginning(added);
      for (TopicPartition tp : added) {
        c.position(tp, cfg.timeout());
      }
      assigned.addAll(added);
    }
  }

  /**
   * Reads forward while records keep coming, up to the scan budget, noting outstanding canaries; stops
   * as soon as every canary in {@code asked} is seen, so on a busy topic a lookup that found what it
   * looked for does not hold the pipeline's other stages back for the rest of the budget.
   */
  private void scan(List<Sighting> asked) {
    long end = System.nanoTime() + SCAN_BUDGET.toNanos();
    while (asked.stream().anyMatch(s -> s.count == 0)) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return;
      }
      ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofNanos(Math.min(left, POLL_WAIT.toNanos())));
      Instant at = clock.instant();
      if (records.isEmpty()) {
        return;
      }
      for (ConsumerRecord<byte[], byte[]> r : records) {
        byte[] value = r.value();
        if (value == null) {
          continue;
        }
        for (Sighting s : outstanding.values()) {
          if (contains(value, s.needle)) {
            s.count++;
            if (s.firstSeen == null) {
              s.firstSeen = at;
            }
          }
        }
      }
    }
  }

  /**
   * Where the consumer is, in words; asking the end offsets also proves the cluster answers
   * (a poll that returned nothing proves nothing).
   */
  private String progress() {
    Map<TopicPartition, Long> end = consumer.endOffsets(assigned, cfg.timeout());
    Map<Integer, Long> at = new TreeMap<>();
    long behind = 0;
    for (TopicPartition tp : assigned) {
      long pos = consumer.position(tp, cfg.timeout());
      at.put(tp.partition(), pos);
      Long e = end.get(tp);
      if (e != null && e > pos) {
        behind += e - pos;
      }
    }
    StringBuilder offsets = new StringBuilder();
    int shown = 0;
    for (Map.Entry<Integer, Long> e : at.entrySet()) {
      if (shown++ == OFFSETS_SHOWN) {
        offsets.append(" ...");
        break;
      }
      offsets.append(shown == 1 ? "" : " ").append(e.getKey()).append(':').append(e.getValue());
    }
    String where = "read up to offsets " + offsets;
    if (behind > 0) {
      return "not in topic " + cfg.topic() + " yet (" + where + ", " + behind + " records still to read)";
    }
    return "not in topic " + cfg.topic() + " (" + where + ", the end of the topic)";
  }

  private String notAnswering() {
    return "kafka at " + cfg.bootstrap() + " not answering within " + Durations.format(cfg.timeout());
  }

  private Consumer<byte[], byte[]> consumer() {
    if (consumer == null) {
      consumer = new KafkaConsumer<>(consumerProperties());
    }
    return consumer;
  }

  Properties consumerProperties() {
    Properties p = cfg.readerProperties("oobwatch-stage-" + name + "-" + cfg.topic());
    // no group: nothing is committed, no rebalance, no offsets of anyone else touched
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    // a position deleted by retention: the oldest record left is the closest to where we were
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // a fetch the broker holds open (500 ms by default) while the canary is produced delays the
    // sighting by as much, and with it every stage looked up after this one in the same poll
    p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    return p;
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    int n = needle.length;
    outer:
    for (int i = 0, last = haystack.length - n; i <= last; i++) {
      for (int j = 0; j < n; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** What the stage knows of one outstanding canary. */
  private static final class Sighting {
    final String id;
    final byte[] needle;
    final Instant emittedAt;
    int count;
    Instant firstSeen;

    Sighting(String id, Instant emittedAt) {
      this.id = id;
      this.needle = id.getBytes(StandardCharsets.UTF_8);
      this.emittedAt = emittedAt;
    }
  }

  /** The stage cannot look (cluster silent, topic missing); the message is the reason for the page. */
  private static final class Problem extends RuntimeException {
    Problem(String reason) {
      super(reason, null, false, false);
    }
  }
}
