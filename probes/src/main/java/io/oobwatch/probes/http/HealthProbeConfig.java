package io.oobwatch.probes.http;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A pull heartbeat: GET a component's health URL and judge the answer.
 *
 * @param url the health URL, e.g. {@code http://inference:8080/healthz}
 * @param expectStatus the status that means healthy; null means any 2xx
 * @param expectBody a substring a healthy answer's body contains; null means the body is not read
 * @param headers extra request headers (e.g. Authorization); values are treated as secrets
 * @param timeout bound on the whole request, body included
 */
public record HealthProbeConfig(
    String url, Integer expectStatus, String expectBody, Map<String, String> headers, Duration timeout) {
  public HealthProbeConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("health probe timeout must be positive");
    }
    if (expectStatus != null && (expectStatus < 100 || expectStatus > 599)) {
      throw new IllegalArgumentException("expect_status must be an HTTP status between 100 and 599, not " + expectStatus);
    }
    if (expectBody != null && expectBody.isEmpty()) {
      expectBody = null;
    }
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /** What a healthy answer looks like, in words: "HTTP 2xx", "HTTP 200 containing \"ok\"". */
  public String expectation() {
    String status = "HTTP " + (expectStatus == null ? "2xx" : expectStatus);
    return expectBody == null ? status : status + " containing \"" + expectBody + "\"";
  }

  /** Header values are masked: they may be credentials. The URL loses user info and query. */
  @Override
  public String toString() {
    return "HealthProbeConfig[url=" + HttpCall.redact(url) + ", expect=" + expectation()
        + ", headers=" + HttpInjectorConfig.masked(headers) + ", timeout=" + timeout + "]";
  }
}
