package io.oobwatch.probes.elasticsearch;

import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.RealTraffic;
import io.oobwatch.probes.Stage;
import io.oobwatch.probes.StageConfig;
import io.oobwatch.probes.http.HttpCall;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where canaries are looked for in Elasticsearch (8.x, 9.x) or OpenSearch (2.x).
 *
 * @param url the cluster's base URL, e.g. {@code https://es:9200}
 * @param index an index, alias, pattern or comma-separated list ({@code inference-logs-*})
 * @param apiKey an Elasticsearch API key (the base64 "encoded" form), sent as {@code
 *     Authorization: ApiKey}; null for none. Takes precedence over username/password
 * @param username for HTTP Basic auth; null for none
 * @param password for HTTP Basic auth; null for none
 * @param timeout bound on each search request
 */
public record ElasticsearchConfig(
    String url, String index, String apiKey, String username, String password, Duration timeout)
    implements StageConfig {

  public ElasticsearchConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(timeout, "timeout");
    if (index.isBlank()) {
      throw new IllegalArgumentException("elasticsearch index must not be blank");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("elasticsearch timeout must be positive");
    }
  }

  @Override
  public Stage open(String name, ProbeContext ctx) {
    return new ElasticsearchStage(name, this, ctx.http(), ctx.clock());
  }

  /** The newest real record's {@code @timestamp} in the index, canaries excluded (the freshness query). */
  @Override
  public Optional<RealTraffic> realTraffic(ProbeContext ctx) {
    ElasticsearchSignalConfig newest = new ElasticsearchSignalConfig(
        this, ElasticsearchSignalConfig.DEFAULT_TIMESTAMP_FIELD, ElasticsearchSignalConfig.DEFAULT_DELAY);
    return Optional.of(new RealTraffic(new ElasticsearchFreshness(newest, ctx.http(), ctx.clock()), "indexed"));
  }

  @Override
  public String where() {
    return "elasticsearch index " + index;
  }

  /** API key and password are masked; the URL loses user info and query. */
  @Override
  public String toString() {
    return "ElasticsearchConfig[url=" + HttpCall.redact(url) + ", index=" + index
        + ", apiKey=" + (apiKey == null ? "null" : "***") + ", username=" + username
        + ", password=" + (password == null ? "null" : "***") + ", timeout=" + timeout + "]";
  }
}
