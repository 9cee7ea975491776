package io.oobwatch.probes.http;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Injector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Hands a canary to the pipeline by POSTing its JSON to a collector's HTTP intake, as the
 * inference service's log shipper would. Any 2xx is acceptance.
 */
public final class HttpInjector implements Injector {

  private final HttpInjectorConfig cfg;
  private final HttpClient http;
  private final Clock clock;
  private final URI uri;
  private final String who;

  /**
   * @param http a shared client; this injector does not close it
   * @throws IllegalArgumentException if the URL or a header cannot be used
   */
  public HttpInjector(HttpInjectorConfig cfg, HttpClient http, Clock clock) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.http = Objects.requireNonNull(http, "http");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.uri = HttpCall.uri(cfg.url());
    HttpCall.checkHeaders(cfg.headers());
    this.who = "collector at " + HttpCall.redact(cfg.url());
  }

  @Override
  public String kind() {
    return "http";
  }

  @Override
  public Injection inject(CanaryRecord canary) {
    Instant start = clock.instant();
    HttpRequest.Builder req =
        HttpRequest.newBuilder(uri)
            .timeout(cfg.timeout())
            .POST(HttpRequest.BodyPublishers.ofByteArray(canary.toJson()));
    cfg.headers().forEach(req::header);
    if (cfg.headers().keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
      req.header("Content-Type", "application/json");
    }
    HttpCall.Result r = HttpCall.send(http, req.build(), cfg.timeout(), who);
    Duration took = Duration.between(start, clock.instant());
    if (!r.answered()) {
      return Injection.failed(took, r.failure());
    }
    if (r.status() / 100 == 2) {
      return Injection.accepted(took, "HTTP " + r.status());
    }
    return Injection.failed(took, who + " answered HTTP " + r.status());
  }

  @Override
  public String toString() {
    return "HttpInjector[" + cfg + "]";
  }
}
