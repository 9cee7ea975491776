package io.oobwatch.watchdog.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * A loopback HTTP server standing in for a component oobwatch watches (a health endpoint, a
 * collector): answers what the test currently says, or leaves the request hanging.
 */
final class LoopbackHttp implements AutoCloseable {
  /** An answer; {@link #HANG} never answers. */
  record Answer(int status, String body) {
    static final Answer HANG = new Answer(-1, "");
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final AtomicReference<BiFunction<String, String, Answer>> responder = new AtomicReference<>();
  private final List<HttpExchange> hanging = new CopyOnWriteArrayList<>();

  /** @param responder (method + " " + path and query, body) → answer */
  LoopbackHttp(BiFunction<String, String, Answer> responder) {
    this.responder.set(responder);
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  void answer(BiFunction<String, String, Answer> next) {
    responder.set(next);
  }

  void answer(Answer fixed) {
    responder.set((request, body) -> fixed);
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Answer a = responder.get().apply(ex.getRequestMethod() + " " + ex.getRequestURI(), body);
    if (a == Answer.HANG) {
      hanging.add(ex);
      return;
    }
    byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
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
