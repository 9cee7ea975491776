package io.oobwatch.probes.kafka;

import io.oobwatch.probes.SharedClients;
import io.oobwatch.probes.canary.Durations;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * An admin client for the watching probes (end offsets, consumer groups), created on first use,
 * whose calls are bounded by the configured timeout and whose failures come back as a {@link
 * Problem} with words for the person paged. Reads only: it changes nothing on the cluster.
 */
final class AdminCalls implements AutoCloseable {
  /** A call that did not give an answer; the message is the reason. */
  static final class Problem extends Exception {
    Problem(String message) {
      this(message, null);
    }

    /** @param cause what the client threw, for callers that tell causes apart */
    Problem(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /** What makes two admin clients the same: the cluster, the client settings (credentials) and the timeout. */
  record Key(String bootstrap, Map<String, String> clientProperties, Duration timeout) {}

  /** An admin client as shared: closed within the timeout when its last holder lets go. */
  record Shared(Admin admin, Duration timeout) implements AutoCloseable {
    @Override
    public void close() {
      try {
        admin.close(timeout);
      } catch (RuntimeException e) {
        // best effort: the admin client holds nothing on the cluster
      }
    }
  }

  /** The client id of a shared admin client: it serves the probes of every pipeline on the cluster. */
  static final String CLIENT_ID = "oobwatch";

  private final String bootstrap;
  private final Map<String, String> clientProperties;
  private final Duration timeout;
  private final SharedClients shared;
  private SharedClients.Lease<Shared> lease;

  /** @param shared where probes of the same cluster and credentials share one admin client */
  AdminCalls(String bootstrap, Map<String, String> clientProperties, Duration timeout, SharedClients shared) {
    this.bootstrap = bootstrap;
    this.clientProperties = clientProperties;
    this.timeout = timeout;
    this.shared = shared;
  }

  /** The partitions of a topic; a missing topic is a problem ("topic X does not exist"). */
  List<TopicPartition> partitions(String topic) throws Problem {
    TopicDescription d = get(admin().describeTopics(List.of(topic)).allTopicNames(), "describing topic " + topic)
        .get(topic);
    return d.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  /** The end (latest) offset of every partition given. */
  Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) throws Problem {
    Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
    partitions.forEach(tp -> spec.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> info =
        get(admin().listOffsets(spec).all(), "listing end offsets");
    Map<TopicPartition, Long> out = new HashMap<>();
    info.forEach((tp, i) -> out.put(tp, i.offset()));
    return out;
  }

  Admin admin() throws Problem {
    if (lease == null) {
      Properties p = new Properties();
      p.putAll(clientProperties);
      int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(AdminClientConfig.CLIENT_ID_CONFIG, CLIENT_ID);
      p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(ms));
      p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(ms));
      p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
      try {
        lease = shared.lease(new Key(bootstrap, Map.copyOf(clientProperties), timeout),
            () -> new Shared(Admin.create(p), timeout));
      } catch (RuntimeException e) {
        throw new Problem("kafka at " + bootstrap + ": cannot create a client: " + Causes.of(e));
      }
    }
    return lease.client().admin();
  }

  /** Waits for a call's answer at most the timeout; anything else becomes a {@link Problem}. */
  <T> T get(KafkaFuture<T> future, String doing) throws Problem {
    try {
      return future.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      future.cancel(true);
      throw new Problem(notAnswering());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw new Problem(notAnswering());
      }
      if (Causes.unknownTopic(cause)) {
        throw new Problem("kafka at " + bootstrap + ": " + doing + " failed: the topic does not exist");
      }
      throw new Problem("kafka at " + bootstrap + ": " + doing + " failed: " + Causes.of(cause), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Problem("interrupted while " + doing);
    } catch (RuntimeException e) {
      throw new Problem("kafka at " + bootstrap + ": " + doing + " failed: " + Causes.of(e));
    }
  }

  String notAnswering() {
    return "kafka at " + bootstrap + " not answering within " + Durations.format(timeout);
  }

  /** Lets go of the shared admin client; the last probe holding it closes it. */
  @Override
  public void close() {
    if (lease != null) {
      lease.close();
      lease = null;
    }
  }
}
