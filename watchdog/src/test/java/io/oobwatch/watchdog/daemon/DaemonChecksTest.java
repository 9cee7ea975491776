package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon with a pipeline that has no canary, only a Prometheus volume check (a loopback server
 * answering Prometheus' query API) and a freshness check on an Elasticsearch that refuses: both are
 * observed on schedule and shown in /status, the refused one as unknown with its reason.
 */
class DaemonChecksTest {
  @TempDir Path dir;

  @Test
  void aPipelineWithoutACanaryIsWatchedByItsChecksAndShownInStatus() throws Exception {
    HttpServer prometheus = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    prometheus.createContext("/api/v1/query", ex -> {
      byte[] body = ("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
          + "\"value\":[1764230400.0,\"7\"]}]}}").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(ex.getRequestURI().getRawQuery().startsWith("query=") ? 200 : 400, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    prometheus.start();
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Path config = dir.resolve("oobwatch.yaml");
    Files.writeString(config, String.join("\n",
        "instance: wd-test",
        "state_dir: " + dir.resolve("state"),
        "pipelines:",
        "  - name: inference-logs",
        "    evaluate_every: 1s",
        "    volume:",
        "      - prometheus: { url: \"http://127.0.0.1:" + prometheus.getAddress().getPort() + "\", query: \"sum(rate(x[5m]))\" }",
        "    freshness:",
        "      - elasticsearch: { url: \"http://127.0.0.1:" + closedPort + "\", index: \"logs-*\" }",
        "        max_age: 5m",
        ""));
    Config c = new ConfigLoader().load(config);
    HttpClient http = HttpClient.newHttpClient();
    try (Daemon d = Daemon.start(c, Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      URI status = URI.create("http://127.0.0.1:" + d.httpAddress().getPort() + "/status");

      String body = await().until(() -> http.send(HttpRequest.newBuilder(status).build(),
          HttpResponse.BodyHandlers.ofString()).body(), b -> b.contains("\"observation\" : \"value\""));

      assertThat(d.watches()).isEmpty();
      assertThat(body).contains("\"value\" : 420.0");
      assertThat(body).contains("\"observation\" : \"unknown\"");
      assertThat(body).contains("refused the connection");
      assertThat(body).contains("too few observations in the last 15m");
    } finally {
      prometheus.stop(0);
    }
  }
}
