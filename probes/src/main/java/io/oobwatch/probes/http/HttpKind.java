package io.oobwatch.probes.http;

import io.oobwatch.probes.Kind;
import io.oobwatch.probes.Settings;

/** Any HTTP service: an entry (POST the canary to a collector) and a stage (a query with the canary id in it). */
public final class HttpKind {
  public static final Kind KIND = Kind.named("http", "any HTTP intake or query API")
      .withEntry("`url` (POST of the JSON record; 2xx = accepted), `headers`, `timeout`", HttpKind::entry)
      .withStage("`url` with `{canary_id}` (e.g. a Loki or search API query), `method` GET/POST, `body`, `headers`,"
          + " `timeout`; found when a 2xx body contains the id", HttpKind::stage);

  private HttpKind() {}

  static HttpInjectorConfig entry(Settings o) {
    String url = o.url("url", "the collector URL that accepts a JSON record, e.g. url: http://collector:8080/ingest");
    return new HttpInjectorConfig(url, o.strings("headers"), o.timeout());
  }

  static HttpStageConfig stage(Settings o) {
    String url = o.url("url", "a query URL with {canary_id} in it, e.g. url: \"http://loki:3100/...?query=...{canary_id}\"");
    String method = o.string("method", "GET");
    String body = o.string("body", null);
    if (url != null) {
      HttpStageConfig.problems(url, method, body).forEach(o::error);
    }
    return new HttpStageConfig(url, method, body, o.strings("headers"), o.timeout());
  }
}
