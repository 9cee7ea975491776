package io.oobwatch.probes.kafka;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.canary.Durations;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
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
 * One consumer reading one topic for the canaries of every {@link KafkaStage} on it: the stages of
 * every pipeline on the same cluster, client settings, timeout and topic lease the same reader from
 * {@link io.oobwatch.probes.SharedClients}, so ten pipelines watching a topic read each record once,
 * not ten times.
 *
 * <p>A consumer that never commits and belongs to no group reads every partition of the topic
 * (manual assignment), so it changes nothing on the cluster and no connector's offsets. Each stage
 * registers its canaries through its own {@link Watch}. The first arming positions the consumer at
 * the current end offsets before the canary is produced; later armings keep reading forward, and
 * pick up partitions added to the topic from their beginning. A lookup reads forward for up to
 * about a second and notes, for every registered canary of every stage, the first time it was seen
 * and how many copies went by (a record holds a canary when its value contains the canary id; all
 * the ids are looked for in one pass over each record, {@link IdMatcher}): a scan done for one
 * pipeline answers the others without another read.
 *
 * <p>Thread-safe: KafkaConsumer is not, and pipelines are ticked from several worker threads, so
 * every use of the consumer holds the reader's lock. A lookup that waited for the lock while another
 * read ended answers from that read instead of reading again: if it failed (the cluster did not
 * answer), with the same reason; if it read up to the end of the topic, with where it is now. So a
 * silent cluster costs one timeout per round for all the stages on it, not one per stage in a row,
 * and a quiet topic one empty poll.
 */
final class TopicReader implements AutoCloseable {
  /** What makes two readers the same: the cluster, the client settings (credentials), the timeout and the topic. */
  record Key(KafkaConfig topic) {}

  /** How long one lookup keeps reading while records keep coming. */
  private static final Duration SCAN_BUDGET = Duration.ofSeconds(1);
  /** How long one poll waits for records. */
  private static final Duration POLL_WAIT = Duration.ofMillis(200);
  /**
   * When the reader could not position itself at arm time (cluster down then), it starts from the
   * records written this long before the oldest outstanding canary was emitted, to allow for clock
   * skew between oobwatch and whoever timestamps the records.
   */
  private static final Duration REWIND_MARGIN = Duration.ofMinutes(1);
  private static final int OFFSETS_SHOWN = 6;

  private final KafkaConfig cfg;
  private final Clock clock;
  /** Every stage's canaries; guarded by this reader's lock, as is everything below. */
  private final Set<Watch> watches = new LinkedHashSet<>();
  private final Set<TopicPartition> assigned = new HashSet<>();
  private Consumer<byte[], byte[]> consumer;
  private boolean positioned;
  /** Reads ended so far; read before taking the lock, to know whether one ended while waiting for it. */
  private final AtomicLong reads = new AtomicLong();
  /** How the last read ended, or null before the first. */
  private Read last;

  /**
   * How a read ended.
   *
   * @param number its number in {@link #reads}
   * @param caughtUp whether it read up to the end of the topic
   * @param failure why the cluster could not be read (UNREACHABLE), or null
   */
  private record Read(long number, boolean caughtUp, Lookup failure) {}

  /** @param clock oobwatch's clock, on which canaries are seen */
  TopicReader(KafkaConfig cfg, Clock clock) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A new registration for one stage's canaries; close it when the stage closes. */
  synchronized Watch watch() {
    Watch w = new Watch();
    watches.add(w);
    return w;
  }

  /**
   * One stage's canaries as the reader notes them: what it armed or asked about, until it forgets
   * them. Its methods may be called from any thread.
   */
  final class Watch implements AutoCloseable {
    private final Map<String, Sighting> canaries = new LinkedHashMap<>();

    /**
     * Remembers the canary and, before returning, makes sure the consumer is assigned every partition
     * with its positions resolved (at the end offsets, the first time). A cluster that does not answer
     * leaves the reader unpositioned; a lookup then says why, or positions it from the canary's
     * emission time once the cluster answers.
     */
    void arm(CanaryRecord canary) {
      long since = reads.get();
      synchronized (TopicReader.this) {
        canaries.computeIfAbsent(canary.id(), id -> new Sighting(id, canary.emittedAt()));
        if (failedSince(since) != null) {
          return; // the cluster did not answer a read that ended while this one waited; lookup retries
        }
        try {
          position(canary.id());
        } catch (RuntimeException e) {
          ended(false, unreachable(e));
        }
      }
    }

    /** One scan of the topic for every canary asked about, unless a read done meanwhile already answers them. */
    Map<String, Lookup> lookupAll(List<CanaryRecord> asked) {
      long since = reads.get();
      synchronized (TopicReader.this) {
        List<Sighting> mine = new ArrayList<>();
        for (CanaryRecord c : asked) {
          mine.add(canaries.computeIfAbsent(c.id(), id -> new Sighting(id, c.emittedAt())));
        }
        Lookup notSeen = unseen(mine) ? look(mine, since) : null;
        Map<String, Lookup> out = new LinkedHashMap<>();
        for (Sighting s : mine) {
          out.put(s.id, s.count > 0 ? Lookup.found(s.count, s.firstSeen) : notSeen);
        }
        return out;
      }
    }

    void forget(CanaryRecord canary) {
      synchronized (TopicReader.this) {
        canaries.remove(canary.id());
      }
    }

    /** Drops this stage's canaries; the reader goes on for the others. */
    @Override
    public void close() {
      synchronized (TopicReader.this) {
        canaries.clear();
        watches.remove(this);
      }
    }
  }

  /** Closes the consumer, waiting at most the configured timeout; the last stage holding the reader does. */
  @Override
  public synchronized void close() {
    watches.clear();
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

  /** The answer for canaries not seen yet (lock held): from a read that ended meanwhile, or from a scan. */
  private Lookup look(List<Sighting> asked, long since) {
    Read recent = last != null && last.number() > since ? last : null;
    if (recent != null && recent.failure() != null) {
      return recent.failure();
    }
    try {
      if (recent == null || !recent.caughtUp()) {
        if (!positioned) {
          position(null);
        }
        ended(scan(asked), null);
      }
      // how far the scan got also asks the cluster, so it can fail like the scan
      return unseen(asked) ? Lookup.notFound(progress()) : null;
    } catch (RuntimeException e) {
      Lookup failure = unreachable(e);
      ended(false, failure);
      return failure;
    }
  }

  private Lookup unreachable(RuntimeException e) {
    if (e instanceof Problem) {
      return Lookup.unreachable(e.getMessage());
    }
    if (e instanceof TimeoutException) {
      return Lookup.unreachable(notAnswering());
    }
    if (e instanceof KafkaException) {
      return Lookup.unreachable("kafka at " + cfg.bootstrap() + " failed reading topic " + cfg.topic() + ": "
          + Causes.of(e));
    }
    throw e;
  }

  private void ended(boolean caughtUp, Lookup failure) {
    last = new Read(reads.incrementAndGet(), caughtUp, failure);
  }

  /** The failure of a read that ended after {@code since}, or null. */
  private Lookup failedSince(long since) {
    return last != null && last.number() > since ? last.failure() : null;
  }

  private static boolean unseen(List<Sighting> asked) {
    for (Sighting s : asked) {
      if (s.count == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Assigns every partition of the topic, positions resolved before it returns. The first time, at
   * the end offsets; but if canaries other than {@code arming} (null from lookup: any) are
   * outstanding at any stage, arming them failed and they may be in the topic already, so from the
   * records written shortly before the oldest of them was emitted. Later, partitions new to the
   * topic are read from their beginning.
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
      Instant oldest = null;
      for (Watch w : watches) {
        for (Sighting s : w.canaries.values()) {
          if (s.count == 0 && !s.id.equals(arming) && (oldest == null || s.emittedAt.isBefore(oldest))) {
            oldest = s.emittedAt;
          }
        }
      }
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
   * Reads forward while records keep coming, up to the scan budget, noting every stage's canaries;
   * stops as soon as every canary in {@code asked} is seen, so on a busy topic a lookup that found
   * what it looked for does not hold the pipeline's other stages back for the rest of the budget.
   *
   * @return whether it read up to the end of the topic (a poll returned nothing)
   */
  private boolean scan(List<Sighting> asked) {
    long end = System.nanoTime() + SCAN_BUDGET.toNanos();
    IdMatcher<Sighting> ids = new IdMatcher<>();
    for (Watch w : watches) {
      for (Sighting s : w.canaries.values()) {
        ids.add(s.needle, s);
      }
    }
    while (unseen(asked)) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofNanos(Math.min(left, POLL_WAIT.toNanos())));
      Instant at = clock.instant();
      if (records.isEmpty()) {
        return true;
      }
      for (ConsumerRecord<byte[], byte[]> r : records) {
        if (r.value() != null) {
          ids.forEachIn(r.value(), s -> s.seen(at));
        }
      }
    }
    return false;
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
      consumer = new KafkaConsumer<>(consumerProperties(cfg));
    }
    return consumer;
  }

  /** The client id names the topic, not a stage: the reader serves every pipeline's stage on it. */
  static Properties consumerProperties(KafkaConfig cfg) {
    Properties p = cfg.readerProperties("oobwatch-stage-" + cfg.topic());
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

  /** What a stage knows of one of its outstanding canaries. */
  private static final class Sighting {
    final String id;
    final byte[] needle;
    final Instant emittedAt;
    int count;
    Instant firstSeen;

    /** One more copy went by, read at {@code at}. */
    void seen(Instant at) {
      count++;
      if (firstSeen == null) {
        firstSeen = at;
      }
    }

    Sighting(String id, Instant emittedAt) {
      this.id = id;
      this.needle = id.getBytes(StandardCharsets.UTF_8);
      this.emittedAt = emittedAt;
    }
  }

  /** The reader cannot look (cluster silent, topic missing); the message is the reason for the page. */
  private static final class Problem extends RuntimeException {
    Problem(String reason) {
      super(reason, null, false, false);
    }
  }
}
