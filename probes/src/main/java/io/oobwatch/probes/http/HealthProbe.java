package io.oobwatch.probes.http;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A pull heartbeat's probe: one GET of a health URL, judged against the expected status and body.
 * Never throws and never takes longer than the timeout (plus a little): a refused connection, a
 * timeout, a wrong status or a body without the expected text is a {@link Result} whose reason is
 * written for the person paged.
 */
public final class HealthProbe {

  /**
   * One probe's outcome.
   *
   * @param ok whether the answer looked healthy
   * @param status the HTTP status, -1 when no answer came
   * @param at when the probe started, on oobwatch's clock
   * @param latency how long the answer took, on oobwatch's clock
   * @param reason what happened: "HTTP 200" when ok; otherwise what was wrong, e.g.
   *     "http://api:8080/healthz answered HTTP 503, expected HTTP 2xx"
   */
  public record Result(boolean ok, int status, Instant at, Duration latency, String reason) {}

  /** Body text quoted in a reason is cut to this many characters. */
  static final int QUOTE = 60;

  private final HealthProbeConfig cfg;
  private final HttpClient http;
  private final Clock clock;
  private final String shownUrl;

  /**
   * @param http a shared client; this probe does not close it
   * @throws IllegalArgumentException if the URL cannot be a URI or a header cannot be sent
   */
  public HealthProbe(HealthProbeConfig cfg, HttpClient http, Clock clock) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.http = Objects.requireNonNull(http, "http");
    this.clock = Objects.requireNonNull(clock, "clock");
    HttpCall.checkHeaders(cfg.headers());
    HttpCall.uri(cfg.url());
    this.shownUrl = HttpCall.redact(cfg.url());
  }

  public Result probe() {
    Instant start = clock.instant();
    HttpRequest.Builder req = HttpRequest.newBuilder(HttpCall.uri(cfg.url())).timeout(cfg.timeout()).GET();
    cfg.headers().forEach(req::header);
    HttpCall.Result r = HttpCall.send(http, req.build(), cfg.timeout(), shownUrl);
    Duration latency = Duration.between(start, clock.instant());
    if (!r.answered()) {
      return new Result(false, -1, start, latency, r.failure());
    }
    int status = r.status();
    boolean statusOk = cfg.expectStatus() == null ? status / 100 == 2 : status == cfg.expectStatus();
    if (!statusOk) {
      return new Result(false, status, start, latency, shownUrl + " answered HTTP " + status + ", expected HTTP "
          + (cfg.expectStatus() == null ? "2xx" : cfg.expectStatus()) + quote(r.body()));
    }
    if (cfg.expectBody() != null && !r.body().contains(cfg.expectBody())) {
      return new Result(false, status, start, latency, shownUrl + " answered HTTP " + status
          + " without \"" + cfg.expectBody() + "\" in the body" + quote(r.body()));
    }
    return new Result(true, status, start, latency, "HTTP " + status);
  }

  /** The start of the body, on one line, for the reason: what the component said about itself. */
  static String quote(String body) {
    String line = body.strip().replaceAll("\\s+", " ");
    if (line.isEmpty()) {
      return "";
    }
    return ": \"" + (line.length() > QUOTE ? line.substring(0, QUOTE) + "..." : line) + "\"";
  }

  @Override
  public String toString() {
    return "HealthProbe[" + cfg + "]";
  }
}
