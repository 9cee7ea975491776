package io.oobwatch.probes.elasticsearch;

import io.oobwatch.probes.Kind;
import io.oobwatch.probes.Settings;
import java.time.Duration;

/** Elasticsearch 8/9 or OpenSearch 2: a stage (search by canary id), freshness (newest real record) and volume (a count). */
public final class ElasticsearchKind {
  private static final String INDEX = "`url`, `index` (name or pattern), `api_key_file` or `username` + `password_file`, `timeout`";

  public static final Kind KIND = Kind.named("elasticsearch", "Elasticsearch 8/9 or OpenSearch 2.x")
      .withStage(INDEX + "; finds the canary whatever the mapping (dynamic `text` + `.keyword` included)",
          ElasticsearchKind::index)
      .withFreshness(INDEX + ", `timestamp_field` (`@timestamp`); the newest **real** record (`synthetic: true` excluded"
          + " whatever the mapping)", ElasticsearchKind::signal)
      .withVolume(INDEX + ", `timestamp_field`, `delay` (1m); `_count` of real records in the minute that ended"
          + " `delay` ago", ElasticsearchKind::signal);

  private ElasticsearchKind() {}

  static ElasticsearchConfig index(Settings o) {
    String url = o.url("url", "e.g. url: https://es:9200");
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
    return new ElasticsearchConfig(url, index, apiKey, user, password, o.timeout());
  }

  /** An index as the stage reads it, plus the timestamp field and the count's delay. */
  static ElasticsearchSignalConfig signal(Settings o) {
    ElasticsearchConfig cluster = index(o);
    String field = o.string("timestamp_field", ElasticsearchSignalConfig.DEFAULT_TIMESTAMP_FIELD);
    Duration delay = o.duration("delay", ElasticsearchSignalConfig.DEFAULT_DELAY, Duration.ZERO, Duration.ofHours(1));
    return new ElasticsearchSignalConfig(cluster, field, delay);
  }
}
