package io.oobwatch.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.node.NodeValidationException;
import org.opensearch.transport.Netty4Plugin;

/**
 * A real OpenSearch 2.x node running in this JVM, for tests: single-node discovery, HTTP on a free
 * port of 127.0.0.1, data under the given directory. It answers the same REST API as an
 * Elasticsearch cluster (search, index, mapping), so probes talk to it with plain JSON over HTTP.
 *
 * <p>Lifecycle: {@link #start} returns once the cluster is at least yellow. {@link #stop} closes the
 * node, after which its port refuses connections; {@link #restart} brings it back on the same port
 * with the same data. {@link #close} stops it for good and may be called more than once.
 *
 * <p>Not thread-safe: one test class drives one node.
 */
public final class EmbeddedOpenSearch implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private final Path dir;
  private final int httpPort;
  private final int transportPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Node node;
  private boolean closed;

  private EmbeddedOpenSearch(Path dir, int httpPort, int transportPort) {
    this.dir = dir;
    this.httpPort = httpPort;
    this.transportPort = transportPort;
  }

  /**
   * Starts a node whose home and data live under {@code dir} (created if missing) and waits until
   * its cluster health is yellow or green.
   */
  public static EmbeddedOpenSearch start(Path dir) {
    quietLogs();
    // The watchdog's own netty server may already have fixed netty's processor count in this JVM;
    // OpenSearch would then refuse to start ("availableProcessors is already set").
    System.setProperty("opensearch.set.netty.runtime.available.processors", "false");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    EmbeddedOpenSearch os = new EmbeddedOpenSearch(dir.toAbsolutePath(), freePort(), freePort());
    os.startNode();
    return os;
  }

  /** The base URL of the REST API, e.g. {@code http://127.0.0.1:41234}. */
  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** The HTTP port; the same across {@link #restart}. */
  public int httpPort() {
    return httpPort;
  }

  /** Closes the node; its port refuses connections afterwards. Data stays on disk. */
  public void stop() {
    if (node == null) {
      return;
    }
    Node n = node;
    node = null;
    try {
      n.close();
      if (!n.awaitClose(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("opensearch node did not close within 30s");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while closing the opensearch node", e);
    }
  }

  /** Stops the node if running, then starts it again on the same port with the same data. */
  public void restart() {
    if (closed) {
      throw new IllegalStateException("opensearch node is closed");
    }
    stop();
    startNode();
  }

  /** Stops the node for good; idempotent. */
  @Override
  public void close() {
    closed = true;
    stop();
  }

  /**
   * Indexes one JSON document into {@code index}, creating the index on the fly with dynamic
   * mapping if it does not exist (as a log shipper would). The document is searchable after {@link
   * #refresh}.
   */
  public void index(String index, String jsonDoc) {
    send("POST", "/" + index + "/_doc", jsonDoc, 201);
  }

  /** Makes everything indexed so far into {@code index} (a name or pattern) searchable. */
  public void refresh(String index) {
    send("POST", "/" + index + "/_refresh", null, 200);
  }

  /** GETs {@code pathAndQuery} (e.g. {@code /logs/_mapping}) and returns the body; expects 200. */
  public String get(String pathAndQuery) {
    return send("GET", pathAndQuery, null, 200);
  }

  private String send(String method, String pathAndQuery, String json, int expected) {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(url() + pathAndQuery)).timeout(Duration.ofSeconds(30));
    if (json == null) {
      req.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      req.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    }
    try {
      HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() != expected) {
        throw new IllegalStateException(
            method + " " + pathAndQuery + " answered HTTP " + resp.statusCode() + ": " + resp.body());
      }
      return resp.body();
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + pathAndQuery + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + method + " " + pathAndQuery, e);
    }
  }

  private void startNode() {
    Settings settings =
        Settings.builder()
            .put("cluster.name", "oobwatch-test")
            .put("node.name", "oobwatch-os")
            .put("path.home", dir.resolve("home").toString())
            .put("path.data", dir.resolve("data").toString())
            .put("path.logs", dir.resolve("logs").toString())
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.type", Netty4Plugin.NETTY_HTTP_TRANSPORT_NAME)
            .put("transport.type", Netty4Plugin.NETTY_TRANSPORT_NAME)
            .put("http.port", httpPort)
            .put("transport.port", transportPort)
            // A build machine's disk may be fuller than the watermarks; that must not make the
            // indices read-only under a test.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();
    Node n =
        new PluginNode(
            InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "oobwatch-os"));
    try {
      n.start();
    } catch (NodeValidationException | RuntimeException e) {
      closeQuietly(n);
      throw new IllegalStateException("opensearch node did not start: " + e.getMessage(), e);
    }
    node = n;
    awaitReady();
  }

  private void awaitReady() {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    String last = "no answer yet";
    while (Instant.now().isBefore(deadline)) {
      try {
        HttpResponse<String> resp =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=10s"))
                    .timeout(Duration.ofSeconds(15))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() == 200) {
          return;
        }
        last = "HTTP " + resp.statusCode() + ": " + resp.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for opensearch", e);
      }
      // health with wait_for_status blocks server-side; only a refused connection comes back at
      // once, and then a short pause avoids spinning while the HTTP transport binds
      pause();
    }
    throw new IllegalStateException(
        "opensearch at " + url() + " not ready within " + READY_TIMEOUT.toSeconds() + "s: " + last);
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for opensearch", e);
    }
  }

  private static void closeQuietly(Node n) {
    try {
      n.close();
    } catch (IOException | RuntimeException ignored) {
      // the start failure is what the caller needs to see
    }
  }

  /** OpenSearch logs through log4j at INFO; the tests only need its warnings. */
  private static void quietLogs() {
    Configurator.setLevel("org.opensearch", Level.WARN);
    // deprecation notices ("this will change in a future release") are noise in a test run
    Configurator.setLevel("org.opensearch.deprecation", Level.ERROR);
    // warns on every start that dangling indices are not auto-imported (the default)
    Configurator.setLevel("org.opensearch.gateway.DanglingIndicesState", Level.ERROR);
    // on restart in the same JVM, a log-pattern helper holding the node id in a static SetOnce
    // fails to be set again and the applier reports it as "failed to notify ClusterStateListener"
    Configurator.setLevel("org.opensearch.cluster.service.ClusterApplierService", Level.ERROR);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  /** A node with the plugins the embedded use needs on the classpath, not in a plugins/ folder. */
  private static final class PluginNode extends Node {
    PluginNode(org.opensearch.env.Environment env) {
      super(env, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class), true);
    }
  }
}
