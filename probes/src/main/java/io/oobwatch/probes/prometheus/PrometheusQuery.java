package io.oobwatch.probes.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.probes.http.HttpCall;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Volume from Prometheus: one instant query ({@code GET /api/v1/query?query=...}) whose answer, an
 * instant vector of exactly one series or a scalar, is events per second; the observation is per
 * minute (times 60).
 *
 * <p>Observations: VALUE; NONE when the query returned no series or a value that is not a finite
 * number (the counter does not exist yet, NaN); UNKNOWN when Prometheus cannot be queried, rejects
 * the query (with its error), or the query returns several series or a range vector (a config
 * mistake: wrap it in {@code sum(...)}).
 */
public final class PrometheusQuery implements Probe {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrometheusConfig cfg;
  private final HttpClient http;
  private final Clock clock;
  private final URI uri;
  private final String who;

  /**
   * @param http a shared client; not closed here
   * @throws IllegalArgumentException if the URL cannot be used
   */
  public PrometheusQuery(PrometheusConfig cfg, HttpClient http, Clock clock) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.http = Objects.requireNonNull(http, "http");
    this.clock = Objects.requireNonNull(clock, "clock");
    String base = cfg.url().endsWith("/") ? cfg.url().substring(0, cfg.url().length() - 1) : cfg.url();
    this.uri = HttpCall.uri(base + "/api/v1/query?query="
        + URLEncoder.encode(cfg.query(), StandardCharsets.UTF_8).replace("+", "%20"));
    this.who = "prometheus at " + HttpCall.redact(base);
  }

  @Override
  public Observation observe() {
    try {
      return query();
    } catch (RuntimeException e) {
      return Observation.unknown(clock.instant(), who + " query failed: " + e.getClass().getSimpleName());
    }
  }

  private Observation query() {
    HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(cfg.timeout()).header("Accept", "application/json").GET();
    if (cfg.bearerToken() != null) {
      req.header("Authorization", "Bearer " + cfg.bearerToken());
    }
    HttpCall.Result r = HttpCall.send(http, req.build(), cfg.timeout(), who);
    Instant now = clock.instant();
    if (!r.answered()) {
      return Observation.unknown(now, r.failure());
    }
    JsonNode body = parse(r.body());
    if (r.status() == 401 || r.status() == 403) {
      return Observation.unknown(now, who + " rejected the credentials (HTTP " + r.status() + ")");
    }
    if (body != null && "error".equals(body.path("status").asText())) {
      return Observation.unknown(now, who + " rejected the query (" + shorten(body.path("errorType").asText("error")
          + ": " + body.path("error").asText("")) + ")");
    }
    if (r.status() != 200 || body == null || !"success".equals(body.path("status").asText())) {
      return Observation.unknown(now, who + " answered HTTP " + r.status() + (body == null ? " without JSON" : ""));
    }
    JsonNode data = body.path("data");
    String type = data.path("resultType").asText("");
    JsonNode sample;
    switch (type) {
      case "vector":
        {
          JsonNode result = data.path("result");
          if (result.size() == 0) {
            return Observation.none(now, "the query returned no series: " + cfg.query());
          }
          if (result.size() > 1) {
            return Observation.unknown(now, "the query returned " + result.size()
                + " series; wrap it in sum(...) so it returns one: " + cfg.query());
          }
          sample = result.get(0).path("value");
          break;
        }
      case "scalar":
        sample = data.path("result");
        break;
      default:
        return Observation.unknown(now, "the query returned a " + (type.isEmpty() ? "result without a type" : type)
            + ", not one number; use an instant expression such as sum(rate(x[5m]))");
    }
    double perSecond;
    try {
      perSecond = Double.parseDouble(sample.path(1).asText(""));
    } catch (NumberFormatException e) {
      return Observation.unknown(now, who + " answered a sample that is not a number");
    }
    if (!Double.isFinite(perSecond)) {
      return Observation.none(now, "the query returned " + sample.path(1).asText() + ": " + cfg.query());
    }
    return Observation.value(now, perSecond * 60);
  }

  private static String shorten(String s) {
    String line = s.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 197) + "..." : line;
  }

  private static JsonNode parse(String body) {
    try {
      return body.isEmpty() ? null : JSON.readTree(body);
    } catch (Exception e) {
      return null;
    }
  }

  @Override
  public void close() {
    // the HTTP client is shared
  }

  @Override
  public String toString() {
    return "PrometheusQuery[" + cfg + "]";
  }
}
