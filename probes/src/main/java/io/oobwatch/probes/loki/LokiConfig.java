package io.oobwatch.probes.loki;

import io.oobwatch.probes.http.HttpCall;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach one Loki: its base URL, the tenant and the credentials, as every Loki use has them.
 *
 * @param url the base URL ({@code http://loki:3100}, or a gateway's), without {@code /loki/api/v1}
 * @param tenant sent as {@code X-Scope-OrgID} (multi-tenant Loki, Grafana Cloud); null when not
 * @param username with {@code password}: Basic auth; null when not
 * @param password the Basic auth password (a secret); null when not
 * @param token a bearer token (a secret); null when not; never together with Basic auth
 * @param timeout bound on each request
 */
public record LokiConfig(String url, String tenant, String username, String password, String token, Duration timeout) {
  public LokiConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(timeout, "timeout");
    url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    if (token != null && username != null) {
      throw new IllegalArgumentException("loki: give either token_file or username + password_file, not both");
    }
    if (username != null && password == null) {
      throw new IllegalArgumentException("loki: username needs password_file (or password: ${ENV_VAR})");
    }
  }

  /** How messages name this Loki: "loki at http://loki:3100" (no user info, no query). */
  String who() {
    return "loki at " + HttpCall.redact(url) + (tenant == null ? "" : " (tenant " + tenant + ")");
  }

  /** Secrets are masked. */
  @Override
  public String toString() {
    return "LokiConfig[url=" + HttpCall.redact(url) + ", tenant=" + tenant + ", auth="
        + (token != null ? "bearer ***" : username != null ? "basic " + username + ":***" : "none") + ", timeout=" + timeout + "]";
  }
}
