package io.oobwatch.probes.kafka;

import io.oobwatch.probes.Injector;
import io.oobwatch.probes.InjectorConfig;
import io.oobwatch.probes.Probe;
import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.SignalSource;
import io.oobwatch.probes.Stage;
import io.oobwatch.probes.StageConfig;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where a Kafka probe connects and what it reads or writes.
 *
 * @param bootstrap the bootstrap servers, {@code host:port[,host:port...]}
 * @param topic the topic the canaries travel through
 * @param clientProperties extra Kafka client settings (security.protocol, sasl.*, ssl.*); they
 *     cannot override what the probe's contract depends on (acks, serializers, no consumer group,
 *     timeouts)
 * @param timeout bound of each blocking call to the cluster
 */
public record KafkaConfig(String bootstrap, String topic, Map<String, String> clientProperties, Duration timeout)
    implements InjectorConfig, StageConfig, SignalSource.Volume, SignalSource.Tap {

  private static final String MASK = "****";

  public KafkaConfig {
    clientProperties = checked(bootstrap, "topic", topic, timeout, clientProperties);
  }

  /**
   * The invariants every Kafka settings record shares: a bootstrap, the named value ({@code topic},
   * {@code consumer group}) and a positive timeout.
   *
   * @return the client properties, copied (empty for null)
   */
  static Map<String, String> checked(String bootstrap, String what, String value, Duration timeout,
      Map<String, String> clientProperties) {
    Objects.requireNonNull(bootstrap, "bootstrap");
    Objects.requireNonNull(value, what);
    Objects.requireNonNull(timeout, "timeout");
    if (bootstrap.isBlank()) {
      throw new IllegalArgumentException("kafka bootstrap is empty");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException("kafka " + what + " is empty");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("kafka timeout must be positive, got " + timeout);
    }
    return clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
  }

  /** A config without extra client settings. */
  public KafkaConfig(String bootstrap, String topic, Duration timeout) {
    this(bootstrap, topic, Map.of(), timeout);
  }

  @Override
  public Injector open(ProbeContext ctx) {
    return new KafkaInjector(this, ctx.clock());
  }

  @Override
  public Stage open(String name, ProbeContext ctx) {
    return new KafkaStage(name, this, ctx.clock(), ctx.shared());
  }

  /**
   * The newest real record's timestamp, canaries skipped, read from the tail of partitions that
   * moved; one reader per cluster and topic, whatever the number of pipelines on it.
   */
  @Override
  public java.util.Optional<io.oobwatch.probes.RealTraffic> realTraffic(ProbeContext ctx) {
    return java.util.Optional.of(
        new io.oobwatch.probes.RealTraffic(KafkaNewestReal.shared(this, ctx.clock(), ctx.shared()), "written to " + topic));
  }

  @Override
  public Probe volume(ProbeContext ctx) {
    return new KafkaEndOffsets(this, ctx.clock(), ctx.shared());
  }

  @Override
  public io.oobwatch.probes.Tap tap(String group, ProbeContext ctx) {
    return new KafkaTap(this, group);
  }

  /** The end offsets' growth needs two readings. */
  @Override
  public boolean rateFromTwoReadings() {
    return true;
  }

  @Override
  public String where() {
    return "kafka topic " + topic;
  }

  @Override
  public String where(String checkName) {
    return where();
  }

  /** Secret-looking values (passwords, JAAS configs, secrets, keys) are masked. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    clientProperties.forEach((k, v) -> shown.put(k, isSecret(k) ? MASK : v));
    return "KafkaConfig[bootstrap=" + bootstrap + ", topic=" + topic + ", clientProperties=" + shown
        + ", timeout=" + timeout + "]";
  }

  /**
   * What every reader of the topic sets (a stage, the tap): byte values, never an automatic commit
   * or topic creation, calls bounded by the timeout, fast reconnects. The reader sets its group
   * and where it starts.
   */
  Properties readerProperties(String clientId) {
    int timeoutMs = timeoutMillis();
    Properties p = baseProperties();
    p.remove(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    p.put(org.apache.kafka.clients.consumer.ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    String bytes = org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName();
    p.put(org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, bytes);
    p.put(org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, bytes);
    p.put(org.apache.kafka.clients.consumer.ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(org.apache.kafka.clients.consumer.ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(org.apache.kafka.clients.consumer.ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
    p.put(org.apache.kafka.clients.consumer.ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
    // partitions added to the topic are noticed within a minute (tunable: not part of the contract)
    p.putIfAbsent(org.apache.kafka.clients.consumer.ConsumerConfig.METADATA_MAX_AGE_CONFIG, "60000");
    p.put(org.apache.kafka.clients.consumer.ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    return p;
  }

  /** The extra settings as client properties, before the probe adds its own. */
  Properties baseProperties() {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put("bootstrap.servers", bootstrap);
    return p;
  }

  /** The timeout in whole milliseconds, as Kafka client settings take it (at least 1). */
  int timeoutMillis() {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
  }

  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("sasl.jaas") || k.contains("secret") || k.contains("key");
  }
}
