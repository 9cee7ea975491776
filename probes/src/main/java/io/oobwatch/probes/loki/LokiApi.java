package io.oobwatch.probes.loki;

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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Loki's HTTP API as oobwatch uses it: {@code GET /loki/api/v1/query_range} and {@code POST
 * /loki/api/v1/push}, with {@code X-Scope-OrgID} and Basic or bearer auth, and every answer sorted
 * into usable, limited, rejected and failed.
 *
 * <p>Limited: a 429 (rate limit, too many outstanding requests) or a 400 saying the query is over
 * Loki's limits ("max query length", "the query time range exceeds the limit"). The answer is late,
 * not missing and not an outage: callers say so, and no query is sent until the hold-back ends: the
 * {@code Retry-After} seconds when a gateway in front of Loki sends them (1 s to 1 h), else {@link
 * #HOLD_BACK} (Loki itself sends none).
 */
final class LokiApi {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration HOLD_BACK = Duration.ofSeconds(10);

  enum Outcome {
    OK,
    LIMITED,
    REJECTED,
    FAILED
  }

  /** An answer: {@code body} when OK, else {@code reason} in words for the person paged. */
  record Reply(Outcome outcome, JsonNode body, String reason) {}

  private final LokiConfig cfg;
  private final HttpClient http;
  final String who;
  private Instant heldUntil = Instant.MIN;
  private String heldBecause = "";

  LokiApi(LokiConfig cfg, HttpClient http) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.http = Objects.requireNonNull(http, "http");
    this.who = cfg.who();
    HttpCall.uri(cfg.url()); // fail at start on a URL that cannot be one
  }

  /**
   * {@code GET /loki/api/v1/query_range} for log lines between {@code start} and {@code end}, newest
   * first ({@code direction=backward}), at most {@code limit}.
   */
  Reply queryRange(String logql, Instant start, Instant end, int limit, Instant now) {
    String held = heldBack(now);
    if (held != null) {
      return new Reply(Outcome.LIMITED, null, held);
    }
    Map<String, String> q = new LinkedHashMap<>();
    q.put("query", logql);
    q.put("start", Long.toString(nanos(start)));
    q.put("end", Long.toString(nanos(end)));
    q.put("limit", Integer.toString(limit));
    q.put("direction", "backward");
    String query = q.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder req = request("/loki/api/v1/query_range?" + query).GET();
    return judge(HttpCall.send(http, req.build(), cfg.timeout(), who), now, "query");
  }

  /** Why no query may be sent now (the hold-back after a limit), or null. */
  String heldBack(Instant now) {
    return now.isBefore(heldUntil) ? heldBecause + "; next query in " + Durations.format(Duration.between(now, heldUntil))
        : null;
  }

  /** {@code POST /loki/api/v1/push} of a JSON body; Loki answers 204. */
  Reply push(String body, Instant now) {
    HttpRequest.Builder req = request("/loki/api/v1/push")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return judge(HttpCall.send(http, req.build(), cfg.timeout(), who), now, "push");
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder req = HttpRequest.newBuilder(HttpCall.uri(cfg.url() + pathAndQuery)).timeout(cfg.timeout());
    if (cfg.tenant() != null) {
      req.header("X-Scope-OrgID", cfg.tenant());
    }
    if (cfg.token() != null) {
      req.header("Authorization", "Bearer " + cfg.token());
    } else if (cfg.username() != null) {
      String pair = cfg.username() + ":" + cfg.password();
      req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    return req;
  }

  private Reply judge(HttpCall.Result r, Instant now, String what) {
    if (!r.answered()) {
      return new Reply(Outcome.FAILED, null, r.failure());
    }
    int status = r.status();
    String said = said(r.body());
    if (status / 100 == 2) {
      if (status == 204 || r.body().isBlank()) {
        return new Reply(Outcome.OK, JSON.createObjectNode(), "");
      }
      try {
        return new Reply(Outcome.OK, JSON.readTree(r.body()), "");
      } catch (Exception e) {
        return new Reply(Outcome.FAILED, null, who + " answered HTTP " + status + " with a body that is not JSON");
      }
    }
    if (status == 401 || status == 403) {
      return new Reply(Outcome.REJECTED, null, who + " rejected the credentials (HTTP " + status + ")"
          + " for the " + what + "; check username/password_file, token_file and tenant");
    }
    String lower = said.toLowerCase(Locale.ROOT);
    if (status == 429 || (status == 400 && (lower.contains("max query length")
        || lower.contains("query time range exceeds the limit")))) {
      heldUntil = now.plus(retryAfter(r));
      heldBecause = who + " limited the " + what + " (HTTP " + status + (said.isEmpty() ? "" : ": " + said) + ")";
      return new Reply(Outcome.LIMITED, null, heldBecause);
    }
    return new Reply(Outcome.FAILED, null, who + " answered the " + what + " with HTTP " + status
        + (said.isEmpty() ? "" : ": " + said));
  }

  /** The {@code Retry-After} seconds a gateway sent (bounded to 1 s – 1 h), else {@link #HOLD_BACK}. */
  private static Duration retryAfter(HttpCall.Result r) {
    try {
      return r.header("Retry-After").map(v -> Duration.ofSeconds(Math.max(1, Math.min(Long.parseLong(v.strip()), 3600))))
          .orElse(HOLD_BACK);
    } catch (NumberFormatException e) {
      return HOLD_BACK; // an HTTP date: wait the default
    }
  }

  /** The first line of Loki's error text (plain text, or JSON with {@code message}), cut short. */
  private static String said(String body) {
    String text = body == null ? "" : body.strip();
    if (text.startsWith("{")) {
      try {
        JsonNode n = JSON.readTree(text);
        text = n.path("message").asText(n.path("error").asText(""));
      } catch (Exception e) {
        // not JSON after all: quote it as text
      }
    }
    return HttpCall.firstLine(text);
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
