package io.oobwatch.probes.kafka;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.probes.SharedClients;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Records per minute written to a topic, from the growth of its end offsets (the sum over its
 * partitions) between two observations: a source of volume that does not depend on any sink.
 *
 * <p>Observations: VALUE with the rate per minute; NONE for
 * the first reading (a rate needs two) and when the sum went back (topic deleted and recreated);
 * UNKNOWN when the cluster does not answer or the topic does not exist. Uses an admin client only:
 * no consumer, no group.
 */
public final class KafkaEndOffsets implements Probe {
  private final KafkaConfig cfg;
  private final Clock clock;
  private final AdminCalls admin;
  private Instant previousAt;
  private long previousSum;

  /** A probe with an admin client of its own. */
  public KafkaEndOffsets(KafkaConfig cfg, Clock clock) {
    this(cfg, clock, new SharedClients());
  }

  /** @param shared where the probes of one cluster and its credentials share an admin client */
  public KafkaEndOffsets(KafkaConfig cfg, Clock clock, SharedClients shared) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.admin = new AdminCalls(cfg.bootstrap(), cfg.clientProperties(), cfg.timeout(), shared);
  }

  @Override
  public Observation observe() {
    long sum;
    try {
      sum = admin.endOffsets(admin.partitions(cfg.topic())).values().stream().mapToLong(Long::longValue).sum();
    } catch (AdminCalls.Problem p) {
      return Observation.unknown(clock.instant(), p.getMessage().replace("the topic", "topic " + cfg.topic()));
    }
    Instant now = clock.instant();
    Instant before = previousAt;
    long delta = sum - previousSum;
    previousAt = now;
    previousSum = sum;
    if (before == null) {
      return Observation.none(now, "first reading of topic " + cfg.topic() + "'s end offsets; the rate follows from the next");
    }
    if (delta < 0) {
      return Observation.none(now, "end offsets of topic " + cfg.topic() + " went back (topic recreated?); the rate follows from the next reading");
    }
    long elapsedMs = Duration.between(before, now).toMillis();
    if (elapsedMs <= 0) {
      return Observation.none(now, "two readings at the same instant; the rate follows from the next");
    }
    return Observation.value(now, delta * 60_000.0 / elapsedMs);
  }

  @Override
  public void close() {
    admin.close();
  }

  @Override
  public String toString() {
    return "KafkaEndOffsets[" + cfg + "]";
  }
}
