package io.oobwatch.probes.datadog;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Injector;
import io.oobwatch.probes.http.HttpCall;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Hands a canary to Datadog's log intake: {@code POST /api/v2/logs} with {@code DD-API-KEY} and a
 * JSON array of one log whose {@code ddsource}, {@code service}, {@code hostname} and {@code
 * ddtags} are the reserved attributes and whose other fields are the canary record's, which become
 * the log's attributes ({@code @canary.id} among them). Datadog answers 202 when it accepted the
 * log; accepted is not yet searchable (indexing takes seconds, exclusion filters and index quotas
 * may drop it), which the datadog stage tells apart.
 */
public final class DatadogInjector implements Injector {
  static final String INTAKE = "/api/v2/logs";

  private final DatadogInjectorConfig cfg;
  private final HttpClient http;
  private final Clock clock;
  private final URI uri;
  private final String who;

  /**
   * @param http a shared client; this injector does not close it
   * @throws IllegalArgumentException if the intake URL cannot be used
   */
  public DatadogInjector(DatadogInjectorConfig cfg, HttpClient http, Clock clock) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.http = Objects.requireNonNull(http, "http");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.uri = HttpCall.uri(cfg.account().intake() + INTAKE);
    this.who = "datadog's log intake at " + HttpCall.redact(cfg.account().intake());
  }

  @Override
  public String kind() {
    return "datadog";
  }

  @Override
  public Injection inject(CanaryRecord canary) {
    Instant start = clock.instant();
    byte[] body;
    try {
      body = DatadogApi.JSON.writeValueAsBytes(List.of(log(canary)));
    } catch (JsonProcessingException e) {
      return Injection.failed(Duration.ZERO, "the canary record cannot be written as JSON: " + e.getOriginalMessage());
    }
    HttpRequest req = HttpRequest.newBuilder(uri)
        .timeout(cfg.account().timeout())
        .header("Content-Type", "application/json")
        .header("DD-API-KEY", cfg.account().apiKey())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    HttpCall.Result r = HttpCall.send(http, req, cfg.account().timeout(), who);
    Duration took = Duration.between(start, clock.instant());
    if (!r.answered()) {
      return Injection.failed(took, r.failure());
    }
    if (r.status() == 202 || r.status() == 200) {
      return Injection.accepted(took, "HTTP " + r.status());
    }
    if (r.status() == 401 || r.status() == 403) {
      return Injection.failed(took, "Datadog rejected the API key (HTTP " + r.status() + " from " + who + ")");
    }
    String detail = r.status() / 100 == 4 ? ": " + DatadogApi.firstError(DatadogApi.parse(r.body())) : "";
    return Injection.failed(took, who + " answered HTTP " + r.status() + detail);
  }

  /** The canary as one Datadog log: reserved attributes first, the record's fields as attributes. */
  Map<String, Object> log(CanaryRecord canary) {
    Map<String, Object> log = new LinkedHashMap<>(canary.document());
    log.put("ddsource", cfg.source());
    log.put("service", cfg.service());
    log.put("hostname", cfg.hostname() == null ? canary.instance() : cfg.hostname());
    String tags = "synthetic:true,pipeline:" + canary.pipeline();
    log.put("ddtags", cfg.tags().isBlank() ? tags : cfg.tags() + "," + tags);
    log.put("message", "oobwatch canary " + canary.id() + " (seq " + canary.seq() + ")");
    return log;
  }

  @Override
  public String toString() {
    return "DatadogInjector[" + cfg.account() + "]";
  }
}
