package io.oobwatch.watchdog.config;

import io.oobwatch.probes.elasticsearch.ElasticsearchConfig;
import io.oobwatch.probes.elasticsearch.ElasticsearchSignalConfig;
import io.oobwatch.probes.http.HttpInjectorConfig;
import io.oobwatch.probes.http.HttpStageConfig;
import io.oobwatch.probes.kafka.KafkaConfig;
import io.oobwatch.probes.kafka.KafkaGroupConfig;
import io.oobwatch.probes.prometheus.PrometheusConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The one central list of probe kinds: which injector and stage kinds exist and how each one's
 * settings are read from the config. Building them is the daemon wiring's job.
 */
final class Kinds {
  static final List<String> INJECTORS = List.of("kafka", "http");
  static final List<String> STAGES = List.of("kafka", "elasticsearch", "http");
  /** Where freshness (the newest real record) is read. */
  static final List<String> FRESHNESS = List.of("elasticsearch");
  /** Where volume (records per minute) is read. */
  static final List<String> VOLUME = List.of("kafka", "prometheus", "elasticsearch");
  /** Where a consumer group's lag is read. */
  static final List<String> CONSUMER_LAG = List.of("kafka");

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private Kinds() {}

  static Object injector(String kind, Reader.Obj o) {
    int before = o.errors();
    return build(o, before, () -> readInjector(kind, o));
  }

  static Object stage(String kind, Reader.Obj o) {
    int before = o.errors();
    return build(o, before, () -> readStage(kind, o));
  }

  /**
   * Builds the probe's config record only when reading its keys found no problem (the records
   * check their own invariants too; a violation becomes a config error, not a crash).
   */
  private static Object build(Reader.Obj o, int before, java.util.function.Supplier<Object> read) {
    try {
      Object settings = read.get();
      return o.errors() > before ? null : settings;
    } catch (IllegalArgumentException | NullPointerException e) {
      if (o.errors() == before) {
        o.invalid(String.valueOf(e.getMessage()));
      }
      return null;
    }
  }

  private static Object readInjector(String kind, Reader.Obj o) {
    switch (kind) {
      case "kafka":
        return kafka(o);
      case "http":
        {
          String url = url(o, "url", "the collector URL that accepts a JSON record, e.g. url: http://collector:8080/ingest");
          return new HttpInjectorConfig(url, o.strings("headers"), o.duration("timeout", DEFAULT_TIMEOUT));
        }
      default:
        throw new IllegalArgumentException(kind);
    }
  }

  private static Object readStage(String kind, Reader.Obj o) {
    switch (kind) {
      case "kafka":
        return kafka(o);
      case "elasticsearch":
        {
          String url = url(o, "url", "e.g. url: https://es:9200");
          String index = o.requiredString("index", "the index or pattern the connector writes to, e.g. index: inference-logs-*");
          String apiKey = o.secret("api_key", false);
          String user = o.string("username", null);
          String password = o.secret("password", false);
          if (apiKey != null && user != null) {
            o.error("username", "give either api_key_file or username/password_file, not both");
          }
          if (user != null && password == null && !o.has("password") && !o.has("password_file")) {
            o.error("username", "username needs password_file (or password: ${ENV_VAR})");
          }
          return new ElasticsearchConfig(url, index, apiKey, user, password, o.duration("timeout", DEFAULT_TIMEOUT));
        }
      case "http":
        {
          String url = url(o, "url", "a query URL with {canary_id} in it, e.g. url: \"http://loki:3100/...?query=...{canary_id}\"");
          String method = o.string("method", "GET");
          String body = o.string("body", null);
          if (method != null) {
            method = method.toUpperCase(Locale.ROOT);
            if (!method.equals("GET") && !method.equals("POST")) {
              o.error("method", "expected GET or POST, found \"" + method + "\"");
            }
          }
          if ("GET".equals(method) && body != null) {
            o.error("body", "a GET request has no body; write method: POST, or remove body");
          }
          if (url != null && !url.contains("{canary_id}") && (body == null || !body.contains("{canary_id}"))) {
            o.error("url", "the url (or the body) must contain {canary_id}, where oobwatch puts the id it looks for");
          }
          return new HttpStageConfig(url, method, body, o.strings("headers"), o.duration("timeout", DEFAULT_TIMEOUT));
        }
      default:
        throw new IllegalArgumentException(kind);
    }
  }

  private static KafkaConfig kafka(Reader.Obj o) {
    String bootstrap = o.requiredString("bootstrap", "the Kafka bootstrap servers, e.g. bootstrap: \"kafka-1:9092\"");
    String topic = o.requiredString("topic", "the topic inference logs are written to, e.g. topic: inference-logs");
    return new KafkaConfig(bootstrap, topic, o.strings("properties"), o.duration("timeout", DEFAULT_TIMEOUT));
  }

  static String url(Reader.Obj o, String key, String hint) {
    String url = o.requiredString(key, hint);
    if (url != null && !url.startsWith("http://") && !url.startsWith("https://")) {
      o.error(key, "\"" + url + "\" is not an http:// or https:// URL");
    }
    return url;
  }

  static Object freshness(String kind, Reader.Obj o) {
    int before = o.errors();
    return build(o, before, () -> esSignal(o));
  }

  static Object volume(String kind, Reader.Obj o) {
    int before = o.errors();
    return build(o, before, () -> {
      switch (kind) {
        case "kafka":
          return kafka(o);
        case "prometheus":
          {
            String url = url(o, "url", "the Prometheus base URL, e.g. url: http://prometheus:9090");
            String query = o.requiredString("query",
                "a PromQL expression giving events per second, e.g. query: sum(rate(inference_requests_total[5m]))");
            String token = o.secret("bearer_token", false);
            return new PrometheusConfig(url, query, token, o.duration("timeout", DEFAULT_TIMEOUT));
          }
        case "elasticsearch":
          return esSignal(o);
        default:
          throw new IllegalArgumentException(kind);
      }
    });
  }

  static Object consumerLag(String kind, Reader.Obj o) {
    int before = o.errors();
    return build(o, before, () -> {
      String bootstrap = o.requiredString("bootstrap", "the Kafka bootstrap servers, e.g. bootstrap: \"kafka-1:9092\"");
      String group = o.requiredString("group", "the connector's consumer group, e.g. group: logstash-inference");
      String topic = o.string("topic", null);
      return new KafkaGroupConfig(bootstrap, group, topic, o.strings("properties"), o.duration("timeout", DEFAULT_TIMEOUT));
    });
  }

  /** An index as the elasticsearch stage reads it, plus the timestamp field and the count's delay. */
  private static ElasticsearchSignalConfig esSignal(Reader.Obj o) {
    ElasticsearchConfig cluster = (ElasticsearchConfig) readStage("elasticsearch", o);
    String field = o.string("timestamp_field", ElasticsearchSignalConfig.DEFAULT_TIMESTAMP_FIELD);
    Duration delay = o.duration("delay", ElasticsearchSignalConfig.DEFAULT_DELAY, true);
    return new ElasticsearchSignalConfig(cluster, field, delay);
  }
}
