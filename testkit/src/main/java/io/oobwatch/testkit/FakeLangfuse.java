package io.oobwatch.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import io.oobwatch.testkit.LoopbackHttp.Request;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A loopback Langfuse project that follows its public API reference for what oobwatch uses:
 *
 * <ul>
 *   <li>{@code POST /api/public/otel/v1/traces}, OTLP/HTTP JSON ({@code Content-Type:
 *       application/json}; protobuf is refused with 415 here): {@code resourceSpans[].scopeSpans[]
 *       .spans[]} with a 32-hex {@code traceId}, a 16-hex {@code spanId}, {@code name} and unix-nano
 *       start/end times; a malformed export is a 400. Answers 200 with an empty {@code
 *       ExportTraceServiceResponse}, or {@code partialSuccess} when told to reject spans. Trace name
 *       and tags come from {@code langfuse.trace.name} and {@code langfuse.trace.tags}.
 *   <li>{@code GET /api/public/v2/observations} ({@code traceId}, {@code fields}, {@code limit} 1–1000,
 *       {@code cursor}, {@code fromStartTime}/{@code toStartTime}): {@code {data, meta: {cursor}}}.
 *       A {@linkplain #selfHostedV3 self-hosted v3} has no such route: 404.
 *   <li>{@code GET /api/public/traces/{id}}: the trace with its observations, 404 until ingested.
 *   <li>{@code GET /api/public/traces} ({@code page}, {@code limit} 1–100, {@code orderBy}, {@code
 *       fromTimestamp}/{@code toTimestamp}, {@code name}, {@code tags}, {@code fields}, and {@code
 *       filter} with {@code arrayOptions} on tags): {@code {data, meta: {page, limit, totalItems,
 *       totalPages}}}.
 * </ul>
 *
 * <p>Every request needs Basic auth with the project's public key as user and secret key as
 * password (401 otherwise). An exported trace becomes readable only {@link #ingestionDelay} after
 * it was accepted, on the fake's clock, as Langfuse's queue and worker take it in; {@link
 * #stallWorker} keeps accepted traces in the queue (the worker is stuck) until it is let go.
 */
public final class FakeLangfuse implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");
  private static final Pattern ORDER_BY = Pattern.compile(
      "(id|timestamp|name|userId|release|version|public|bookmarked|sessionId)\\.(asc|desc)");
  private static final Set<String> V2_FIELDS = Set.of("core", "basic", "time", "io", "metadata", "model", "usage",
      "prompt", "metrics", "trace_context");

  /** One span as ingested: an observation of its trace. */
  public record Span(String traceId, String spanId, String name, Instant start, Instant end, Map<String, Object> attributes) {}

  /** One trace: its spans, and when the worker made it readable (null while queued). */
  public record Trace(String id, String name, List<String> tags, Instant timestamp, List<Span> spans, Instant readableAt) {
    boolean readable(Instant now) {
      return readableAt != null && !now.isBefore(readableAt);
    }
  }

  private final LoopbackHttp http;
  private final String authorization;
  private final boolean v2;
  private final Clock clock;
  private final List<Trace> traces = new CopyOnWriteArrayList<>();
  private volatile Duration ingestionDelay = Duration.ofSeconds(1);
  private volatile boolean stalled;
  private volatile int failStatus;
  private volatile String failMessage = "";
  private volatile boolean readsOnly;
  private volatile String partialError;
  private volatile String rejectSpans;

  private FakeLangfuse(String publicKey, String secretKey, boolean v2, Clock clock) {
    this.authorization = "Basic " + Base64.getEncoder()
        .encodeToString((publicKey + ":" + secretKey).getBytes(StandardCharsets.UTF_8));
    this.v2 = v2;
    this.clock = clock;
    this.http = LoopbackHttp.start(this::answer);
  }

  /** A current Langfuse (Cloud, self-hosted v4+): both read API generations, on the system clock. */
  public static FakeLangfuse start(String publicKey, String secretKey) {
    return new FakeLangfuse(publicKey, secretKey, true, Clock.systemUTC());
  }

  /** A current Langfuse whose ingestion delay runs on {@code clock}. */
  public static FakeLangfuse start(String publicKey, String secretKey, Clock clock) {
    return new FakeLangfuse(publicKey, secretKey, true, clock);
  }

  /** A self-hosted Langfuse v3: the v1 read API only ({@code /api/public/v2/observations} is a 404). */
  public static FakeLangfuse selfHostedV3(String publicKey, String secretKey, Clock clock) {
    return new FakeLangfuse(publicKey, secretKey, false, clock);
  }

  public String url() {
    return http.url();
  }

  public List<Request> requests() {
    return http.requests();
  }

  /** Every trace accepted so far, readable or not. */
  public List<Trace> traces() {
    return List.copyOf(traces);
  }

  /** How long after acceptance an exported trace becomes readable (1 s unless set). */
  public void ingestionDelay(Duration delay) {
    ingestionDelay = delay;
  }

  /**
   * While true, exports are accepted (200) but the worker takes nothing from the queue; when let go,
   * the queued traces become readable one ingestion delay later.
   */
  public synchronized void stallWorker(boolean stall) {
    stalled = stall;
    if (!stall) {
      Instant at = clock.instant().plus(ingestionDelay);
      traces.replaceAll(t -> t.readableAt() == null ? new Trace(t.id(), t.name(), t.tags(), t.timestamp(), t.spans(), at) : t);
    }
  }

  /** From now on every request is answered with this status and a Langfuse error body (0 = answer normally). */
  public void failWith(int status, String message) {
    failMessage = message;
    readsOnly = false;
    failStatus = status;
  }

  /** From now on the read API answers with this status (0 = normally); exports still work. */
  public void failReads(int status, String message) {
    failMessage = message;
    readsOnly = true;
    failStatus = status;
  }

  /** While not null, reads answer 207 with their data and this error in {@code errors}. */
  public void answerPartially(String error) {
    partialError = error;
  }

  /** While not null, exports answer 200 with {@code partialSuccess} rejecting every span with this message. */
  public void rejectSpans(String message) {
    rejectSpans = message;
  }

  /** A trace the application sent (real traffic), readable at once. */
  public void addTrace(String id, String name, Instant timestamp, List<String> tags) {
    traces.add(new Trace(id, name, List.copyOf(tags), timestamp, List.of(), timestamp));
  }

  private Reply answer(Request req) {
    boolean read = req.method().equals("GET");
    if (failStatus != 0 && (read || !readsOnly)) {
      return error(failStatus, failMessage);
    }
    if (!authorization.equals(req.header("Authorization"))) {
      return error(401, "Invalid credentials. Confirm that you've configured the correct host.");
    }
    String path = req.path();
    Map<String, String> q = params(req.rawQuery());
    try {
      if (path.equals("/api/public/otel/v1/traces")) {
        return req.method().equals("POST") ? export(req) : error(405, "Method not allowed");
      }
      if (!read && path.startsWith("/api/public/")) {
        return error(405, "Method not allowed");
      }
      Reply reply;
      if (path.equals("/api/public/v2/observations") && v2) {
        reply = observations(q);
      } else if (path.equals("/api/public/traces")) {
        reply = listTraces(q);
      } else if (path.startsWith("/api/public/traces/") && path.length() > "/api/public/traces/".length()) {
        reply = getTrace(path.substring("/api/public/traces/".length()));
      } else {
        return error(404, "Route not found");
      }
      String partial = partialError;
      if (partial != null && reply.status() == 200) {
        ObjectNode body = (ObjectNode) JSON.readTree(reply.body());
        body.putArray("errors").addObject().put("status", 500).put("message", partial);
        return new Reply(207, body.toString());
      }
      return reply;
    } catch (BadRequest e) {
      return error(400, e.getMessage());
    } catch (Exception e) {
      return error(500, "Internal Server Error: " + e);
    }
  }

  private static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
    }
  }

  private Reply export(Request req) throws Exception {
    String type = String.valueOf(req.header("Content-Type"));
    if (!type.startsWith("application/json")) {
      return error(415, "Unsupported content type " + type + "; this fake takes OTLP/HTTP JSON (application/json)");
    }
    JsonNode root;
    try {
      root = JSON.readTree(req.body());
    } catch (Exception e) {
      throw new BadRequest("Invalid JSON: " + e.getMessage());
    }
    JsonNode resourceSpans = root.path("resourceSpans");
    if (!resourceSpans.isArray()) {
      throw new BadRequest("Invalid request: resourceSpans must be an array");
    }
    List<Span> spans = new ArrayList<>();
    for (JsonNode rs : resourceSpans) {
      for (JsonNode ss : rs.path("scopeSpans")) {
        for (JsonNode s : ss.path("spans")) {
          spans.add(span(s));
        }
      }
    }
    if (rejectSpans != null) {
      ObjectNode out = JSON.createObjectNode();
      out.putObject("partialSuccess").put("rejectedSpans", Integer.toString(spans.size())).put("errorMessage", rejectSpans);
      return new Reply(200, out.toString());
    }
    Instant now = clock.instant();
    synchronized (this) {
      Instant readableAt = stalled ? null : now.plus(ingestionDelay);
      Map<String, List<Span>> byTrace = new LinkedHashMap<>();
      spans.forEach(s -> byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s));
      byTrace.forEach((id, list) -> {
        Span first = list.get(0);
        Object tags = first.attributes().getOrDefault("langfuse.trace.tags", List.of());
        List<String> tagList = tags instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(tags));
        String name = String.valueOf(first.attributes().getOrDefault("langfuse.trace.name", first.name()));
        Instant ts = list.stream().map(Span::start).min(Comparator.naturalOrder()).orElseThrow();
        traces.add(new Trace(id, name, tagList, ts, List.copyOf(list), readableAt));
      });
    }
    return new Reply(200, "{}");
  }

  private static Span span(JsonNode s) {
    String traceId = s.path("traceId").asText("");
    String spanId = s.path("spanId").asText("");
    if (!TRACE_ID.matcher(traceId).matches() || traceId.chars().allMatch(c -> c == '0')) {
      throw new BadRequest("Invalid span: traceId must be 32 lower-case hex digits, not all zero; found \"" + traceId + "\"");
    }
    if (!SPAN_ID.matcher(spanId).matches() || spanId.chars().allMatch(c -> c == '0')) {
      throw new BadRequest("Invalid span: spanId must be 16 lower-case hex digits, not all zero; found \"" + spanId + "\"");
    }
    if (!s.path("name").isTextual()) {
      throw new BadRequest("Invalid span: name is required");
    }
    Instant start = unixNanos(s, "startTimeUnixNano");
    Instant end = unixNanos(s, "endTimeUnixNano");
    Map<String, Object> attrs = new TreeMap<>();
    for (JsonNode kv : s.path("attributes")) {
      attrs.put(kv.path("key").asText(), value(kv.path("value")));
    }
    return new Span(traceId, spanId, s.path("name").asText(), start, end, attrs);
  }

  private static Instant unixNanos(JsonNode s, String field) {
    JsonNode n = s.path(field);
    try {
      long nanos = n.isTextual() ? Long.parseLong(n.asText()) : n.isIntegralNumber() ? n.asLong() : -1;
      if (nanos <= 0) {
        throw new NumberFormatException();
      }
      return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    } catch (NumberFormatException e) {
      throw new BadRequest("Invalid span: " + field + " must be unix nanoseconds; found " + n);
    }
  }

  /** An OTLP {@code AnyValue} as a plain value. */
  private static Object value(JsonNode v) {
    if (v.has("stringValue")) {
      return v.get("stringValue").asText();
    }
    if (v.has("boolValue")) {
      return v.get("boolValue").asBoolean();
    }
    if (v.has("intValue")) {
      return Long.parseLong(v.get("intValue").asText());
    }
    if (v.has("doubleValue")) {
      return v.get("doubleValue").asDouble();
    }
    if (v.has("arrayValue")) {
      List<Object> out = new ArrayList<>();
      v.get("arrayValue").path("values").forEach(x -> out.add(value(x)));
      return out;
    }
    throw new BadRequest("Invalid attribute value: " + v);
  }

  private Stream<Trace> readable() {
    Instant now = clock.instant();
    return traces.stream().filter(t -> t.readable(now));
  }

  private Reply observations(Map<String, String> q) {
    int limit = integer(q, "limit", 50, 1, 1000);
    for (String f : q.getOrDefault("fields", "core,basic").split(",")) {
      if (!V2_FIELDS.contains(f.strip())) {
        throw new BadRequest("Invalid field group \"" + f + "\"; available: " + new java.util.TreeSet<>(V2_FIELDS));
      }
    }
    Instant from = time(q, "fromStartTime");
    Instant to = time(q, "toStartTime");
    int offset = 0;
    if (q.containsKey("cursor")) {
      try {
        offset = Integer.parseInt(new String(Base64.getDecoder().decode(q.get("cursor")), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new BadRequest("Invalid cursor");
      }
    }
    String traceId = q.get("traceId");
    List<Span> hits = readable()
        .filter(t -> traceId == null || t.id().equals(traceId))
        .flatMap(t -> t.spans().stream())
        .filter(s -> from == null || !s.start().isBefore(from))
        .filter(s -> to == null || s.start().isBefore(to))
        .sorted(Comparator.comparing(Span::start).reversed())
        .toList();
    ObjectNode out = JSON.createObjectNode();
    ArrayNode data = out.putArray("data");
    hits.stream().skip(offset).limit(limit).forEach(s -> observation(data.addObject(), s));
    ObjectNode meta = out.putObject("meta");
    if (hits.size() > offset + limit) {
      meta.put("cursor", Base64.getEncoder().encodeToString(Integer.toString(offset + limit).getBytes(StandardCharsets.UTF_8)));
    }
    return new Reply(200, out.toString());
  }

  private static void observation(ObjectNode o, Span s) {
    o.put("id", s.spanId());
    o.put("traceId", s.traceId());
    o.put("type", "SPAN");
    o.put("name", s.name());
    o.put("startTime", s.start().toString());
    o.put("endTime", s.end().toString());
    o.putNull("parentObservationId");
    o.put("level", "DEFAULT");
    o.put("projectId", "fake-project");
  }

  private Reply getTrace(String id) {
    Trace t = readable().filter(x -> x.id().equals(id)).findFirst().orElse(null);
    if (t == null) {
      return error(404, "Trace " + id + " not found within authorized project");
    }
    ObjectNode out = trace(t);
    ArrayNode observations = out.putArray("observations");
    t.spans().forEach(s -> observation(observations.addObject(), s));
    out.putArray("scores");
    return new Reply(200, out.toString());
  }

  private Reply listTraces(Map<String, String> q) throws Exception {
    int page = integer(q, "page", 1, 1, Integer.MAX_VALUE);
    int limit = integer(q, "limit", 50, 1, 100);
    String orderBy = q.getOrDefault("orderBy", "timestamp.desc");
    if (!ORDER_BY.matcher(orderBy).matches()) {
      throw new BadRequest("Invalid orderBy \"" + orderBy + "\"; expected [field].[asc|desc], e.g. timestamp.asc");
    }
    Instant from = time(q, "fromTimestamp");
    Instant to = time(q, "toTimestamp");
    Comparator<Trace> order = Comparator.comparing(Trace::timestamp);
    if (orderBy.startsWith("name.")) {
      order = Comparator.comparing(Trace::name);
    } else if (orderBy.startsWith("id.")) {
      order = Comparator.comparing(Trace::id);
    }
    if (orderBy.endsWith(".desc")) {
      order = order.reversed();
    }
    var filter = tagFilter(q.get("filter"));
    List<Trace> hits = readable()
        .filter(t -> from == null || !t.timestamp().isBefore(from))
        .filter(t -> to == null || t.timestamp().isBefore(to))
        .filter(t -> !q.containsKey("name") || t.name().equals(q.get("name")))
        .filter(t -> !q.containsKey("tags") || t.tags().contains(q.get("tags")))
        .filter(filter)
        .sorted(order)
        .toList();
    ObjectNode out = JSON.createObjectNode();
    ArrayNode data = out.putArray("data");
    hits.stream().skip((long) (page - 1) * limit).limit(limit).forEach(t -> {
      ObjectNode n = trace(t);
      n.set("observations", JSON.valueToTree(t.spans().stream().map(Span::spanId).toList()));
      n.putArray("scores");
      data.add(n);
    });
    ObjectNode meta = out.putObject("meta");
    meta.put("page", page).put("limit", limit).put("totalItems", hits.size())
        .put("totalPages", (hits.size() + limit - 1) / limit);
    return new Reply(200, out.toString());
  }

  /** Langfuse's {@code filter} JSON, as far as tags go: {@code arrayOptions} on {@code tags}. */
  private static java.util.function.Predicate<Trace> tagFilter(String filter) throws Exception {
    if (filter == null) {
      return t -> true;
    }
    JsonNode conditions;
    try {
      conditions = JSON.readTree(filter);
    } catch (Exception e) {
      throw new BadRequest("Invalid filter: not JSON");
    }
    if (!conditions.isArray()) {
      throw new BadRequest("Invalid filter: expected an array of conditions");
    }
    java.util.function.Predicate<Trace> all = t -> true;
    for (JsonNode c : conditions) {
      if (!"arrayOptions".equals(c.path("type").asText()) || !"tags".equals(c.path("column").asText())
          || !c.path("value").isArray()) {
        throw new BadRequest("Invalid filter condition (this fake knows arrayOptions on tags only): " + c);
      }
      List<String> values = new ArrayList<>();
      c.path("value").forEach(v -> values.add(v.asText()));
      String op = c.path("operator").asText();
      java.util.function.Predicate<Trace> p = switch (op) {
        case "any of" -> t -> values.stream().anyMatch(t.tags()::contains);
        case "none of" -> t -> values.stream().noneMatch(t.tags()::contains);
        case "all of" -> t -> t.tags().containsAll(values);
        default -> throw new BadRequest("Invalid operator \"" + op + "\" for arrayOptions");
      };
      all = all.and(p);
    }
    return all;
  }

  private static ObjectNode trace(Trace t) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", t.id());
    n.put("timestamp", t.timestamp().toString());
    n.put("name", t.name());
    n.set("tags", JSON.valueToTree(t.tags()));
    n.putNull("input");
    n.putNull("output");
    n.putNull("sessionId");
    n.putNull("userId");
    n.putObject("metadata");
    n.put("public", false);
    n.put("environment", "default");
    n.put("htmlPath", "/project/fake-project/traces/" + t.id());
    double latency = t.spans().stream()
        .mapToDouble(s -> Duration.between(s.start(), s.end()).toNanos() / 1e9).max().orElse(0);
    n.put("latency", latency);
    n.put("totalCost", 0.0);
    return n;
  }

  private static int integer(Map<String, String> q, String key, int dflt, int min, int max) {
    if (!q.containsKey(key)) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(q.get(key));
      if (v < min || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new BadRequest("Invalid " + key + " \"" + q.get(key) + "\": expected an integer from " + min + " to " + max);
    }
  }

  private static Instant time(Map<String, String> q, String key) {
    String v = q.get(key);
    if (v == null) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw new BadRequest("Invalid " + key + " \"" + v + "\": expected an ISO 8601 datetime");
    }
  }

  private static Reply error(int status, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("message", message);
    n.put("error", switch (status) {
      case 400 -> "InvalidRequestError";
      case 401 -> "UnauthorizedError";
      case 403 -> "ForbiddenError";
      case 404 -> "LangfuseNotFoundError";
      case 405 -> "MethodNotAllowedError";
      case 429 -> "TooManyRequestsError";
      default -> "InternalServerError";
    });
    return new Reply(status, n.toString());
  }

  private static Map<String, String> params(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String kv : raw.split("&")) {
      String[] p = kv.split("=", 2);
      out.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8), p.length < 2 ? "" : URLDecoder.decode(p[1], StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public void close() {
    http.close();
  }
}
