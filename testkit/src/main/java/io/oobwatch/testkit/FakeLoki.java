package io.oobwatch.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import io.oobwatch.testkit.LoopbackHttp.Request;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A loopback Grafana Loki that follows its HTTP API reference for what oobwatch uses: {@code POST
 * /loki/api/v1/push} (JSON streams, entries {@code [ns, line]} or {@code [ns, line, {structured
 * metadata}]}, 204) and {@code GET /loki/api/v1/query_range} ({@code query}, {@code start}/{@code
 * end} in nanoseconds, {@code limit}, {@code direction}; the {@code streams} result with structured
 * metadata shown among the stream's labels, as Loki does without categorize-labels). Queries are
 * parsed as a LogQL subset (a stream selector with {@code = != =~ !~} matchers, then {@code |=},
 * {@code !=} and {@code |~} (regular expression, found anywhere in the line) line filters and
 * {@code | key="value"} / {@code | key=~"regex"} label filters); anything else is Loki's 400
 * "parse error". The query limits are Loki's defaults: {@code max_query_length} 721h and {@code
 * max_entries_limit_per_query} 5000, answered with Loki's 400 texts. Tenants ({@code
 * X-Scope-OrgID}) are kept apart; credentials are checked as the gateway in front of Loki would
 * (401).
 */
public final class FakeLoki implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration MAX_QUERY_LENGTH = Duration.ofHours(721);
  static final int MAX_ENTRIES = 5000;

  /** One stored entry: its tenant, labels (stream labels plus structured metadata) and line. */
  public record Entry(String tenant, Map<String, String> stream, Map<String, String> metadata, long nanos, String line) {}

  private final LoopbackHttp http;
  private final String tenant;
  private final String authorization;
  private final List<Entry> entries = new CopyOnWriteArrayList<>();
  private volatile boolean dropping;
  private volatile int status;
  private volatile String statusBody = "";
  private volatile String retryAfter;

  private FakeLoki(String tenant, String authorization) {
    this.tenant = tenant;
    this.authorization = authorization;
    this.http = LoopbackHttp.start(this::answer);
  }

  /** A Loki with no auth and no tenant (single-tenant, auth_enabled: false). */
  public static FakeLoki open() {
    return new FakeLoki(null, null);
  }

  /** A Loki behind a gateway that wants {@code X-Scope-OrgID: tenant} and this Basic auth. */
  public static FakeLoki basic(String tenant, String user, String password) {
    return new FakeLoki(tenant, "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
  }

  /** A Loki behind a gateway that wants {@code X-Scope-OrgID: tenant} and this bearer token. */
  public static FakeLoki bearer(String tenant, String token) {
    return new FakeLoki(tenant, "Bearer " + token);
  }

  public String url() {
    return http.url();
  }

  public List<Request> requests() {
    return http.requests();
  }

  /** Every entry stored so far. */
  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** Stores a line as a shipper would have pushed it. */
  public void add(Map<String, String> stream, long nanos, String line) {
    entries.add(new Entry(tenant, Map.copyOf(stream), Map.of(), nanos, line));
  }

  /** While true, pushes are acknowledged (204) but nothing is stored: the ingestion path loses lines. */
  public void dropPushes(boolean drop) {
    dropping = drop;
  }

  /** From now on every request is answered with this status and body (0 = answer normally). */
  public void answerEverything(int httpStatus, String body) {
    retryAfter = null;
    statusBody = body;
    status = httpStatus;
  }

  /**
   * From now on every request is answered 429 with this body and {@code Retry-After: seconds}, as a
   * gateway in front of Loki (nginx, Grafana Cloud's) may send; Loki itself sends no Retry-After.
   */
  public void rateLimit(String body, long seconds) {
    retryAfter = Long.toString(seconds);
    statusBody = body;
    status = 429;
  }

  private Reply answer(Request req) {
    if (status != 0) {
      String wait = retryAfter;
      Reply fixed = new Reply(status, statusBody);
      return wait == null ? fixed : fixed.header("Retry-After", wait);
    }
    if (authorization != null && !authorization.equals(req.header("Authorization"))) {
      return new Reply(401, "Unauthorized");
    }
    if (tenant != null && !tenant.equals(req.header("X-Scope-OrgID"))) {
      return new Reply(401, "no org id");
    }
    if (req.method().equals("POST") && req.path().equals("/loki/api/v1/push")) {
      return push(req);
    }
    if (req.method().equals("GET") && req.path().equals("/loki/api/v1/query_range")) {
      return queryRange(req);
    }
    return new Reply(404, "404 page not found");
  }

  private Reply push(Request req) {
    if (!String.valueOf(req.header("Content-Type")).startsWith("application/json")) {
      return new Reply(415, "unsupported Content-Type; expected application/json");
    }
    List<Entry> batch = new ArrayList<>();
    try {
      JsonNode streams = JSON.readTree(req.body()).path("streams");
      if (!streams.isArray()) {
        return new Reply(400, "loghttp.PushRequest.Streams: ReadArray: expect [ or n, but found");
      }
      for (JsonNode s : streams) {
        Map<String, String> labels = new TreeMap<>();
        s.path("stream").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        if (labels.isEmpty()) {
          return new Reply(400, "error at least one label pair is required per stream");
        }
        for (JsonNode v : s.path("values")) {
          if (!v.isArray() || v.size() < 2 || v.size() > 3 || !v.get(0).isTextual() || !v.get(1).isTextual()) {
            return new Reply(400, "loghttp.PushRequest.Streams: each value is [\"<ns>\", \"<line>\"(, {metadata})]");
          }
          Map<String, String> meta = new TreeMap<>();
          if (v.size() == 3) {
            if (!v.get(2).isObject()) {
              return new Reply(400, "structured metadata must be a JSON object of strings");
            }
            for (var it = v.get(2).fields(); it.hasNext(); ) {
              var e = it.next();
              if (!e.getValue().isTextual()) {
                return new Reply(400, "structured metadata value of " + e.getKey() + " must be a string");
              }
              meta.put(e.getKey(), e.getValue().asText());
            }
          }
          batch.add(new Entry(req.header("X-Scope-OrgID"), labels, meta, Long.parseLong(v.get(0).asText()), v.get(1).asText()));
        }
      }
    } catch (Exception e) {
      return new Reply(400, "loghttp.PushRequest: " + e.getMessage());
    }
    if (!dropping) {
      entries.addAll(batch);
    }
    return new Reply(204, "");
  }

  private Reply queryRange(Request req) {
    Map<String, String> p = params(req.rawQuery());
    String query = p.get("query");
    if (query == null || query.isBlank()) {
      return new Reply(400, "parse error : syntax error: unexpected $end");
    }
    long end = p.containsKey("end") ? Long.parseLong(p.get("end")) : System.currentTimeMillis() * 1_000_000L;
    long start = p.containsKey("start") ? Long.parseLong(p.get("start")) : end - Duration.ofHours(1).toNanos();
    int limit = p.containsKey("limit") ? Integer.parseInt(p.get("limit")) : 100;
    String direction = p.getOrDefault("direction", "backward");
    if (end <= start) {
      return new Reply(400, "end timestamp must not be before or equal to start time");
    }
    if (limit > MAX_ENTRIES) {
      return new Reply(400, "max entries limit per query exceeded, limit > max_entries_limit_per_query (" + limit + " > "
          + MAX_ENTRIES + ")");
    }
    if (!direction.equals("backward") && !direction.equals("forward")) {
      return new Reply(400, "invalid direction '" + direction + "'");
    }
    Duration length = Duration.ofNanos(end - start);
    if (length.compareTo(MAX_QUERY_LENGTH) > 0) {
      return new Reply(400, "the query time range exceeds the limit (query length: " + length.toHours() + "h0m0s, limit: "
          + MAX_QUERY_LENGTH.toHours() + "h0m0s)");
    }
    Query q;
    try {
      q = Query.parse(query);
    } catch (IllegalArgumentException e) {
      return new Reply(400, e.getMessage());
    }
    String asked = req.header("X-Scope-OrgID");
    Comparator<Entry> order = Comparator.comparingLong(Entry::nanos);
    List<Entry> hits = entries.stream()
        .filter(e -> java.util.Objects.equals(e.tenant(), asked) || tenant == null)
        .filter(e -> e.nanos() >= start && e.nanos() < end)
        .filter(q::matches)
        .sorted(direction.equals("backward") ? order.reversed() : order)
        .limit(limit)
        .toList();
    Map<Map<String, String>, ArrayNode> streams = new LinkedHashMap<>();
    ObjectNode root = JSON.createObjectNode().put("status", "success");
    ObjectNode data = root.putObject("data").put("resultType", "streams");
    ArrayNode result = data.putArray("result");
    for (Entry e : hits) {
      Map<String, String> labels = new TreeMap<>(e.stream());
      labels.putAll(e.metadata());
      streams.computeIfAbsent(labels, l -> {
        ObjectNode s = result.addObject();
        ObjectNode sl = s.putObject("stream");
        l.forEach(sl::put);
        return s.putArray("values");
      }).addArray().add(Long.toString(e.nanos())).add(e.line());
    }
    data.putObject("stats").putObject("summary").put("totalEntriesReturned", hits.size());
    return new Reply(200, root.toString());
  }

  private static Map<String, String> params(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
      out.put(k, eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public void close() {
    http.close();
  }

  /** The LogQL subset: a stream selector, then line filters and label filters. */
  record Query(
      List<Matcher> selector, List<Matcher> labelFilters, List<String> contains, List<String> excludes,
      List<Pattern> found) {
    record Matcher(String name, String op, String value) {
      boolean test(Map<String, String> labels) {
        String v = labels.getOrDefault(name, "");
        switch (op) {
          case "=":
            return v.equals(value);
          case "!=":
            return !v.equals(value);
          case "=~":
            return Pattern.compile(value).matcher(v).matches();
          default:
            return !Pattern.compile(value).matcher(v).matches();
        }
      }
    }

    boolean matches(Entry e) {
      Map<String, String> all = new TreeMap<>(e.stream());
      all.putAll(e.metadata());
      return selector.stream().allMatch(m -> m.test(e.stream()))
          && labelFilters.stream().allMatch(m -> m.test(all))
          && contains.stream().allMatch(e.line()::contains)
          && excludes.stream().noneMatch(e.line()::contains)
          && found.stream().allMatch(p -> p.matcher(e.line()).find());
    }

    static Query parse(String q) {
      Lexer l = new Lexer(q);
      List<Matcher> selector = new ArrayList<>();
      l.expect("{");
      do {
        String name = l.identifier();
        String op = l.operator("=", "!=", "=~", "!~");
        selector.add(new Matcher(name, op, l.string()));
      } while (l.accept(","));
      l.expect("}");
      if (selector.stream().allMatch(m -> m.test(Map.of()))) { // every matcher also matches a missing label
        throw new IllegalArgumentException("parse error : queries require at least one regexp or equality matcher that"
            + " does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement,"
            + " but app=~\".+\" will");
      }
      List<Matcher> labels = new ArrayList<>();
      List<String> contains = new ArrayList<>();
      List<String> excludes = new ArrayList<>();
      List<Pattern> found = new ArrayList<>();
      while (!l.atEnd()) {
        if (l.accept("|=")) {
          contains.add(l.string());
        } else if (l.accept("|~")) {
          found.add(Pattern.compile(l.string()));
        } else if (l.accept("!=")) {
          excludes.add(l.string());
        } else if (l.accept("|")) {
          String name = l.identifier();
          String op = l.operator("=", "!=", "=~", "!~");
          labels.add(new Matcher(name, op, l.string()));
        } else {
          throw l.unexpected();
        }
      }
      return new Query(selector, labels, contains, excludes, found);
    }
  }

  /** Tokens of the subset, with Loki's error text and 1-based column on a mistake. */
  private static final class Lexer {
    private final String s;
    private int i;

    Lexer(String s) {
      this.s = s;
    }

    private void skip() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    boolean atEnd() {
      skip();
      return i >= s.length();
    }

    boolean accept(String token) {
      skip();
      if (s.startsWith(token, i)) {
        i += token.length();
        return true;
      }
      return false;
    }

    void expect(String token) {
      if (!accept(token)) {
        throw unexpected();
      }
    }

    String operator(String... ops) {
      skip();
      // longest first: "=~" before "="
      String best = null;
      for (String op : ops) {
        if (s.startsWith(op, i) && (best == null || op.length() > best.length())) {
          best = op;
        }
      }
      if (best == null) {
        throw unexpected();
      }
      i += best.length();
      return best;
    }

    String identifier() {
      skip();
      int start = i;
      while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
        i++;
      }
      if (start == i || Character.isDigit(s.charAt(start))) {
        i = start;
        throw unexpected();
      }
      return s.substring(start, i);
    }

    String string() {
      skip();
      if (i >= s.length() || s.charAt(i) != '"') {
        throw unexpected();
      }
      StringBuilder out = new StringBuilder();
      int j = i + 1;
      while (j < s.length() && s.charAt(j) != '"') {
        char c = s.charAt(j);
        if (c == '\\' && j + 1 < s.length()) {
          j++;
          c = s.charAt(j);
        }
        out.append(c);
        j++;
      }
      if (j >= s.length()) {
        throw unexpected();
      }
      i = j + 1;
      return out.toString();
    }

    IllegalArgumentException unexpected() {
      skip();
      String what = i >= s.length() ? "$end" : String.valueOf(s.charAt(i));
      return new IllegalArgumentException("parse error at line 1, col " + (i + 1) + ": syntax error: unexpected " + what);
    }
  }
}
