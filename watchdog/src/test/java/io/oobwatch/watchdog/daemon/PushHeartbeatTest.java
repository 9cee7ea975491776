package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.store.HeartbeatRecord;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.OutboxEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push heartbeats through the real daemon: real netty sockets, a real SQLite file, the console
 * pager; time from a TestClock, so "missing for every + grace" needs no waiting.
 */
class PushHeartbeatTest {
  static final String TOKEN = "hb-token-0123456789abcdef";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  final TestClock clock = TestClock.at("2026-11-27T08:40:00Z");
  final ByteArrayOutputStream console = new ByteArrayOutputStream();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  Daemon daemon;

  @BeforeEach
  void config() throws IOException {
    Files.writeString(dir.resolve("hb.token"), TOKEN + "\n");
    Files.writeString(dir.resolve("oobwatch.yaml"), String.join("\n",
        "instance: wd-test",
        "state_dir: state",
        "heartbeats:",
        "  - { name: log-shipper, token_file: hb.token, every: 1m, grace: 2m }",
        "  - { name: backup, token_file: hb.token, every: 1d, grace: 30m }",
        "  - { name: inference-api, url: \"http://127.0.0.1:9/healthz\", every: 1h, timeout: 1s }",
        ""));
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  Daemon start() throws Exception {
    daemon = Daemon.start(new ConfigLoader().load(dir.resolve("oobwatch.yaml")), clock,
        new PrintStream(console, true, StandardCharsets.UTF_8), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return daemon;
  }

  HttpResponse<String> post(String path, String token, String body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + daemon.httpAddress().getPort() + path);
  }

  HeartbeatRecord stored(String name) {
    return daemon.stores().heartbeats().heartbeats().get(name);
  }

  List<Alert> firing() {
    return daemon.stores().alerts().alerts(clock.instant()).stream().filter(a -> a.state() == Alert.State.FIRING).toList();
  }

  List<OutboxEntry> pages() {
    return daemon.stores().outbox().pages(100);
  }

  @Test
  void aPingWithTheRightTokenIsRecordedAtOnceAnd200() throws Exception {
    start();
    clock.advance(Duration.ofSeconds(30));

    HttpResponse<String> r = post("/heartbeat/log-shipper", TOKEN, "");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ok\n");
    assertThat(stored("log-shipper").lastOk()).isEqualTo(clock.instant());
  }

  @Test
  void aWrongOrMissingTokenIs401AndNothingIsRecorded() throws Exception {
    start();

    HttpResponse<String> wrong = post("/heartbeat/log-shipper", TOKEN + "x", "");
    HttpResponse<String> missing = post("/heartbeat/log-shipper", null, "");
    HttpResponse<String> wrongFail = post("/heartbeat/log-shipper/fail", "nope", "boom");

    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"oobwatch\"");
    assertThat(JSON.readTree(wrong.body()).get("error").asText())
        .isEqualTo("wrong token for heartbeat log-shipper; nothing was recorded");
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(missing.body()).get("error").asText()).contains("Authorization: Bearer TOKEN");
    assertThat(wrongFail.statusCode()).isEqualTo(401);
    HeartbeatRecord s = stored("log-shipper");
    assertThat(s.lastOk()).isNull();
    assertThat(s.lastFail()).isNull();
    assertThat(firing()).isEmpty();
    assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContain(TOKEN);
  }

  @Test
  void anUnknownNameOrAPullHeartbeatIs404() throws Exception {
    start();

    HttpResponse<String> unknown = post("/heartbeat/nosuch", TOKEN, "");
    HttpResponse<String> pull = post("/heartbeat/inference-api", TOKEN, "");

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("error").asText()).startsWith("no push heartbeat named nosuch");
    assertThat(pull.statusCode()).isEqualTo(404);
    assertThat(daemon.stores().heartbeats().heartbeats()).doesNotContainKey("nosuch");
  }

  @Test
  void anOversizedBodyIs413AndAMalformedRequestIs400AndNeitherRecordsAnythingNorHurtsTheDaemon() throws Exception {
    start();

    HttpResponse<String> big = post("/heartbeat/log-shipper/fail", TOKEN, "x".repeat(100 * 1024));
    int malformed = raw("POST /heartbeat/log-shipper HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
        + "\r\nTransfer-Encoding: chunked\r\n\r\nzz-not-a-chunk-size\r\n\r\n");
    int badLength = raw("POST /heartbeat/log-shipper HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
        + "\r\nContent-Length: -5\r\n\r\n");

    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(malformed).isEqualTo(400);
    assertThat(badLength).isEqualTo(400);
    assertThat(stored("log-shipper").lastOk()).isNull();
    assertThat(stored("log-shipper").lastFail()).isNull();
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(post("/heartbeat/log-shipper", TOKEN, "").statusCode()).isEqualTo(200);
    assertThat(stored("log-shipper").lastOk()).isEqualTo(clock.instant());
  }

  /** Sends raw bytes on a fresh connection and returns the status of the answer. */
  int raw(String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), daemon.httpAddress().getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != '\n' && c != -1; c = in.read()) {
        line.append((char) c);
      }
      return Integer.parseInt(line.toString().split(" ")[1]);
    }
  }

  @Test
  void silenceForEveryPlusGracePagesOnceAndTheNextPingResolves() throws Exception {
    start();
    clock.advance(Duration.ofMinutes(1));
    post("/heartbeat/log-shipper", TOKEN, ""); // 08:41Z
    clock.advance(Duration.ofMinutes(2));
    post("/heartbeat/backup", TOKEN, "");
    clock.advance(Duration.ofMinutes(1).plusSeconds(1));

    await().atMost(Duration.ofSeconds(10)).until(() -> firing().size() == 1);
    Alert alert = firing().get(0);
    assertThat(alert.subject()).isEqualTo("log-shipper");
    assertThat(alert.rule()).isEqualTo("heartbeat");
    assertThat(alert.summary()).isEqualTo("heartbeat log-shipper missing since 08:41Z (expected every 1m)");
    await().atMost(Duration.ofSeconds(10)).until(() -> console.toString(StandardCharsets.UTF_8)
        .contains("ALERT " + alert.id() + " heartbeat log-shipper missing since 08:41Z (expected every 1m). Reply ACK"));

    clock.advance(Duration.ofMinutes(10));
    daemon.heartbeats().evaluate();
    assertThat(pages()).hasSize(1);

    post("/heartbeat/log-shipper", TOKEN, "");

    assertThat(firing()).isEmpty();
    assertThat(pages()).hasSize(2);
    assertThat(pages().get(0).body()).contains("RESOLVED " + alert.id() + " heartbeat log-shipper ok again (pinged 08:54Z)");
  }

  @Test
  void aFailPagesAtOnceWithTheFirstLineOfTheBodyAndAPingResolves() throws Exception {
    start();
    post("/heartbeat/backup/start", TOKEN, "");
    clock.advance(Duration.ofMinutes(5));

    HttpResponse<String> r = post("/heartbeat/backup/fail", TOKEN, "\n  pg_dump: disk full\nmore output\n");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(firing()).singleElement().extracting(Alert::summary)
        .isEqualTo("heartbeat backup reported failure at 08:45Z: pg_dump: disk full");
    post("/heartbeat/backup", TOKEN, "");
    assertThat(firing()).isEmpty();
  }

  @Test
  void aStartWithoutSuccessWithinGracePages() throws Exception {
    start();
    post("/heartbeat/backup", TOKEN, "");
    clock.advance(Duration.ofHours(20));
    post("/heartbeat/backup/start", TOKEN, "");
    clock.advance(Duration.ofMinutes(31));

    await().atMost(Duration.ofSeconds(10)).until(() -> firing().stream().anyMatch(a -> a.subject().equals("backup")));

    assertThat(firing()).filteredOn(a -> a.subject().equals("backup")).singleElement().extracting(Alert::summary)
        .isEqualTo("heartbeat backup started at 04:40Z and did not finish within 30m");
  }

  @Test
  void aHeartbeatOverdueWhileOobwatchWasDownPagesAtOnceAfterTheRestartAndOnlyOnce() throws Exception {
    start();
    post("/heartbeat/log-shipper", TOKEN, "");
    post("/heartbeat/backup", TOKEN, "");
    daemon.close();
    clock.advance(Duration.ofMinutes(10));

    start();

    await().atMost(Duration.ofSeconds(10)).until(() -> pages().size() == 1);
    assertThat(firing()).singleElement().extracting(Alert::summary)
        .isEqualTo("heartbeat log-shipper missing since 08:40Z (expected every 1m)");
    daemon.close();
    clock.advance(Duration.ofMinutes(1));
    start();
    daemon.heartbeats().evaluate();
    assertThat(pages()).hasSize(1);
    assertThat(firing()).hasSize(1);
  }

  @Test
  void aHeartbeatTakenOutOfTheConfigHasItsAlertResolvedAtTheNextStartWithANoticeWhileTheOthersStayOpen() throws Exception {
    start();
    post("/heartbeat/log-shipper", TOKEN, "");
    post("/heartbeat/backup/fail", TOKEN, "pg_dump: disk full");
    clock.advance(Duration.ofMinutes(4));
    await().atMost(Duration.ofSeconds(10)).until(() -> firing().size() == 2);
    Alert backup = firing().stream().filter(a -> a.subject().equals("backup")).findFirst().orElseThrow();
    await().atMost(Duration.ofSeconds(10)).until(() -> console.toString(StandardCharsets.UTF_8).contains("ALERT " + backup.id()));
    daemon.close();
    Files.writeString(dir.resolve("oobwatch.yaml"), Files.readString(dir.resolve("oobwatch.yaml"))
        .replace("  - { name: backup, token_file: hb.token, every: 1d, grace: 30m }\n", ""));
    clock.advance(Duration.ofHours(2));

    start();

    assertThat(daemon.stores().alerts().alert(backup.id()).orElseThrow().state()).isEqualTo(Alert.State.RESOLVED);
    assertThat(firing()).singleElement().extracting(Alert::subject).isEqualTo("log-shipper");
    await().atMost(Duration.ofSeconds(10)).until(() -> console.toString(StandardCharsets.UTF_8).contains(
        "RESOLVED " + backup.id() + " backup: no longer watched (removed from the config); was heartbeat backup reported"
            + " failure at 08:40Z: pg_dump: disk full, for 124m."));
    int pagesAfterFirstStart = pages().size();
    daemon.close();
    start();
    daemon.heartbeats().evaluate();
    assertThat(pages()).hasSize(pagesAfterFirstStart);
    assertThat(firing()).singleElement().extracting(Alert::subject).isEqualTo("log-shipper");
  }

  @Test
  void statusShowsEachHeartbeatWithLastSeenStateAndNextDue() throws Exception {
    start();
    post("/heartbeat/log-shipper", TOKEN, "");
    clock.advance(Duration.ofSeconds(5));
    daemon.heartbeats().evaluate();

    JsonNode status = JSON.readTree(get("/status").body());

    JsonNode shipper = status.get("heartbeats").get(0);
    assertThat(shipper.get("name").asText()).isEqualTo("log-shipper");
    assertThat(shipper.get("kind").asText()).isEqualTo("push");
    assertThat(shipper.get("state").asText()).isEqualTo("ok");
    assertThat(shipper.get("last_seen").asText()).isEqualTo("2026-11-27T08:40:00Z");
    assertThat(shipper.get("next_due").asText()).isEqualTo("2026-11-27T08:41:00Z");
    assertThat(shipper.get("overdue_at").asText()).isEqualTo("2026-11-27T08:43:00Z");
    JsonNode pull = status.get("heartbeats").get(2);
    assertThat(pull.get("kind").asText()).isEqualTo("pull");
    assertThat(pull.get("url").asText()).isEqualTo("http://127.0.0.1:9/healthz");
    assertThat(status.get("pipelines")).isEmpty();
    assertThat(status.toString()).doesNotContain(TOKEN);
  }
}
