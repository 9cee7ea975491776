package io.oobwatch.probes.prometheus;

import io.oobwatch.probes.Probe;
import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.SignalSource;

import io.oobwatch.probes.http.HttpCall;
import java.time.Duration;
import java.util.Objects;

/**
 * A Prometheus instant query that gives a volume, such as the inference service's own request
 * rate: {@code sum(rate(inference_requests_total[5m]))}.
 *
 * @param url the Prometheus (or compatible: Thanos, Mimir, VictoriaMetrics) base URL; the probe
 *     appends {@code /api/v1/query}
 * @param query a PromQL expression returning one series (or a scalar): events per second
 * @param bearerToken sent as {@code Authorization: Bearer}; null for none
 * @param timeout bound on each query
 */
public record PrometheusConfig(String url, String query, String bearerToken, Duration timeout)
    implements SignalSource.Volume {
  public PrometheusConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(timeout, "timeout");
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("prometheus query must not be empty");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("prometheus timeout must be positive");
    }
  }

  @Override
  public Probe volume(ProbeContext ctx) {
    return new PrometheusQuery(this, ctx.http(), ctx.clock());
  }

  /** A query has no better name than its check's. */
  @Override
  public String where(String checkName) {
    return checkName.equals("prometheus") ? "prometheus" : "prometheus " + checkName;
  }

  /** The token is masked; the URL loses user info and query. */
  @Override
  public String toString() {
    return "PrometheusConfig[url=" + HttpCall.redact(url) + ", query=" + query
        + ", bearerToken=" + (bearerToken == null ? "null" : "***") + ", timeout=" + timeout + "]";
  }
}
