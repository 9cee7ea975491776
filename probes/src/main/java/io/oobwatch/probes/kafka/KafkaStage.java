package io.oobwatch.probes.kafka;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.SharedClients;
import io.oobwatch.probes.Stage;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Proves that a canary reached a Kafka topic, and when, on oobwatch's clock.
 *
 * <p>The topic is read by a {@link TopicReader} that every stage on the same cluster, client
 * settings, timeout and topic shares (leased from {@link SharedClients}): one consumer that never
 * commits and belongs to no group, positioned at the end offsets before the first canary is
 * produced, reading forward. Each {@link #lookup} reads forward for up to about a second, unless a
 * read done for another pipeline meanwhile already answers, and notes for every outstanding canary
 * of every stage on the topic the first time it was seen and how many copies went by. So one scan
 * serves every canary in flight of every pipeline on the topic.
 *
 * <p>A cluster that cannot be queried is {@link Lookup.Status#UNREACHABLE}: a poll that returns
 * nothing is followed by an end-offsets request, which must be answered within the timeout. A
 * missing topic is unreachable too ("topic X does not exist": a config error, not a lost canary).
 *
 * <p>Thread-safe (the reader serializes the use of its consumer).
 */
public final class KafkaStage implements Stage {
  private final String name;
  private final SharedClients.Lease<TopicReader> lease;
  private final TopicReader.Watch watch;

  /** A stage that shares its reader with the stages of the same {@code shared}. */
  public KafkaStage(String name, KafkaConfig cfg, Clock clock, SharedClients shared) {
    this.name = Objects.requireNonNull(name, "name");
    Objects.requireNonNull(cfg, "cfg");
    Objects.requireNonNull(clock, "clock");
    this.lease = shared.lease(new TopicReader.Key(cfg), () -> new TopicReader(cfg, clock));
    this.watch = lease.client().watch();
  }

  /** A stage that reads the topic on its own. */
  public KafkaStage(String name, KafkaConfig cfg, Clock clock) {
    this(name, cfg, clock, new SharedClients());
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Remembers the canary as outstanding and, before returning, makes sure the reader is assigned
   * every partition with its positions resolved (at the end offsets, the first time). A cluster that
   * does not answer leaves the reader unpositioned; {@link #lookup} then says why, or positions it
   * from the canary's emission time once the cluster answers.
   */
  @Override
  public void arm(CanaryRecord canary) {
    watch.arm(canary);
  }

  @Override
  public Lookup lookup(CanaryRecord canary) {
    return lookupAll(List.of(canary)).get(canary.id());
  }

  /** One scan of the topic for every canary asked about: the scan notes every outstanding canary it passes. */
  @Override
  public Map<String, Lookup> lookupAll(List<CanaryRecord> canaries) {
    return watch.lookupAll(canaries);
  }

  /** Drops this stage's canary only; other stages' canaries on the topic stay registered. */
  @Override
  public void forget(CanaryRecord canary) {
    watch.forget(canary);
  }

  /** Lets go of the reader; the last stage holding it closes its consumer, within the configured timeout. */
  @Override
  public void close() {
    watch.close();
    lease.close();
  }
}
