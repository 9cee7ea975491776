package io.oobwatch.probes.kafka;

import io.oobwatch.probes.Tap;
import io.oobwatch.probes.canary.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * oobwatch's own reader of the inference-log topic, for the quality and cost signals. Its consumer
 * carries oobwatch's own group id (named after the instance, so it is recognisable in the
 * cluster's tools) but takes every partition by manual assignment and never commits: it joins no
 * group, triggers no rebalance, and changes no offset another consumer reads. Partitions added to
 * the topic are picked up from their beginning at the next {@link #poll} after the metadata
 * refresh. Not thread-safe (KafkaConsumer is not): one thread, the tap's, calls every method.
 */
final class KafkaTap implements Tap {
  /** Large enough for a 1 MB record, small enough to keep the tap's heap small. */
  private static final int FETCH_BYTES = 4 << 20;

  private final KafkaConfig cfg;
  private final String group;
  private KafkaConsumer<byte[], byte[]> consumer;
  private final Set<TopicPartition> assigned = new HashSet<>();

  KafkaTap(KafkaConfig cfg, String group) {
    this.cfg = cfg;
    this.group = group;
  }

  @Override
  public String seek(Instant from) {
    try {
      String problem = assign();
      if (problem != null) {
        return problem;
      }
      Map<TopicPartition, Long> times = new HashMap<>();
      assigned.forEach(tp -> times.put(tp, from.toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times, cfg.timeout());
      List<TopicPartition> toEnd = new ArrayList<>();
      for (TopicPartition tp : assigned) {
        OffsetAndTimestamp o = offsets.get(tp);
        if (o == null) {
          toEnd.add(tp); // nothing that recent: start at the end
        } else {
          consumer.seek(tp, o.offset());
        }
      }
      if (!toEnd.isEmpty()) { // an empty list would mean every partition
        consumer.seekToEnd(toEnd);
      }
      // a seek to the end is lazy: resolve it now, or records written before the first poll would be skipped
      toEnd.forEach(tp -> consumer.position(tp, cfg.timeout()));
      return null;
    } catch (KafkaException e) {
      return "cannot rebuild from kafka topic " + cfg.topic() + ": " + Causes.of(e);
    }
  }

  @Override
  public Polled poll(long waitMillis) {
    try {
      String problem = assign();
      if (problem != null) {
        return new Polled(List.of(), -1, problem);
      }
      List<Record> out = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(waitMillis))) {
        out.add(new Record(r.value(), Instant.ofEpochMilli(r.timestamp())));
      }
      return new Polled(out, lag(), null);
    } catch (KafkaException e) {
      return new Polled(List.of(), -1, "cannot read kafka topic " + cfg.topic() + " at " + cfg.bootstrap() + ": "
          + Causes.of(e));
    }
  }

  /** Records between the position and the end, from the last fetch's metadata; -1 before it is known. */
  private long lag() {
    long lag = 0;
    for (TopicPartition tp : assigned) {
      OptionalLong l = consumer.currentLag(tp);
      if (l.isEmpty()) {
        return -1;
      }
      lag += l.getAsLong();
    }
    return lag;
  }

  // every partition of the topic; new ones from their beginning
  private String assign() {
    if (consumer == null) {
      consumer = new KafkaConsumer<>(properties());
    }
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(cfg.topic(), cfg.timeout());
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      return "kafka at " + cfg.bootstrap() + " not answering within " + Durations.format(cfg.timeout());
    }
    if (infos == null || infos.isEmpty()) {
      return "topic " + cfg.topic() + " does not exist on kafka at " + cfg.bootstrap();
    }
    Set<TopicPartition> all = new HashSet<>();
    infos.forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
    if (!all.equals(assigned)) {
      Set<TopicPartition> added = new HashSet<>(all);
      added.removeAll(assigned);
      consumer.assign(all);
      if (!assigned.isEmpty()) {
        consumer.seekToBeginning(added);
      }
      assigned.clear();
      assigned.addAll(all);
    }
    return null;
  }

  Properties properties() {
    Properties p = cfg.readerProperties(group + "-tap-" + cfg.topic());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(FETCH_BYTES));
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(FETCH_BYTES));
    return p;
  }

  @Override
  public void close() {
    if (consumer != null) {
      try {
        consumer.close(CloseOptions.timeout(cfg.timeout()));
      } catch (KafkaException e) {
        // closing is best effort: nothing was committed
      }
    }
  }
}
