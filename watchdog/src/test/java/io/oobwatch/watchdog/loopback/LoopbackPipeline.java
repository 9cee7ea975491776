package io.oobwatch.watchdog.loopback;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny log pipeline on 127.0.0.1 for tests that need a daemon watching something real but do
 * not care what: {@code POST /ingest} keeps the record (the HTTP injector), {@code GET
 * /search?q=ID} answers 200 with every kept record containing ID (the HTTP stage). {@link #hang()}
 * makes searches block until {@link #release()}: a wedged store, which wedges the evaluation loop
 * that queries it.
 */
public final class LoopbackPipeline implements AutoCloseable {
  private final HttpServer http;
  private final ExecutorService threads;
  private final Deque<String> records = new ArrayDeque<>();
  private final AtomicInteger searches = new AtomicInteger();
  private volatile CountDownLatch hang;
  private volatile boolean dropping;

  private LoopbackPipeline() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "loopback-pipeline");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(threads);
    http.createContext("/ingest", this::ingest);
    http.createContext("/search", this::search);
    http.start();
  }

  public static LoopbackPipeline start() {
    try {
      return new LoopbackPipeline();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String base() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  /** A pipeline section for a config, canaries every {@code every}. */
  public String pipelineYaml(String name, String every, String poll) {
    return pipelineYaml(name, every, poll, "10s");
  }

  /** As above, with the canary deadline (losses_to_fire 1: one lost canary fires). */
  public String pipelineYaml(String name, String every, String poll, String deadline) {
    return String.join("\n",
        "  - name: " + name,
        "    canary:",
        "      every: " + every,
        "      deadline: " + deadline,
        "      losses_to_fire: 1",
        "      passes_to_resolve: 1",
        "      poll: " + poll,
        "      inject: { http: { url: \"" + base() + "/ingest\" } }",
        "      stages:",
        "        - http: { name: store, url: \"" + base() + "/search?q={canary_id}\", timeout: 60s }",
        "");
  }

  public int searches() {
    return searches.get();
  }

  /** From now on searches block until {@link #release()}. */
  public void hang() {
    hang = new CountDownLatch(1);
  }

  /** From now on records are accepted but never stored: the connector stalled. */
  public void drop() {
    dropping = true;
  }

  /** Records are stored again from now on: the connector recovered. */
  public void flow() {
    dropping = false;
  }

  public void release() {
    CountDownLatch h = hang;
    hang = null;
    if (h != null) {
      h.countDown();
    }
  }

  private void ingest(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    synchronized (records) {
      if (dropping) {
        answer(ex, 202, "{\"accepted\":true}");
        return;
      }
      records.addLast(body);
      if (records.size() > 1000) {
        records.removeFirst();
      }
    }
    answer(ex, 202, "{\"accepted\":true}");
  }

  private void search(HttpExchange ex) throws IOException {
    searches.incrementAndGet();
    CountDownLatch h = hang;
    if (h != null) {
      try {
        h.await(5, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    String query = ex.getRequestURI().getQuery();
    String id = query == null ? "" : query.replaceFirst("^q=", "");
    StringBuilder hits = new StringBuilder("[");
    synchronized (records) {
      for (String r : records) {
        if (!id.isEmpty() && r.contains(id)) {
          hits.append(hits.length() > 1 ? "," : "").append(r);
        }
      }
    }
    answer(ex, 200, hits.append("]").toString());
  }

  private static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @Override
  public void close() {
    release();
    http.stop(0);
    threads.shutdownNow();
  }
}
