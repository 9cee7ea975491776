package io.oobwatch.probes.kafka;

import io.oobwatch.probes.Probe;
import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.SignalSource;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consumer group whose lag and committed offsets are watched (the connector between Kafka and
 * the sink).
 *
 * @param bootstrap the bootstrap servers
 * @param group the consumer group id
 * @param topic only this topic's partitions count; null for every topic the group has offsets on
 * @param clientProperties extra admin client settings (security.protocol, sasl.*, ssl.*)
 * @param timeout bound of each call to the cluster
 */
public record KafkaGroupConfig(
    String bootstrap, String group, String topic, Map<String, String> clientProperties, Duration timeout)
    implements SignalSource.ConsumerLag {

  public KafkaGroupConfig {
    clientProperties = KafkaConfig.checked(bootstrap, "consumer group", group, timeout, clientProperties);
  }

  @Override
  public Probe consumerLag(ProbeContext ctx) {
    return new KafkaGroupLag(this, ctx.clock(), ctx.shared());
  }

  @Override
  public String where(String checkName) {
    return "consumer group " + group;
  }

  /** Secret-looking client settings are masked. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    clientProperties.forEach((k, v) -> shown.put(k, KafkaConfig.isSecret(k) ? "****" : v));
    return "KafkaGroupConfig[bootstrap=" + bootstrap + ", group=" + group + ", topic=" + topic
        + ", clientProperties=" + shown + ", timeout=" + timeout + "]";
  }

}
