package io.oobwatch.probes.http;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Stage;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;

/**
 * Looks for a canary with a templated HTTP query: FOUND when a 2xx answer's body contains the
 * canary id.
 *
 * <p>The count is 1 when found: one record carries its id more than once ({@code canary.id} and
 * {@code request_id}), so occurrences in a body do not count copies. A query API that echoes the
 * query back in its answer would always look FOUND; point this stage at one that does not (Loki's
 * query API does not).
 *
 * <p>404 is NOT_FOUND (many lookup APIs answer it for "no such record"); any other non-2xx status,
 * a refused connection or a timeout is UNREACHABLE.
 */
public final class HttpStage implements Stage {

  private final String name;
  private final HttpStageConfig cfg;
  private final HttpClient http;
  private final Clock clock;
  private final String shownUrl;

  /**
   * @param http a shared client; this stage does not close it
   * @throws IllegalArgumentException if a header cannot be sent
   */
  public HttpStage(String name, HttpStageConfig cfg, HttpClient http, Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.http = Objects.requireNonNull(http, "http");
    this.clock = Objects.requireNonNull(clock, "clock");
    HttpCall.checkHeaders(cfg.headers());
    // fail at start, not at the first lookup, on a URL that cannot become a URI
    HttpCall.uri(cfg.url().replace(HttpStageConfig.PLACEHOLDER, "x"));
    this.shownUrl = HttpCall.redact(cfg.url());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Lookup lookup(CanaryRecord canary) {
    String id = canary.id();
    HttpRequest request;
    try {
      request = request(id);
    } catch (RuntimeException e) {
      return Lookup.unreachable("query " + shownUrl + " could not be built: " + e.getMessage());
    }
    HttpCall.Result r = HttpCall.send(http, request, cfg.timeout(), shownUrl);
    if (!r.answered()) {
      return Lookup.unreachable(r.failure());
    }
    int status = r.status();
    if (status / 100 == 2) {
      return r.body().contains(id)
          ? Lookup.found(1, clock.instant())
          : Lookup.notFound("response from " + shownUrl + " does not contain the canary");
    }
    if (status == 404) {
      return Lookup.notFound(shownUrl + " answered HTTP 404");
    }
    return Lookup.unreachable(shownUrl + " answered HTTP " + status);
  }

  private HttpRequest request(String id) {
    String url =
        cfg.url().replace(HttpStageConfig.PLACEHOLDER, URLEncoder.encode(id, StandardCharsets.UTF_8));
    HttpRequest.Builder req = HttpRequest.newBuilder(HttpCall.uri(url)).timeout(cfg.timeout());
    cfg.headers().forEach(req::header);
    if (cfg.method().equals("POST")) {
      String body = cfg.body() == null ? "" : cfg.body().replace(HttpStageConfig.PLACEHOLDER, id);
      if (cfg.headers().keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
        req.header("Content-Type", "application/json");
      }
      req.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } else {
      req.GET();
    }
    return req.build();
  }

  @Override
  public String toString() {
    return "HttpStage[" + name + ", " + cfg + "]";
  }
}
