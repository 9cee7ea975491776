package io.oobwatch.probes.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oobwatch.probes.canary.Durations;
import io.oobwatch.probes.http.HttpCall;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * Datadog's log query API as one probe uses it: JSON POSTs with {@code DD-API-KEY} and {@code
 * DD-APPLICATION-KEY}, answers sorted into usable, rate-limited and failed, and the pacing that
 * keeps the probe within Datadog's rate limit.
 *
 * <p>Pacing: every answer carries {@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset}
 * (seconds until the calendar-aligned period restarts). After a 429, or when nothing remains, no
 * request is sent until the reset; otherwise requests are spaced at least {@code reset /
 * remaining} apart, so that the rest of the period's budget, which the organisation's other users
 * share, is never spent in a burst. The remaining count is the organisation's, so this holds even
 * though each probe paces itself. Not thread-safe: one thread calls a probe.
 */
final class DatadogApi {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SEARCH = "/api/v2/logs/events/search";
  static final String AGGREGATE = "/api/v2/logs/analytics/aggregate";
  /** When Datadog sends no usable reset header with a 429, wait this long. */
  static final Duration DEFAULT_BACK_OFF = Duration.ofSeconds(60);

  enum Outcome {
    /** A 200 with a JSON body. */
    OK,
    /** A 429: not an outage, the answer is only late. */
    RATE_LIMITED,
    /** No usable answer (key rejected, HTTP 5xx, refused, timed out, bad request). */
    FAILED
  }

  /** @param body the JSON answer when OK; @param reason for the person paged when not OK */
  record Reply(Outcome outcome, JsonNode body, String reason) {}

  final DatadogAccount account;
  private final HttpClient http;
  private final Clock clock;
  private final String who;
  private Instant nextAllowed = Instant.MIN;
  /** Why nextAllowed holds requests back ("HTTP 429", a spent budget), or null when it only spaces them. */
  private String limited;

  /** @param http a shared client; not closed here */
  DatadogApi(DatadogAccount account, HttpClient http, Clock clock) {
    this.account = account;
    this.http = http;
    this.clock = clock;
    this.who = "datadog at " + HttpCall.redact(account.api());
    HttpCall.uri(account.api() + SEARCH); // a URL that cannot be used is refused when the probe is opened
  }

  /** Whether the pacing lets a request go now. */
  boolean mayQuery(Instant now) {
    return !now.isBefore(nextAllowed);
  }

  /** Why no request may be sent now when the budget is spent (after a 429), or null. */
  String heldBack(Instant now) {
    if (limited != null && now.isBefore(nextAllowed)) {
      return "datadog rate-limited the log queries (" + limited + "); next query in "
          + Durations.format(Duration.between(now, nextAllowed).plusMillis(999).withNanos(0));
    }
    return null;
  }

  Reply post(String path, ObjectNode body) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(account.api() + path))
        .timeout(account.timeout())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("DD-API-KEY", account.apiKey())
        .header("DD-APPLICATION-KEY", account.applicationKey())
        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
        .build();
    HttpCall.Result r = HttpCall.send(http, req, account.timeout(), who);
    Instant now = clock.instant();
    if (!r.answered()) {
      return new Reply(Outcome.FAILED, null, "cannot query datadog: " + r.failure());
    }
    pace(r, now);
    int status = r.status();
    if (status == 429) {
      return new Reply(Outcome.RATE_LIMITED, null, heldBack(now));
    }
    if (status == 401 || status == 403) {
      return new Reply(Outcome.FAILED, null, "Datadog rejected the API or application key (HTTP " + status
          + " from " + who + "); the application key's user needs the logs_read_data permission");
    }
    JsonNode json = parse(r.body());
    if (status == 400) {
      return new Reply(Outcome.FAILED, null, "datadog refused the query (HTTP 400): " + firstError(json));
    }
    if (status != 200) {
      return new Reply(Outcome.FAILED, null, "cannot query datadog (HTTP " + status + ") at " + HttpCall.redact(account.api()));
    }
    if (json == null || !json.isObject()) {
      return new Reply(Outcome.FAILED, null, who + " answered HTTP 200 with a body that is not JSON");
    }
    return new Reply(Outcome.OK, json, "");
  }

  private void pace(HttpCall.Result r, Instant now) {
    OptionalLong reset = number(r, "X-RateLimit-Reset");
    OptionalLong remaining = number(r, "X-RateLimit-Remaining");
    Duration untilReset = reset.isPresent() ? Duration.ofSeconds(Math.max(1, reset.getAsLong())) : null;
    limited = r.status() == 429 ? "HTTP 429"
        : remaining.isPresent() && remaining.getAsLong() <= 0 ? "no request left in this period" : null;
    if (limited != null) {
      nextAllowed = now.plus(untilReset != null ? untilReset : DEFAULT_BACK_OFF);
    } else if (untilReset != null && remaining.isPresent()) {
      nextAllowed = now.plus(untilReset.dividedBy(remaining.getAsLong()));
    } else {
      nextAllowed = Instant.MIN;
    }
  }

  private static OptionalLong number(HttpCall.Result r, String header) {
    try {
      return r.header(header).map(v -> OptionalLong.of(Long.parseLong(v.trim()))).orElse(OptionalLong.empty());
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Datadog's {@code {"errors": ["..."]}}, first line, bounded; "no detail" when absent. */
  static String firstError(JsonNode json) {
    JsonNode e = json == null ? null : json.path("errors").path(0);
    String text = e == null || e.isMissingNode() ? "" : e.isTextual() ? e.asText() : e.path("detail").asText("");
    String line = text.strip().lines().findFirst().orElse("");
    if (line.isEmpty()) {
      return "no detail";
    }
    return line.length() > 200 ? line.substring(0, 197) + "..." : line;
  }

  static JsonNode parse(String body) {
    try {
      return body == null || body.isEmpty() ? null : JSON.readTree(body);
    } catch (Exception e) {
      return null;
    }
  }

  /** The {@code filter} object every query sends: query, time window and the indexes searched. */
  static ObjectNode filter(ObjectNode parent, String query, Instant from, Instant to, List<String> indexes) {
    ObjectNode f = parent.putObject("filter");
    f.put("query", query);
    f.put("from", from.toString());
    f.put("to", to.toString());
    ArrayNode ix = f.putArray("indexes");
    (indexes.isEmpty() ? List.of("*") : indexes).forEach(ix::add);
    f.put("storage_tier", "indexes");
    return f;
  }
}
