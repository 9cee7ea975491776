package io.oobwatch.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * Datadog's log intake and log query API (v2) as a loopback HTTP server, checking what Datadog
 * checks: the method and path, {@code DD-API-KEY} (and {@code DD-APPLICATION-KEY} for queries;
 * otherwise 403 with Datadog's {@code {"errors":["Forbidden"]}}), the body's shape, and the query
 * syntax ({@link FakeDatadogQuery}; a query it cannot parse is a 400 with {@code {"errors":[...]}}).
 *
 * <p>Endpoints: {@code POST /api/v2/logs} (intake; a JSON array or object; 202 {@code {}}),
 * {@code POST /api/v2/logs/events/search} ({@code filter.query/from/to/indexes}, {@code
 * page.limit/cursor}, {@code sort}; cursor paging through {@code meta.page.after}) and {@code POST
 * /api/v2/logs/analytics/aggregate} ({@code count}, {@code total} or {@code timeseries} with an
 * {@code interval}). Queries answer with the {@code X-RateLimit-Limit/Period/Remaining/Reset/Name}
 * headers of a calendar-aligned budget, 429 when it is spent.
 *
 * <p>Realism and trouble: an accepted log becomes searchable only after {@link #indexingDelay}
 * (on the fake's clock); {@link #neverIndex} accepts logs at the intake without ever indexing
 * them (an exclusion filter, a full index quota); {@link #rateLimitStorm} answers every query 429;
 * {@link #unavailable} answers every query 503. Thread-safe.
 */
public final class FakeDatadog implements AutoCloseable {
  static final String INTAKE = "/api/v2/logs";
  static final String SEARCH = "/api/v2/logs/events/search";
  static final String AGGREGATE = "/api/v2/logs/analytics/aggregate";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> RESERVED = List.of("ddsource", "ddtags", "hostname", "service", "message", "status");

  private record Stored(String id, String index, Instant timestamp, Instant searchableAt, FakeDatadogQuery.Log log) {}

  private final String apiKey;
  private final String applicationKey;
  private final Clock clock;
  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Stored> logs = new CopyOnWriteArrayList<>();
  private final AtomicInteger searches = new AtomicInteger();
  private final AtomicInteger aggregates = new AtomicInteger();
  private final AtomicInteger intakes = new AtomicInteger();
  private volatile Duration indexingDelay = Duration.ofSeconds(2);
  private volatile boolean neverIndex;
  private volatile boolean storm;
  private volatile boolean unavailable;
  private volatile int limit = 300;
  private volatile Duration period = Duration.ofHours(1);
  private Instant periodStart;
  private int used;

  private FakeDatadog(String apiKey, String applicationKey, Clock clock) throws IOException {
    this.apiKey = apiKey;
    this.applicationKey = applicationKey;
    this.clock = clock;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-datadog");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /** Starts a fake for one organisation's keys on a free loopback port, on {@code clock}. */
  public static FakeDatadog start(String apiKey, String applicationKey, Clock clock) {
    try {
      FakeDatadog fake = new FakeDatadog(apiKey, applicationKey, clock);
      fake.server.start();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException("fake datadog could not bind a loopback port", e);
    }
  }

  /** "http://127.0.0.1:PORT": both the API's and the intake's base URL. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** How long after acceptance a log becomes searchable (2s unless set). */
  public FakeDatadog indexingDelay(Duration delay) {
    this.indexingDelay = delay;
    return this;
  }

  /** Whether accepted logs are never indexed (the intake still answers 202). */
  public FakeDatadog neverIndex(boolean on) {
    this.neverIndex = on;
    return this;
  }

  /** Whether every query is answered 429 (the intake is not rate-limited, as at Datadog). */
  public FakeDatadog rateLimitStorm(boolean on) {
    this.storm = on;
    return this;
  }

  /** Whether every query is answered 503. */
  public FakeDatadog unavailable(boolean on) {
    this.unavailable = on;
    return this;
  }

  /** The query budget: {@code limit} requests per calendar-aligned {@code period} (300 per hour unless set). */
  public synchronized FakeDatadog rateLimit(int limit, Duration period) {
    this.limit = limit;
    this.period = period;
    this.periodStart = null;
    return this;
  }

  /** Stores a log as a forwarder would have sent it, searchable after the indexing delay. */
  public void log(String index, Instant timestamp, Map<String, Object> attributes) {
    store(index, timestamp, new LinkedHashMap<>(attributes));
  }

  /** Search requests received (answered or refused). */
  public int searches() {
    return searches.get();
  }

  /** Aggregate requests received (answered or refused). */
  public int aggregates() {
    return aggregates.get();
  }

  /** Intake requests received (answered or refused). */
  public int intakes() {
    return intakes.get();
  }

  /** Logs accepted, searchable or not. */
  public int accepted() {
    return logs.size();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      switch (path) {
        case INTAKE -> intakes.incrementAndGet();
        case SEARCH -> searches.incrementAndGet();
        case AGGREGATE -> aggregates.incrementAndGet();
        default -> {
          send(ex, 404, errors("Not found"));
          return;
        }
      }
      if (!"POST".equals(ex.getRequestMethod())) {
        send(ex, 405, errors("Method Not Allowed"));
        return;
      }
      boolean query = !path.equals(INTAKE);
      if (!apiKey.equals(ex.getRequestHeaders().getFirst("DD-API-KEY"))
          || (query && !applicationKey.equals(ex.getRequestHeaders().getFirst("DD-APPLICATION-KEY")))) {
        send(ex, 403, errors("Forbidden"));
        return;
      }
      JsonNode body;
      try {
        body = JSON.readTree(decoded(ex));
      } catch (IOException e) {
        send(ex, 400, errors("Malformed JSON"));
        return;
      }
      if (!query) {
        intake(ex, body);
        return;
      }
      if (unavailable) {
        send(ex, 503, errors("Service Unavailable"));
        return;
      }
      if (!budget(ex)) {
        send(ex, 429, errors("Too many requests"));
        return;
      }
      try {
        if (body == null || !body.isObject()) {
          throw new FakeDatadogQuery.Invalid("the body must be a JSON object");
        }
        send(ex, 200, path.equals(SEARCH) ? search(body) : aggregate(body));
      } catch (FakeDatadogQuery.Invalid e) {
        send(ex, 400, errors(e.getMessage()));
      }
    }
  }

  /** The request body, gunzipped or inflated as its Content-Encoding says (the intake takes both). */
  private static byte[] decoded(HttpExchange ex) throws IOException {
    String encoding = String.valueOf(ex.getRequestHeaders().getFirst("Content-Encoding"));
    InputStream in = ex.getRequestBody();
    if (encoding.equalsIgnoreCase("gzip")) {
      in = new GZIPInputStream(in);
    } else if (encoding.equalsIgnoreCase("deflate")) {
      in = new InflaterInputStream(in);
    }
    return in.readAllBytes();
  }

  private void intake(HttpExchange ex, JsonNode body) throws IOException {
    List<JsonNode> items = new ArrayList<>();
    if (body != null && body.isArray()) {
      body.forEach(items::add);
    } else if (body != null && body.isObject()) {
      items.add(body);
    }
    if (items.isEmpty() || items.stream().anyMatch(i -> !i.isObject()) || items.size() > 1000) {
      send(ex, 400, errors("Invalid payload: a log or an array of at most 1000 logs"));
      return;
    }
    for (JsonNode item : items) {
      @SuppressWarnings("unchecked")
      Map<String, Object> attrs = JSON.convertValue(item, LinkedHashMap.class);
      if (!neverIndex) {
        Instant ts = clock.instant();
        Object written = attrs.get("timestamp");
        if (written instanceof String s) {
          try {
            ts = FakeDatadogQuery.time(s, ts);
          } catch (FakeDatadogQuery.Invalid e) {
            // Datadog keeps the intake time when the timestamp cannot be read
          }
        }
        store("main", ts, attrs);
      }
    }
    send(ex, 202, JSON.createObjectNode());
  }

  private void store(String index, Instant timestamp, Map<String, Object> attrs) {
    String tags = String.valueOf(attrs.getOrDefault("ddtags", ""));
    FakeDatadogQuery.Log log = new FakeDatadogQuery.Log(
        str(attrs.get("message")), str(attrs.get("service")), str(attrs.get("hostname")), str(attrs.get("ddsource")),
        attrs.get("status") == null ? "info" : str(attrs.get("status")),
        tags.isEmpty() ? List.of() : List.of(tags.split(",")), attributesOf(attrs));
    logs.add(new Stored(UUID.randomUUID().toString(), index, timestamp, clock.instant().plus(indexingDelay), log));
  }

  private static Map<String, Object> attributesOf(Map<String, Object> attrs) {
    Map<String, Object> out = new LinkedHashMap<>(attrs);
    RESERVED.forEach(out::remove);
    return out;
  }

  private static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  /** Counts a query against the budget and sets the X-RateLimit headers; false when spent. */
  private synchronized boolean budget(HttpExchange ex) {
    Instant now = clock.instant();
    long periodMs = period.toMillis();
    Instant start = Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), periodMs) * periodMs);
    if (!start.equals(periodStart)) {
      periodStart = start;
      used = 0;
    }
    boolean allowed = !storm && used < limit;
    if (allowed) {
      used++;
    }
    long reset = Math.max(1, Duration.between(now, start.plus(period)).toSeconds());
    var h = ex.getResponseHeaders();
    h.set("X-RateLimit-Limit", String.valueOf(limit));
    h.set("X-RateLimit-Period", String.valueOf(period.toSeconds()));
    h.set("X-RateLimit-Remaining", String.valueOf(storm ? 0 : limit - used));
    h.set("X-RateLimit-Reset", String.valueOf(reset));
    h.set("X-RateLimit-Name", "logs_query");
    return allowed;
  }

  private record Window(Predicate<FakeDatadogQuery.Log> query, Instant from, Instant to, List<String> indexes) {}

  private Window window(JsonNode body) {
    JsonNode f = body.path("filter");
    if (!f.isMissingNode() && !f.isObject()) {
      throw new FakeDatadogQuery.Invalid("filter must be an object");
    }
    Instant now = clock.instant();
    Instant from = FakeDatadogQuery.time(f.path("from").asText("now-15m"), now);
    Instant to = FakeDatadogQuery.time(f.path("to").asText("now"), now);
    if (from.isAfter(to)) {
      throw new FakeDatadogQuery.Invalid("filter.from must not be after filter.to");
    }
    List<String> indexes = new ArrayList<>();
    f.path("indexes").forEach(i -> indexes.add(i.asText()));
    String tier = f.path("storage_tier").asText("indexes");
    if (!tier.equals("indexes") && !tier.equals("online-archives") && !tier.equals("flex")) {
      throw new FakeDatadogQuery.Invalid("unknown storage_tier '" + tier + "'");
    }
    return new Window(FakeDatadogQuery.parse(f.path("query").asText("*")), from, to, indexes);
  }

  private List<Stored> matching(Window w) {
    Instant now = clock.instant();
    return logs.stream()
        .filter(s -> !now.isBefore(s.searchableAt()))
        .filter(s -> !s.timestamp().isBefore(w.from()) && s.timestamp().isBefore(w.to()))
        .filter(s -> w.indexes().isEmpty() || w.indexes().contains("*") || w.indexes().contains(s.index()))
        .filter(s -> w.query().test(s.log()))
        .toList();
  }

  private ObjectNode search(JsonNode body) {
    Window w = window(body);
    int pageLimit = body.path("page").path("limit").asInt(10);
    if (pageLimit < 1 || pageLimit > 5000) {
      throw new FakeDatadogQuery.Invalid("page.limit must be between 1 and 5000");
    }
    String sort = body.path("sort").asText("timestamp");
    if (!sort.equals("timestamp") && !sort.equals("-timestamp")) {
      throw new FakeDatadogQuery.Invalid("sort must be timestamp or -timestamp");
    }
    int offset = 0;
    String cursor = body.path("page").path("cursor").asText(null);
    if (cursor != null) {
      try {
        offset = Integer.parseInt(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new FakeDatadogQuery.Invalid("invalid page.cursor");
      }
    }
    Comparator<Stored> order = Comparator.comparing(Stored::timestamp);
    List<Stored> hits = new ArrayList<>(matching(w));
    hits.sort(sort.equals("timestamp") ? order : order.reversed());
    ObjectNode out = JSON.createObjectNode();
    ArrayNode data = out.putArray("data");
    int end = Math.min(hits.size(), offset + pageLimit);
    for (Stored s : hits.subList(Math.min(offset, end), end)) {
      ObjectNode d = data.addObject();
      d.put("id", s.id());
      d.put("type", "log");
      ObjectNode a = d.putObject("attributes");
      a.set("attributes", JSON.valueToTree(s.log().attributes()));
      a.put("host", s.log().host());
      a.put("message", s.log().message());
      a.put("service", s.log().service());
      a.put("status", s.log().status());
      s.log().tags().forEach(a.withArray("tags")::add);
      a.put("timestamp", s.timestamp().toString());
    }
    ObjectNode meta = out.putObject("meta");
    meta.put("elapsed", 1);
    meta.put("request_id", UUID.randomUUID().toString());
    meta.put("status", "done");
    if (end < hits.size()) {
      String after = Base64.getUrlEncoder().withoutPadding()
          .encodeToString(String.valueOf(end).getBytes(StandardCharsets.UTF_8));
      meta.putObject("page").put("after", after);
      out.putObject("links").put("next", baseUrl() + SEARCH + "?page[cursor]=" + after);
    }
    return out;
  }

  private ObjectNode aggregate(JsonNode body) {
    Window w = window(body);
    JsonNode computes = body.path("compute");
    if (!computes.isArray() || computes.size() != 1) {
      throw new FakeDatadogQuery.Invalid("the fake computes exactly one compute");
    }
    JsonNode c = computes.get(0);
    if (!"count".equals(c.path("aggregation").asText())) {
      throw new FakeDatadogQuery.Invalid("the fake computes only aggregation count");
    }
    if (body.has("group_by")) {
      throw new FakeDatadogQuery.Invalid("the fake computes no group_by");
    }
    List<Stored> hits = matching(w);
    ObjectNode out = JSON.createObjectNode();
    ArrayNode buckets = out.putObject("data").putArray("buckets");
    ObjectNode bucket = buckets.addObject();
    bucket.putObject("by");
    String type = c.path("type").asText("total");
    if (type.equals("total")) {
      bucket.putObject("computes").put("c0", hits.size());
    } else if (type.equals("timeseries")) {
      Duration interval = interval(c.path("interval").asText(null), w);
      ArrayNode series = bucket.putObject("computes").putArray("c0");
      long step = interval.toMillis();
      long first = Math.floorDiv(w.from().toEpochMilli(), step) * step;
      for (long t = first; t < w.to().toEpochMilli(); t += step) {
        long lo = t;
        long count = hits.stream().filter(s -> s.timestamp().toEpochMilli() >= lo && s.timestamp().toEpochMilli() < lo + step)
            .count();
        if (count > 0) {
          series.addObject().put("time", Instant.ofEpochMilli(t).toString()).put("value", count);
        }
      }
    } else {
      throw new FakeDatadogQuery.Invalid("compute.type must be total or timeseries");
    }
    ObjectNode meta = out.putObject("meta");
    meta.put("elapsed", 1);
    meta.put("request_id", UUID.randomUUID().toString());
    meta.put("status", "done");
    return out;
  }

  private static Duration interval(String written, Window w) {
    if (written == null) {
      return Duration.ofMillis(Math.max(1000, Duration.between(w.from(), w.to()).toMillis() / 150));
    }
    try {
      Instant zero = Instant.EPOCH.plus(Duration.ofDays(1));
      Duration d = Duration.between(FakeDatadogQuery.time("now-" + written, zero), zero);
      if (d.isZero()) {
        throw new FakeDatadogQuery.Invalid("invalid interval '" + written + "'");
      }
      return d;
    } catch (DateTimeParseException | FakeDatadogQuery.Invalid e) {
      throw new FakeDatadogQuery.Invalid("invalid interval '" + written + "'");
    }
  }

  private static ObjectNode errors(String message) {
    ObjectNode e = JSON.createObjectNode();
    e.putArray("errors").add(message);
    return e;
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
