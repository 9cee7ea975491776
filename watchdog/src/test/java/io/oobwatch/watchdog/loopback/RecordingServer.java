package io.oobwatch.watchdog.loopback;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP server that answers every request with a settable status and body and keeps
 * each request (method, path, body): a healthchecks.io-style ping endpoint, or a peer's /healthz.
 */
public final class RecordingServer implements AutoCloseable {
  public record Request(String method, String path, String body) {}

  private final HttpServer http;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String body = "OK";

  private RecordingServer() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    http.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "recording-server");
      t.setDaemon(true);
      return t;
    }));
    http.createContext("/", ex -> {
      String b = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), b));
      byte[] out = body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        ex.getResponseBody().write(out);
      }
      ex.close();
    });
    http.start();
  }

  public static RecordingServer start() {
    try {
      return new RecordingServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + http.getAddress().getPort() + path;
  }

  public void answer(int status, String body) {
    this.status = status;
    this.body = body;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
