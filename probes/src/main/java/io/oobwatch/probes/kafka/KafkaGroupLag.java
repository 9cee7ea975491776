package io.oobwatch.probes.kafka;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.probes.SharedClients;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * A consumer group's lag, committed offsets and state, read with an admin client (nothing on the
 * cluster changes; the group is not joined).
 *
 * <p>Observations: VALUE with the total lag (end offset minus committed offset, summed over the
 * group's partitions, of {@code topic} only when one is configured), the sum of the committed
 * offsets as {@code aux}, and the group's state as {@code note} ("Stable", "Empty", ...); NONE when
 * the group does not exist (Dead, deleted) or has no committed offset on the topic; UNKNOWN when
 * the cluster does not answer.
 */
public final class KafkaGroupLag implements Probe {
  private final KafkaGroupConfig cfg;
  private final Clock clock;
  private final AdminCalls admin;

  /** A probe with an admin client of its own. */
  public KafkaGroupLag(KafkaGroupConfig cfg, Clock clock) {
    this(cfg, clock, new SharedClients());
  }

  /** @param shared where the probes of one cluster and its credentials share an admin client */
  public KafkaGroupLag(KafkaGroupConfig cfg, Clock clock, SharedClients shared) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.admin = new AdminCalls(cfg.bootstrap(), cfg.clientProperties(), cfg.timeout(), shared);
  }

  @Override
  public Observation observe() {
    try {
      return read();
    } catch (AdminCalls.Problem p) {
      return Observation.unknown(clock.instant(), p.getMessage());
    }
  }

  private Observation read() throws AdminCalls.Problem {
    GroupState state;
    try {
      ConsumerGroupDescription d = admin.get(
          admin.admin().describeConsumerGroups(List.of(cfg.group())).describedGroups().get(cfg.group()),
          "describing consumer group " + cfg.group());
      state = d.groupState();
    } catch (AdminCalls.Problem p) {
      if (!(p.getCause() instanceof GroupIdNotFoundException)) {
        throw p;
      }
      state = GroupState.DEAD;
    }
    if (state == GroupState.DEAD) {
      return Observation.none(clock.instant(), "consumer group " + cfg.group() + " does not exist (Dead)");
    }
    Map<TopicPartition, OffsetAndMetadata> committed = admin.get(
        admin.admin().listConsumerGroupOffsets(cfg.group()).partitionsToOffsetAndMetadata(),
        "reading the committed offsets of consumer group " + cfg.group());
    Map<TopicPartition, Long> mine = new HashMap<>();
    committed.forEach((tp, om) -> {
      if (om != null && (cfg.topic() == null || cfg.topic().equals(tp.topic()))) {
        mine.put(tp, om.offset());
      }
    });
    if (mine.isEmpty()) {
      return Observation.none(clock.instant(), "consumer group " + cfg.group() + " (" + name(state)
          + ") has no committed offsets" + (cfg.topic() == null ? "" : " on topic " + cfg.topic()));
    }
    Map<TopicPartition, Long> end = admin.endOffsets(mine.keySet());
    long lag = 0;
    long sum = 0;
    for (Map.Entry<TopicPartition, Long> e : mine.entrySet()) {
      long endOffset = end.getOrDefault(e.getKey(), e.getValue());
      lag += Math.max(0, endOffset - e.getValue());
      sum += e.getValue();
    }
    return Observation.value(clock.instant(), lag, sum, name(state));
  }

  /** "Stable", "Empty", "PreparingRebalance": the state as Kafka's tools print it. */
  static String name(GroupState s) {
    return s.toString();
  }

  @Override
  public void close() {
    admin.close();
  }

  @Override
  public String toString() {
    return "KafkaGroupLag[" + cfg + "]";
  }
}
