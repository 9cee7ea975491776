package io.oobwatch.watchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.daemon.Daemon;
import io.oobwatch.watchdog.loopback.LoopbackPipeline;
import io.oobwatch.watchdog.loopback.SilentServer;
import io.oobwatch.watchdog.status.PagingStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code oobwatch status} against a real daemon on loopback: what it prints and its Nagios exit codes. */
class StatusCommandTest {
  @TempDir Path dir;
  LoopbackPipeline pipeline;
  Daemon daemon;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
  }

  int run(String... args) {
    out.reset();
    CommandLine cmd = new CommandLine(Main.class);
    cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    return cmd.execute(args);
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String startDaemon() throws Exception {
    return startDaemon("");
  }

  /** As {@link #startDaemon()}, with {@code canaryKeys} (indented lines) added to the pipeline's canary. */
  String startDaemon(String canaryKeys) throws Exception {
    pipeline = LoopbackPipeline.start();
    Path config = dir.resolve("oobwatch.yaml");
    Files.writeString(config, "instance: wd-status\nstate_dir: state\npipelines:\n"
        + pipeline.pipelineYaml("inference-logs", "1s", "100ms", "1s") + canaryKeys);
    daemon = Daemon.start(new ConfigLoader().load(config), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Map.of());
    return "http://127.0.0.1:" + daemon.httpAddress().getPort();
  }

  @Test
  void aClusterMemberShowsItsViewAndRankInStatusAndMetrics() throws Exception {
    pipeline = LoopbackPipeline.start();
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Files.writeString(dir.resolve("cluster-secret"), "a-cluster-secret-of-this-test\n");
    Path config = dir.resolve("oobwatch.yaml");
    Files.writeString(config, "instance: wd-status\nstate_dir: state\npipelines:\n"
        + pipeline.pipelineYaml("inference-logs", "1s", "100ms", "1s")
        + "cluster:\n  name: oobwatch-status\n  bind: \"127.0.0.1:" + port + "\"\n  members: [\"127.0.0.1:" + port
        + "\"]\n  secret_file: cluster-secret\n  peer_timeout: 1s\n");
    daemon = Daemon.start(new ConfigLoader().load(config), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Map.of());
    String url = "http://127.0.0.1:" + daemon.httpAddress().getPort();
    await().atMost(Duration.ofSeconds(10)).until(() -> daemon.stores().canaries().counts("inference-logs", java.time.Instant.EPOCH).ok() >= 1);
    assertThat(run("status", "--url", url)).isEqualTo(0);
    assertThat(out()).contains("CLUSTER oobwatch-status: 1 of 1 member(s) in view, this one wd-status is rank 0; 1 must agree;"
        + " a step waits rank x 1s", "  rank 0 wd-status (this one)", "  pages sent here 0, held back (sent by another member) 0");
    java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).contains("oobwatch_cluster_members 1", "oobwatch_cluster_rank 0",
        "oobwatch_cluster_pages_held_back_total 0");
  }

  @Test
  void aHealthyDaemonIsOkWithItsPipelineStagesAndPaging() throws Exception {
    String url = startDaemon();
    await().atMost(Duration.ofSeconds(10)).until(() -> daemon.stores().canaries().counts("inference-logs", java.time.Instant.EPOCH).ok() >= 1);
    assertThat(run("status", "--url", url)).isEqualTo(0);
    assertThat(out()).startsWith("OOBWATCH OK - wd-status: 1 pipeline(s) OK")
        .containsPattern("inference-logs +canary #[0-9]+ +OK")
        .containsPattern("inference-logs +store +SEEN")
        .contains("ALERTS none in the last day")
        .contains("PAGING via console");
  }

  @Test
  void onceAStageHasLearnedItsLatencyEachStageRowShowsItBesideTheDeadline() throws Exception {
    // the fewest arrivals a stage may learn from (10), so the row is not waited for 50 s at one canary a second
    String url = startDaemon("      learn_from: 10\n");
    await().atMost(Duration.ofSeconds(180))
        .until(() -> daemon.stores().canaries().counts("inference-logs", java.time.Instant.EPOCH).ok() >= 11);
    assertThat(run("status", "--url", url)).isEqualTo(0);
    assertThat(out()).containsPattern("inference-logs +store +SEEN .*p99 [0-9.]+m?s, late after [0-9.]+s, deadline 1s");
  }

  @Test
  void aFiringAlertIsCriticalAndJsonCarriesTheProblemsAndTheDaemonsStatus() throws Exception {
    String url = startDaemon();
    pipeline.drop();
    await().atMost(Duration.ofSeconds(15)).until(() -> daemon.stores().alerts().openAlert("inference-logs", "canary").isPresent());
    // /status reads the alerts again on the escalation tick, within a second of the alert opening
    await().atMost(Duration.ofSeconds(3)).until(() -> run("status", "--url", url + "/status") == 2);
    assertThat(out()).startsWith("OOBWATCH CRITICAL - ALERT 1 inference-logs: canary lost between injection and store")
        .containsPattern("1 +firing +inference-logs +canary lost between injection and store");

    assertThat(run("status", "--url", url, "--json")).isEqualTo(2);
    JsonNode doc = new ObjectMapper().readTree(out());
    assertThat(doc.path("status").asText()).isEqualTo("CRITICAL");
    assertThat(doc.path("exit").asInt()).isEqualTo(2);
    assertThat(doc.path("problems").get(0).asText()).startsWith("ALERT 1 inference-logs");
    assertThat(doc.path("daemon").path("instance").asText()).isEqualTo("wd-status");
  }

  @Test
  void anUnreachableOrHangingDaemonIsUnknown() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThat(run("status", "--url", "http://127.0.0.1:" + port)).isEqualTo(3);
    assertThat(out()).startsWith("OOBWATCH UNKNOWN - daemon at http://127.0.0.1:" + port + "/status unreachable: connection refused");

    try (SilentServer hanging = SilentServer.start()) {
      assertThat(run("status", "--url", hanging.url("/"), "--timeout", "1", "--json")).isEqualTo(3);
      JsonNode doc = new ObjectMapper().readTree(out());
      assertThat(doc.path("status").asText()).isEqualTo("UNKNOWN");
      assertThat(doc.path("error").asText()).contains("no answer within 1s");
    }
    assertThat(run("status", "--url", "ftp://example")).isEqualTo(3);
  }

  @Test
  void slowCanariesPagesAwaitingRetryAndFailingPeersAreWarningsAFailedPageIsCritical() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String base = "{\"instance\":\"x\",\"healthy\":true,\"pipelines\":[{\"name\":\"p\",\"canary\":{\"last\":{\"verdict\":\"%s\"}}}],"
        + "\"alerts\":[],\"paging\":{\"pending\":%d,\"failed\":0%s},\"self\":{\"peers\":[%s]}}";
    assertThat(StatusCommand.judge(json.readTree(String.format(base, "OK", 0, "", ""))).code()).isEqualTo(0);
    assertThat(StatusCommand.judge(json.readTree(String.format(base, "SLOW", 0, "", ""))).problems())
        .containsExactly("p: last canary slow");
    StatusCommand.Verdict retrying = StatusCommand.judge(json.readTree(String.format(base, "OK", 1,
        ",\"problem\":\"page 3 to alice not sent after 2 attempt(s): HTTP 503\",\"problem_kind\":\"retrying\"", "")));
    assertThat(retrying.code()).isEqualTo(1);
    assertThat(retrying.problems()).containsExactly("paging: page 3 to alice not sent after 2 attempt(s): HTTP 503");
    assertThat(StatusCommand.judge(json.readTree(String.format(base, "OK", 0,
        ",\"problem\":\"page 3 to alice failed: invalid number\",\"problem_kind\":\"failed\"", ""))).code()).isEqualTo(2);
    assertThat(StatusCommand.judge(json.readTree(String.format(base, "OK", 0, "",
        "{\"name\":\"wd-us-1\",\"failures_in_a_row\":1,\"error\":\"refused\"}"))).problems())
        .containsExactly("peer wd-us-1: 1 failed check(s): refused");
    assertThat(StatusCommand.judge(json.readTree(
        "{\"healthy\":false,\"unhealthy_reason\":\"evaluation of pipeline p stalled since T\",\"pipelines\":[]}")).code())
        .isEqualTo(2);
  }

  @Test
  void anAcknowledgedAlertIsStillCriticalUntilItResolvesOfAnyRule() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String doc = "{\"instance\":\"x\",\"healthy\":true,\"pipelines\":[],\"paging\":{\"pending\":0,\"failed\":0},"
        + "\"alerts\":[%s]}";
    String freshness = "{\"id\":3,\"subject\":\"inference-logs\",\"rule\":\"freshness:es\",\"state\":\"%s\","
        + "\"summary\":\"no new inference logs in es for 7m\"}";
    StatusCommand.Verdict acked = StatusCommand.judge(json.readTree(String.format(doc, String.format(freshness, "acknowledged"))));
    assertThat(acked.code()).isEqualTo(2);
    assertThat(acked.problems()).containsExactly("ALERT 3 inference-logs: no new inference logs in es for 7m (acknowledged)");
    assertThat(StatusCommand.judge(json.readTree(String.format(doc, String.format(freshness, "resolved")))).code()).isEqualTo(0);
  }

  @Test
  void eachSentPageIsShownWithWhereItEnded() {
    assertThat(StatusCommand.delivery(new PagingStatus.Page(4, 1, "fire", "alice", "sent", "sms", 1, "SM1", null,
        "delivered", "delivered", 4.2))).isEqualTo("delivered in 4.2s");
    assertThat(StatusCommand.delivery(new PagingStatus.Page(5, 1, "fire", "alice", "sent", "sms", 1, "SM2", null,
        "undelivered", "30034 the sender number is not registered for A2P 10DLC", 3.0)))
        .isEqualTo("undelivered: 30034 the sender number is not registered for A2P 10DLC");
    assertThat(StatusCommand.delivery(new PagingStatus.Page(6, 1, "fire", "alice", "sent", "call", 1, "CA1", null,
        null, null, null))).isEqualTo("sent, delivery not known yet");
  }
}
