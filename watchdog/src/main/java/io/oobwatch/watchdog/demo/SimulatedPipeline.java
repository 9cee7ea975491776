package io.oobwatch.watchdog.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pipeline {@code oobwatch demo} watches, so the demo needs no other software: an inference log
 * pipeline simulated in-process on 127.0.0.1.
 *
 * <pre>
 *   POST ingestUrl ──► topic "inference-logs" ──► connector thread ──► store "inference-logs"
 *   (the shipper's      (Kafka-like log with        (polls every           (searchable, like
 *    HTTP intake)        offsets and retention)      100–300 ms)            Elasticsearch)
 * </pre>
 *
 * <p>Each hop is searchable over HTTP with a URL template holding {@code {canary_id}}, which
 * oobwatch's generic HTTP stage fills in: a GET answers 200 with a JSON array of the matching
 * records, so the id appears in the body exactly when the record is there. {@link #stallConnector}
 * breaks the classic hop: the topic keeps filling ("Kafka is healthy"), the store stops growing
 * ("Elasticsearch is healthy"), and the backlog (consumer lag) grows. Topic and store each keep the
 * newest 10,000 records. This is a demo component on the JDK's simple HTTP server, not oobwatch's
 * own server.
 */
public final class SimulatedPipeline implements AutoCloseable {
  static final int DEFAULT_RETENTION = 10_000;
  static final String TOPIC = "inference-logs";
  private static final int MAX_BODY_BYTES = 1024 * 1024;
  private static final int MAX_HITS = 100;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final InetAddress LOOPBACK = loopback();

  private final SimulatedLog topic;
  private final SimulatedLog store;
  private final SimulatedConnector connector;
  private final HttpServer http;
  private final ExecutorService httpThreads;
  private final Clock clock;
  private final String base;
  private SimulatedTraffic traffic;

  private SimulatedPipeline(int retention, Duration minPoll, Duration maxPoll, Clock clock)
      throws IOException {
    this.clock = clock;
    this.topic = new SimulatedLog(retention);
    this.store = new SimulatedLog(retention);
    this.connector = new SimulatedConnector(topic, store, minPoll, maxPoll);
    this.http = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 16);
    AtomicInteger n = new AtomicInteger();
    this.httpThreads =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "simulated-pipeline-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    http.setExecutor(httpThreads);
    route("/ingest", this::ingest);
    route("/topic/" + TOPIC + "/search", exchange -> search(exchange, topic));
    route("/store/" + TOPIC + "/_search", exchange -> search(exchange, store));
    route("/stats", this::stats);
    http.createContext("/", SimulatedPipeline::notFound);
    this.base = "http://127.0.0.1:" + http.getAddress().getPort();
  }

  /** Starts the pipeline on a free loopback port, connector running, no traffic yet. */
  public static SimulatedPipeline start() {
    return start(DEFAULT_RETENTION, Duration.ofMillis(100), Duration.ofMillis(300), Clock.systemUTC());
  }

  static SimulatedPipeline start(int retention, Duration minPoll, Duration maxPoll, Clock clock) {
    try {
      SimulatedPipeline p = new SimulatedPipeline(retention, minPoll, maxPoll, clock);
      p.http.start();
      p.connector.start();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start the demo pipeline on 127.0.0.1: " + e.getMessage(), e);
    }
  }

  /**
   * Where records enter: POST a JSON object, a JSON array of objects, or JSON lines; 202 when they
   * are queued in the topic, 400 for anything that is not JSON objects.
   */
  public String ingestUrl() {
    return base + "/ingest";
  }

  /** The topic hop ("Kafka"): GET with the id filled in; records stay after the connector read them. */
  public String queueSearchUrl() {
    return base + "/topic/" + TOPIC + "/search?q={canary_id}";
  }

  /** The store hop ("Elasticsearch"): GET with the id filled in. */
  public String storeSearchUrl() {
    return base + "/store/" + TOPIC + "/_search?q={canary_id}";
  }

  /** Counters as JSON (backlog, stored, topic offsets, connector state), for the demo's display. */
  public String statsUrl() {
    return base + "/stats";
  }

  /** The connector stops moving records to the store; they pile up in the topic. */
  public void stallConnector() {
    connector.stall();
  }

  /** The connector runs again and catches up with the backlog. */
  public void resumeConnector() {
    connector.resume();
  }

  public boolean connectorStalled() {
    return connector.stalled();
  }

  /** Records in the topic the connector has not copied to the store yet (consumer lag). */
  public long backlog() {
    return connector.backlog();
  }

  /** Records copied to the store since start (including any retention has since dropped). */
  public long stored() {
    return store.endOffset();
  }

  /**
   * Starts (or changes the rate of) background traffic: realistic, non-synthetic inference records
   * posted to {@link #ingestUrl()}, so the store shows a live pipeline.
   */
  public synchronized void startTraffic(int perSecond) {
    stopTraffic();
    traffic = new SimulatedTraffic(URI.create(ingestUrl()), perSecond, clock);
    traffic.start();
  }

  public synchronized void stopTraffic() {
    if (traffic != null) {
      traffic.close();
      traffic = null;
    }
  }

  /** Poll loops the connector has completed, moving or stalled. */
  long connectorLoops() {
    return connector.loops();
  }

  /** Stops traffic, the connector and the HTTP server; the port is free when this returns. */
  @Override
  public void close() {
    stopTraffic();
    connector.close();
    http.stop(0);
    httpThreads.shutdownNow();
    try {
      httpThreads.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "SimulatedPipeline[" + base + "]";
  }

  /** 127.0.0.1 itself, not whatever getLoopbackAddress() prefers (::1 with preferIPv6Addresses). */
  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("a literal address never needs resolving", e);
    }
  }

  // --- HTTP handlers -------------------------------------------------------------------------

  /** Serves exactly {@code path} (the JDK server matches prefixes); other paths under it are 404. */
  private void route(String path, HttpHandler handler) {
    http.createContext(
        path,
        exchange -> {
          if (exchange.getRequestURI().getPath().equals(path)) {
            handler.handle(exchange);
            return;
          }
          notFound(exchange);
        });
  }

  private static void notFound(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      reply(ex, 404, error("no route " + ex.getRequestMethod() + " " + path));
    }
  }

  private void ingest(HttpExchange ex) throws IOException {
    try (ex) {
      if (!"POST".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().set("Allow", "POST");
        reply(ex, 405, error("use POST to ingest records"));
        return;
      }
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      if (body.length > MAX_BODY_BYTES) {
        reply(ex, 413, error("request body larger than " + MAX_BODY_BYTES + " bytes"));
        return;
      }
      List<String> records;
      try {
        records = parseRecords(body);
      } catch (IOException | IllegalArgumentException e) {
        reply(ex, 400, error("not JSON records: " + firstLine(e.getMessage())));
        return;
      }
      for (String r : records) {
        topic.append(r);
      }
      ObjectNode ok = JSON.createObjectNode().put("queued", records.size());
      reply(ex, 202, ok);
    }
  }

  /** One compact JSON line per object, from an object, an array of objects, or JSON lines. */
  private static List<String> parseRecords(byte[] body) throws IOException {
    List<String> out = new ArrayList<>();
    try (MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class).readValues(body)) {
      while (values.hasNextValue()) {
        JsonNode v = values.nextValue();
        if (v.isArray()) {
          for (JsonNode e : v) {
            out.add(object(e));
          }
        } else {
          out.add(object(v));
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("empty body");
    }
    return out;
  }

  private static String object(JsonNode v) throws JsonProcessingException {
    if (!v.isObject()) {
      throw new IllegalArgumentException("expected JSON objects, got " + v.getNodeType());
    }
    return JSON.writeValueAsString(v);
  }

  private static void search(HttpExchange ex, SimulatedLog log) throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().set("Allow", "GET");
        reply(ex, 405, error("use GET to search"));
        return;
      }
      String q = queryParam(ex.getRequestURI(), "q");
      if (q == null || q.isBlank()) {
        reply(ex, 400, error("missing query parameter q"));
        return;
      }
      // Matches the raw record text, like a full-text query on an id; the answer never echoes q,
      // so the id is in the body only when a record holds it.
      ArrayNode hits = JSON.createArrayNode();
      for (SimulatedLog.Entry e : log.search(q, MAX_HITS)) {
        hits.add(JSON.readTree(e.json()));
      }
      reply(ex, 200, hits);
    }
  }

  private void stats(HttpExchange ex) throws IOException {
    try (ex) {
      ObjectNode s =
          JSON.createObjectNode()
              .put("topic", TOPIC)
              .put("topic_start_offset", topic.startOffset())
              .put("topic_end_offset", topic.endOffset())
              .put("backlog", backlog())
              .put("stored", stored())
              .put("connector", connector.stalled() ? "stalled" : "running");
      reply(ex, 200, s);
    }
  }

  private static String queryParam(URI uri, String name) {
    String raw = uri.getRawQuery();
    if (raw == null) {
      return null;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static JsonNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = (JSON.writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }
}
