package io.oobwatch.probes.langfuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.canary.Durations;
import io.oobwatch.probes.http.HttpCall;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Langfuse's public API as oobwatch uses it: the OTLP/HTTP trace endpoint and the read endpoints,
 * with Basic auth (public key as user, secret key as password), and every answer sorted into
 * usable, absent (404), limited, rejected and failed.
 *
 * <p>Failed includes a 207 that carries {@code errors}: Langfuse answers part of the request and
 * says what it could not do, so the answer cannot be trusted as complete. Limited is a 429; no
 * request is sent until its {@code Retry-After} (or {@value #HOLD_BACK_SECONDS} s) has passed.
 * Not thread-safe: one thread calls a probe.
 */
final class LangfuseApi {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String OTLP_TRACES = "/api/public/otel/v1/traces";
  static final long HOLD_BACK_SECONDS = 10;
  /**
   * Langfuse makes spans readable through the v2 observations API at once only for exporters that
   * declare this ingestion version; others may wait for a batch export of up to 15 minutes.
   */
  static final String INGESTION_VERSION = "4";

  enum Outcome {
    OK,
    ABSENT,
    LIMITED,
    REJECTED,
    FAILED
  }

  /** An answer: {@code body} when OK, else {@code reason} in words for the person paged. */
  record Reply(Outcome outcome, JsonNode body, String reason) {}

  private final LangfuseConfig cfg;
  private final HttpClient http;
  final String who;
  private final String authorization;
  private Instant heldUntil = Instant.MIN;
  private String heldBecause = "";

  LangfuseApi(LangfuseConfig cfg, HttpClient http) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.http = Objects.requireNonNull(http, "http");
    this.who = cfg.who();
    this.authorization = "Basic " + Base64.getEncoder()
        .encodeToString((cfg.publicKey() + ":" + cfg.secretKey()).getBytes(StandardCharsets.UTF_8));
    HttpCall.uri(cfg.url() + OTLP_TRACES); // fail at start on a URL that cannot be one
  }

  /** {@code GET path?query} of the public API; {@code what} names the call in reasons ("trace lookup"). */
  Reply get(String path, Map<String, String> query, String what, Instant now) {
    if (now.isBefore(heldUntil)) {
      return new Reply(Outcome.LIMITED, null, heldBecause + "; next query in "
          + Durations.format(Duration.between(now, heldUntil)));
    }
    String q = query.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder req = request(path + (q.isEmpty() ? "" : "?" + q)).GET();
    return judge(HttpCall.send(http, req.build(), cfg.timeout(), who), now, what);
  }

  /** {@code POST /api/public/otel/v1/traces} of an OTLP/HTTP JSON body. */
  Reply exportTraces(String body, Instant now) {
    HttpRequest.Builder req = request(OTLP_TRACES)
        .header("Content-Type", "application/json")
        .header("x-langfuse-ingestion-version", INGESTION_VERSION)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return judge(HttpCall.send(http, req.build(), cfg.timeout(), who), now, "trace export");
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(HttpCall.uri(cfg.url() + pathAndQuery))
        .timeout(cfg.timeout())
        .header("Accept", "application/json")
        .header("Authorization", authorization);
  }

  private Reply judge(HttpCall.Result r, Instant now, String what) {
    if (!r.answered()) {
      return new Reply(Outcome.FAILED, null, r.failure());
    }
    int status = r.status();
    JsonNode json = parse(r.body());
    if (status == 207) {
      JsonNode errors = json == null ? null : json.path("errors");
      if (errors != null && errors.isArray() && !errors.isEmpty()) {
        return new Reply(Outcome.FAILED, null, who + " answered the " + what + " only in part (HTTP 207, "
            + errors.size() + " error" + (errors.size() == 1 ? "" : "s") + ": " + said(errors.get(0)) + ")");
      }
    }
    if (status / 100 == 2) {
      if (json == null && !r.body().isBlank()) {
        return new Reply(Outcome.FAILED, null, who + " answered the " + what + " with HTTP " + status
            + " and a body that is not JSON");
      }
      return new Reply(Outcome.OK, json == null ? JSON.createObjectNode() : json, "");
    }
    String detail = json == null ? HttpCall.firstLine(r.body()) : said(json);
    String saidPart = detail.isEmpty() ? "" : ": " + detail;
    if (status == 401 || status == 403) {
      return new Reply(Outcome.REJECTED, null, who + " rejected the API keys (HTTP " + status + saidPart + ") for the "
          + what + "; check public_key_file and secret_key_file (one key pair of the project)");
    }
    if (status == 404) {
      return new Reply(Outcome.ABSENT, json, who + " answered the " + what + " with HTTP 404" + saidPart);
    }
    if (status == 429) {
      heldUntil = now.plusSeconds(retryAfter(r));
      heldBecause = "langfuse rate-limited the " + what + " (HTTP 429" + saidPart + ")";
      return new Reply(Outcome.LIMITED, null, heldBecause);
    }
    return new Reply(Outcome.FAILED, null, who + " answered the " + what + " with HTTP " + status + saidPart);
  }

  private static long retryAfter(HttpCall.Result r) {
    try {
      long s = r.header("Retry-After").map(v -> Long.parseLong(v.trim())).orElse(HOLD_BACK_SECONDS);
      return Math.max(1, Math.min(s, 3600));
    } catch (NumberFormatException e) {
      return HOLD_BACK_SECONDS; // an HTTP date: wait the default
    }
  }

  /** Langfuse's error text ({@code message}, else {@code error}), first line, cut short. */
  static String said(JsonNode n) {
    String text = n.isTextual() ? n.asText() : n.path("message").asText(n.path("error").asText(""));
    return HttpCall.firstLine(text);
  }

  static JsonNode parse(String body) {
    try {
      return body == null || body.isBlank() ? null : JSON.readTree(body);
    } catch (Exception e) {
      return null;
    }
  }

  /** The OTLP trace id of a canary: its UUID without dashes, 32 lower-case hex digits. */
  static String traceId(String canaryId) {
    return canaryId.replace("-", "").toLowerCase(java.util.Locale.ROOT);
  }
}
