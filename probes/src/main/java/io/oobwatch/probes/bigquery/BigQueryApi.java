package io.oobwatch.probes.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oobwatch.probes.QueryBytes;
import io.oobwatch.probes.canary.Durations;
import io.oobwatch.probes.http.HttpCall;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * BigQuery's REST API as oobwatch uses it: {@code jobs.query} ({@code POST
 * /bigquery/v2/projects/{p}/queries}, standard SQL, named parameters, {@code maximumBytesBilled}
 * always set) and, while the job is not complete, {@code jobs.getQueryResults} ({@code GET
 * .../queries/{jobId}}) until it is or the poll's budget ({@code timeout}) is spent; a bearer token
 * from the service account. Every answer is sorted into usable, limited, rejected and failed.
 *
 * <p>Limited: HTTP 429, or an error whose reason is {@code rateLimitExceeded} or {@code
 * quotaExceeded} (BigQuery sends those with 403). The answer is late, not missing: callers say so,
 * and no query is sent for {@link #HOLD_BACK} (or the Retry-After BigQuery sent). Rejected: 401, any
 * other 403, or the token endpoint refusing the account. Failed: 5xx, {@code
 * bytesBilledLimitExceeded} (with what to raise), a bad query, no answer in time.
 */
final class BigQueryApi {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration HOLD_BACK = Duration.ofSeconds(30);
  /** At most this many getQueryResults calls per query; each waits server-side for the rest of the budget. */
  static final int MAX_FOLLOW_UPS = 10;
  /** On-demand pricing bills at least this much for a query. */
  static final long MINIMUM_BILLED = 10L << 20;
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

  enum Outcome {
    OK,
    LIMITED,
    REJECTED,
    FAILED
  }

  /**
   * An answer: the rows (each the list of its cells' {@code v}) when OK, else {@code reason} in words
   * for the person paged; {@code bytes} what the query cost when it ran (null when it did not).
   */
  record Reply(Outcome outcome, List<List<JsonNode>> rows, QueryBytes bytes, String reason) {
    static Reply not(Outcome outcome, String reason) {
      return new Reply(outcome, List.of(), null, reason);
    }
  }

  private final BigQueryConfig cfg;
  private final HttpClient http;
  private final Clock clock;
  private final GoogleToken token;
  final String who;
  private Instant heldUntil = Instant.MIN;
  private String heldBecause = "";

  BigQueryApi(BigQueryConfig cfg, HttpClient http, Clock clock) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.http = Objects.requireNonNull(http, "http");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.token = new GoogleToken(cfg.account(), http, cfg.timeout());
    this.who = cfg.who();
    HttpCall.uri(cfg.url()); // fail at start on a URL that cannot be one
  }

  /** Why no query may be sent now (a rate limit's hold-back), or null. */
  String heldBack(Instant now) {
    return now.isBefore(heldUntil)
        ? heldBecause + "; next query in " + Durations.format(Duration.between(now, heldUntil)) : null;
  }

  /** A named scalar parameter ({@code STRING}, {@code TIMESTAMP}, ...). */
  static ObjectNode param(String name, String type, String value) {
    ObjectNode p = JSON.createObjectNode().put("name", name);
    p.putObject("parameterType").put("type", type);
    p.putObject("parameterValue").put("value", value);
    return p;
  }

  /** A named {@code ARRAY<STRING>} parameter. */
  static ObjectNode strings(String name, List<String> values) {
    ObjectNode p = JSON.createObjectNode().put("name", name);
    ObjectNode type = p.putObject("parameterType").put("type", "ARRAY");
    type.putObject("arrayType").put("type", "STRING");
    ArrayNode array = p.putObject("parameterValue").putArray("arrayValues");
    values.forEach(v -> array.addObject().put("value", v));
    return p;
  }

  /** A TIMESTAMP parameter's value, as BigQuery writes timestamps: {@code 2026-12-01 01:30:00.000000+00:00}. */
  static String timestamp(Instant t) {
    return TIMESTAMP.format(t);
  }

  /** Runs one standard-SQL query with named parameters, following it up until complete or out of budget. */
  Reply query(String sql, List<ObjectNode> params) {
    Instant start = clock.instant();
    String held = heldBack(start);
    if (held != null) {
      return Reply.not(Outcome.LIMITED, held);
    }
    Instant deadline = start.plus(cfg.timeout());
    GoogleToken.Grant grant = token.get(start);
    if (!grant.ok()) {
      return Reply.not(grant.rejected() ? Outcome.REJECTED : Outcome.FAILED, grant.reason());
    }
    ObjectNode body = JSON.createObjectNode()
        .put("query", sql)
        .put("useLegacySql", false)
        .put("parameterMode", "NAMED")
        .put("maximumBytesBilled", Long.toString(cfg.maximumBytesBilled()))
        .put("timeoutMs", waitMs(deadline))
        .put("useQueryCache", false);
    if (cfg.location() != null) {
      body.put("location", cfg.location());
    }
    body.putObject("formatOptions").put("useInt64Timestamp", true);
    ArrayNode ps = body.putArray("queryParameters");
    params.forEach(ps::add);
    HttpRequest req = request("/queries", grant.token()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
    Answer a = judge(HttpCall.send(http, req, cfg.timeout(), who), "query");
    if (a.failure() != null) {
      return a.failure();
    }
    JsonNode answer = a.body();
    long billed = answer.path("totalBytesBilled").asLong(-1);
    for (int i = 0; !answer.path("jobComplete").asBoolean(false); i++) {
      JsonNode job = answer.path("jobReference");
      String jobId = job.path("jobId").asText("");
      if (jobId.isEmpty()) {
        return Reply.not(Outcome.FAILED, who + " answered an incomplete query without a jobReference");
      }
      if (i >= MAX_FOLLOW_UPS || !clock.instant().isBefore(deadline)) {
        return Reply.not(Outcome.FAILED, who + ": query job " + jobId + " did not complete within "
            + Durations.format(cfg.timeout()) + " (slots busy?); raise timeout if it keeps happening");
      }
      String location = job.path("location").asText(cfg.location() == null ? "" : cfg.location());
      String query = "?timeoutMs=" + waitMs(deadline) + "&formatOptions.useInt64Timestamp=true"
          + (location.isEmpty() ? "" : "&location=" + URLEncoder.encode(location, StandardCharsets.UTF_8));
      HttpRequest get = request("/queries/" + URLEncoder.encode(jobId, StandardCharsets.UTF_8) + query, grant.token())
          .GET().build();
      a = judge(HttpCall.send(http, get, cfg.timeout(), who), "query results");
      if (a.failure() != null) {
        return a.failure();
      }
      answer = a.body();
    }
    long processed = answer.path("totalBytesProcessed").asLong(0);
    if (billed < 0) {
      // getQueryResults does not say what was billed: on-demand pricing's rule
      billed = processed == 0 && answer.path("cacheHit").asBoolean(false) ? 0
          : Math.max(MINIMUM_BILLED, ((processed + (1 << 20) - 1) >> 20) << 20);
    }
    List<List<JsonNode>> rows = new ArrayList<>();
    for (JsonNode row : answer.path("rows")) {
      List<JsonNode> cells = new ArrayList<>();
      row.path("f").forEach(cell -> cells.add(cell.path("v")));
      rows.add(cells);
    }
    return new Reply(Outcome.OK, rows, new QueryBytes(processed, billed), "");
  }

  private HttpRequest.Builder request(String path, String bearer) {
    String base = cfg.url() + "/bigquery/v2/projects/" + URLEncoder.encode(cfg.project(), StandardCharsets.UTF_8);
    return HttpRequest.newBuilder(HttpCall.uri(base + path)).timeout(cfg.timeout())
        .header("Authorization", "Bearer " + bearer);
  }

  /** How long BigQuery may wait server-side before answering: the budget left, less a margin for the answer. */
  private long waitMs(Instant deadline) {
    long left = Duration.between(clock.instant(), deadline).toMillis() - 500;
    return Math.max(100, Math.min(left, cfg.timeout().toMillis()));
  }

  /** An answer's JSON when usable, else the failure saying why not. */
  private record Answer(JsonNode body, Reply failure) {
    static Answer not(Outcome outcome, String reason) {
      return new Answer(null, Reply.not(outcome, reason));
    }
  }

  private Answer judge(HttpCall.Result r, String what) {
    if (!r.answered()) {
      return Answer.not(Outcome.FAILED, r.failure());
    }
    JsonNode body;
    try {
      body = JSON.readTree(r.body());
    } catch (Exception e) {
      body = null;
    }
    int status = r.status();
    if (status == 200) {
      return body != null && body.isObject() ? new Answer(body, null)
          : Answer.not(Outcome.FAILED, who + " answered the " + what + " with a body that is not JSON");
    }
    JsonNode error = body == null ? JSON.createObjectNode() : body.path("error");
    String reason = error.path("errors").path(0).path("reason").asText("");
    String message = error.path("message").asText("");
    String answered = "HTTP " + status + (reason.isEmpty() ? "" : " " + reason) + (message.isEmpty() ? "" : ": "
        + (message.length() > 160 ? message.substring(0, 160) + "..." : message));
    String said = " (" + answered + ")";
    if (reason.equals("bytesBilledLimitExceeded")) {
      return Answer.not(Outcome.FAILED, who + " refused the " + what + ": it would bill more than maximum_bytes_billed ("
          + cfg.maximumBytesBilled() + " bytes)" + said + "; check that timestamp_column is the table's partition"
          + " column, or raise maximum_bytes_billed");
    }
    if (status == 429 || reason.equals("rateLimitExceeded") || reason.equals("quotaExceeded")) {
      Instant now = clock.instant();
      Duration wait = r.header("Retry-After").map(BigQueryApi::seconds).orElse(HOLD_BACK);
      heldUntil = now.plus(wait);
      heldBecause = who + " limited the " + what + said;
      return Answer.not(Outcome.LIMITED, heldBecause);
    }
    if (status == 401 || status == 403) {
      token.discard();
      return Answer.not(Outcome.REJECTED, who + " rejected service account " + cfg.account().clientEmail() + said
          + "; it needs roles/bigquery.jobUser on the project and roles/bigquery.dataViewer on the table");
    }
    return Answer.not(Outcome.FAILED, who + " answered the " + what + " with " + answered);
  }

  private static Duration seconds(String retryAfter) {
    try {
      long s = Long.parseLong(retryAfter.strip());
      return s > 0 && s < 3600 ? Duration.ofSeconds(s) : HOLD_BACK;
    } catch (NumberFormatException e) {
      return HOLD_BACK;
    }
  }
}
