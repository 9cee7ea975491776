package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.OutboxEntry;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon with a pipeline that has no canary, only a Prometheus volume check (a loopback server
 * answering Prometheus' query API) and a freshness check on an Elasticsearch that refuses: both are
 * observed on schedule and shown in /status, the refused one as unknown with its reason. And a
 * freshness alert acknowledged by a human that resolves, with its notice, once records flow again.
 */
class DaemonChecksTest {
  @TempDir Path dir;

  /** A config with one pipeline, inference-logs, judged every second by the given checks (its YAML lines). */
  Config config(List<String> checks) throws Exception {
    List<String> lines = new ArrayList<>(List.of("instance: wd-test", "state_dir: " + dir.resolve("state"), "pipelines:",
        "  - name: inference-logs", "    evaluate_every: 1s"));
    lines.addAll(checks);
    lines.add("");
    Path config = dir.resolve("oobwatch.yaml");
    Files.writeString(config, String.join("\n", lines));
    return new ConfigLoader().load(config);
  }

  /** A freshness check on the Elasticsearch at a loopback port, max_age 5m. */
  static List<String> freshness(int port) {
    return List.of("    freshness:", "      - elasticsearch: { url: \"http://127.0.0.1:" + port + "\", index: \"logs-*\" }",
        "        max_age: 5m");
  }

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
    List<String> checks = new ArrayList<>(List.of("    volume:",
        "      - prometheus: { url: \"http://127.0.0.1:" + prometheus.getAddress().getPort() + "\", query: \"sum(rate(x[5m]))\" }"));
    checks.addAll(freshness(closedPort));
    Config c = config(checks);
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

  @Test
  void anAcknowledgedFreshnessAlertResolvesInTheDaemonWhenRecordsFlowAgain() throws Exception {
    TestClock clock = TestClock.at("2026-11-27T08:00:00Z");
    AtomicLong newest = new AtomicLong(clock.instant().toEpochMilli());
    HttpServer es = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    es.createContext("/", ex -> {
      byte[] body = ("{\"_shards\":{\"total\":1,\"successful\":1,\"failed\":0},\"aggregations\":{\"newest\":{\"value\":"
          + newest.get() + "}}}").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    es.start();
    try (Daemon d = Daemon.start(config(freshness(es.getAddress().getPort())), clock,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      clock.advance(Duration.ofMinutes(6));
      Alert stall = await().until(() -> d.stores().alerts().openAlert("inference-logs", "freshness:elasticsearch"), Optional::isPresent)
          .orElseThrow();
      await().until(() -> d.stores().outbox().pages(10).stream().anyMatch(p -> p.state() == OutboxEntry.State.SENT));
      assertThat(d.alerts().ack(stall.id(), "sms:alice").outcome()).isEqualTo(Alerts.AckOutcome.ACKNOWLEDGED);

      newest.set(clock.instant().toEpochMilli());

      await().until(() -> d.stores().alerts().alert(stall.id()).orElseThrow().state() == Alert.State.RESOLVED);
      assertThat(d.stores().outbox().pages(10)).filteredOn(p -> p.event().equals("resolve")).extracting(OutboxEntry::body)
          .singleElement().asString().contains("RESOLVED " + stall.id());
    } finally {
      es.stop(0);
    }
  }
}
