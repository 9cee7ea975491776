package io.oobwatch.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.stream.Collectors;

/**
 * A loopback HTTP server standing in for a component oobwatch talks to (a health endpoint, a
 * collector, a search API): records every request and answers what the test's responder currently
 * says, or never answers at all ({@link Reply#NEVER}) to exercise timeouts. A gzip-encoded request body
 * is recorded decoded. Every answer is sent as
 * {@code application/json; charset=UTF-8}.
 */
public final class LoopbackHttp implements AutoCloseable {

  /** One received request; header names lower-cased, first value only. */
  public record Request(String method, String path, String rawQuery, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Method, path and query as on the request line, e.g. {@code GET /search?id=c-1}. */
    public String line() {
      return method + " " + path + (rawQuery == null ? "" : "?" + rawQuery);
    }
  }

  /** What to answer, with {@code headers} besides Content-Type (JSON). */
  public record Reply(int status, String body, Map<String, String> headers) {
    /** Leaves the request hanging until the server closes. */
    public static final Reply NEVER = new Reply(-1, "");

    public Reply {
      headers = Map.copyOf(headers);
    }

    public Reply(int status, String body) {
      this(status, body, Map.of());
    }

    /** The same answer with one more header. */
    public Reply header(String name, String value) {
      Map<String, String> more = new java.util.LinkedHashMap<>(headers);
      more.put(name, value);
      return new Reply(status, body, more);
    }

    public static Reply json(int status, String body) {
      return new Reply(status, body);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final AtomicReference<Function<Request, Reply>> responder = new AtomicReference<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<HttpExchange> hanging = new CopyOnWriteArrayList<>();
  /** False for a server under load (a benchmark's thousands of requests): {@link #requests()} stays empty. */
  private final boolean recording;

  private LoopbackHttp(Function<Request, Reply> responder, boolean recording) throws IOException {
    this.responder.set(responder);
    this.recording = recording;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a server on a free loopback port that answers with {@code responder}. */
  public static LoopbackHttp start(Function<Request, Reply> responder) {
    return start(responder, true);
  }

  /**
   * As {@link #start(Function)}, keeping no record of the requests: for a load of many thousands,
   * where the responder counts what it needs.
   */
  public static LoopbackHttp unrecorded(Function<Request, Reply> responder) {
    return start(responder, false);
  }

  private static LoopbackHttp start(Function<Request, Reply> responder, boolean recording) {
    try {
      return new LoopbackHttp(responder, recording);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** From now on answers with {@code next}. */
  public void answer(Function<Request, Reply> next) {
    responder.set(next);
  }

  /** From now on answers every request with {@code fixed}. */
  public void answer(Reply fixed) {
    responder.set(request -> fixed);
  }

  /** Base URL, e.g. {@code http://127.0.0.1:40123}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The base URL followed by {@code path}, e.g. {@code http://127.0.0.1:40123/healthz}. */
  public String url(String path) {
    return url() + path;
  }

  /** Every request received so far, oldest first. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** A URL on a loopback port where nothing listens: connecting is refused. */
  public static String closedPortUrl() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] raw = ex.getRequestBody().readAllBytes();
    if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
      // as a real server does: Google's client libraries gzip their JSON bodies
      raw = new GZIPInputStream(new ByteArrayInputStream(raw)).readAllBytes();
    }
    String body = new String(raw, StandardCharsets.UTF_8);
    Map<String, String> headers =
        ex.getRequestHeaders().entrySet().stream()
            .collect(Collectors.toMap(e -> e.getKey().toLowerCase(Locale.ROOT), e -> e.getValue().get(0), (a, b) -> a));
    Request req =
        new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery(), headers, body);
    if (recording) {
      requests.add(req);
    }
    Reply reply = responder.get().apply(req);
    if (reply == Reply.NEVER) {
      hanging.add(ex);
      return;
    }
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    reply.headers().forEach(ex.getResponseHeaders()::set);
    ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
    try (var out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    hanging.forEach(HttpExchange::close);
    server.stop(0);
    executor.shutdownNow();
  }
}
