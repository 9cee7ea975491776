package io.oobwatch.probes.prometheus;

import io.oobwatch.probes.Kind;
import io.oobwatch.probes.Settings;

/** Prometheus (or Thanos, Mimir, VictoriaMetrics): a volume from an instant query of a rate. */
public final class PrometheusKind {
  public static final Kind KIND = Kind.named("prometheus", "Prometheus-compatible query API")
      .withVolume("`url`, `query` giving events **per second** (e.g. `sum(rate(inference_requests_total[5m]))`),"
          + " optional `bearer_token_file`, `timeout`", PrometheusKind::volume);

  private PrometheusKind() {}

  static PrometheusConfig volume(Settings o) {
    String url = o.url("url", "the Prometheus base URL, e.g. url: http://prometheus:9090");
    String query = o.requiredString("query",
        "a PromQL expression giving events per second, e.g. query: sum(rate(inference_requests_total[5m]))");
    String token = o.secret("bearer_token", false);
    return new PrometheusConfig(url, query, token, o.timeout());
  }
}
