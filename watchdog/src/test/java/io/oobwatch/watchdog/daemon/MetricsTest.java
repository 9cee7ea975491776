package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import io.oobwatch.testkit.LoopbackHttp.Request;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.server.PrometheusText;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} from the real daemon watching a real (loopback HTTP) pipeline and two
 * heartbeats, read back with a strict parser of the text format.
 */
class MetricsTest {
  @TempDir Path dir;
  final List<String> ingested = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();
  LoopbackHttp collector;
  Daemon daemon;

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    if (collector != null) {
      collector.close();
    }
  }

  /** A collector: POST /ingest keeps the record, GET /search?id=X answers the records holding X. */
  Reply collect(Request received) {
    String request = received.line();
    String body = received.body();
    if (request.startsWith("POST /ingest")) {
      ingested.add(body);
      return new Reply(202, "");
    }
    if (request.startsWith("GET /healthz")) {
      return new Reply(200, "ok");
    }
    String id = request.substring(request.indexOf("id=") + 3);
    return new Reply(200, ingested.stream().filter(r -> r.contains(id)).collect(Collectors.joining(",", "[", "]")));
  }

  @Test
  void metricsAreValidTextFormatWithCanaryLatencyAlertsPagesAndHeartbeats() throws Exception {
    collector = LoopbackHttp.start(this::collect);
    Files.writeString(dir.resolve("hb.token"), "metrics-token-0123456789");
    Files.writeString(dir.resolve("oobwatch.yaml"), String.join("\n",
        "instance: wd-test",
        "state_dir: state",
        "pipelines:",
        "  - name: inference-logs",
        "    canary:",
        "      every: 1s",
        "      deadline: 3s",
        "      poll: 100ms",
        "      inject: { http: { url: \"" + collector.url("/ingest") + "\" } }",
        "      stages:",
        "        - http: { name: search, url: \"" + collector.url("/search?id={canary_id}") + "\" }",
        "heartbeats:",
        "  - { name: log-shipper, token_file: hb.token, every: 1s, grace: 0s }",
        "  - { name: inference-api, url: \"" + collector.url("/healthz") + "\", every: 1h }",
        ""));
    daemon = Daemon.start(new ConfigLoader().load(dir.resolve("oobwatch.yaml")), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));

    await().atMost(Duration.ofSeconds(20)).until(() ->
        scrape().value("oobwatch_canary_outcomes_total", "pipeline", "inference-logs", "verdict", "ok") >= 3
            && scrape().value("oobwatch_alerts_firing", "rule", "heartbeat") == 1
            && scrape().value("oobwatch_pages_sent_total") == 1);
    // the console reports no delivery: the page is followed once and counted as untracked, not pending
    await().atMost(Duration.ofSeconds(10)).until(() ->
        scrape().value("oobwatch_page_deliveries_total", "delivery", "untracked") == 1
            && scrape().value("oobwatch_page_deliveries_pending") == 0);

    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    PrometheusText m = PrometheusText.parse(r.body());
    assertThat(m.types).containsEntry("oobwatch_canary_stage_latency_seconds", "histogram")
        .containsEntry("oobwatch_canary_outcomes_total", "counter")
        .containsEntry("oobwatch_pages_sent_total", "counter")
        .containsEntry("oobwatch_heartbeat_age_seconds", "gauge");
    assertThat(m.help.keySet()).isEqualTo(m.types.keySet());
    double seen = m.value("oobwatch_canary_stage_latency_seconds_count", "pipeline", "inference-logs", "stage", "search");
    assertThat(seen).isGreaterThanOrEqualTo(3);
    assertThat(m.value("oobwatch_canary_stage_latency_seconds_bucket", "pipeline", "inference-logs", "stage", "search",
        "le", "120")).isEqualTo(seen);
    assertThat(m.value("oobwatch_canary_stage_latency_seconds_sum", "pipeline", "inference-logs", "stage", "search"))
        .isGreaterThan(0).isLessThan(seen * 3);
    assertThat(m.value("oobwatch_canary_outcomes_total", "pipeline", "inference-logs", "verdict", "lost")).isZero();
    assertThat(m.value("oobwatch_canary_stage_ok", "pipeline", "inference-logs", "stage", "search")).isEqualTo(1);
    assertThat(m.value("oobwatch_canary_deadline_seconds", "pipeline", "inference-logs")).isEqualTo(3);
    // fewer than learn_from (50) arrivals: nothing learned yet, so no learned bound is shown
    assertThat(m.types).containsEntry("oobwatch_canary_stage_late_after_seconds", "gauge")
        .containsEntry("oobwatch_canary_stage_learned_p99_seconds", "gauge");
    assertThat(m.samples).noneMatch(s -> s.name().equals("oobwatch_canary_stage_late_after_seconds"));
    assertThat(m.value("oobwatch_alerts_firing", "rule", "canary")).isZero();
    assertThat(m.value("oobwatch_pages_failed_total")).isZero();
    assertThat(m.value("oobwatch_healthy")).isEqualTo(1);
    // log-shipper never pinged (down, no age yet); inference-api answered 200 (up, age known)
    assertThat(m.value("oobwatch_heartbeat_up", "heartbeat", "log-shipper", "kind", "push")).isZero();
    assertThat(m.value("oobwatch_heartbeat_up", "heartbeat", "inference-api", "kind", "pull")).isEqualTo(1);
    assertThat(m.samples).noneMatch(s -> s.name().equals("oobwatch_heartbeat_age_seconds")
        && "log-shipper".equals(s.labels().get("heartbeat")));
    assertThat(m.value("oobwatch_heartbeat_age_seconds", "heartbeat", "inference-api", "kind", "pull"))
        .isGreaterThanOrEqualTo(0).isLessThan(60);
    assertThat(m.value("oobwatch_heartbeat_probe_failures", "heartbeat", "inference-api")).isZero();
    // every scheduled run counted: the pipeline's ticks, the heartbeat probes, escalation passes...
    double runs = m.value("oobwatch_schedule_lateness_seconds_count");
    assertThat(runs).isGreaterThanOrEqualTo(seen);
    assertThat(m.value("oobwatch_schedule_lateness_seconds_bucket", "le", "+Inf")).isEqualTo(runs);
    assertThat(m.types).containsEntry("oobwatch_schedule_lateness_seconds", "histogram");
  }

  PrometheusText scrape() throws Exception {
    return PrometheusText.parse(get("/metrics").body());
  }

  HttpResponse<String> get(String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + daemon.httpAddress().getPort() + path);
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
