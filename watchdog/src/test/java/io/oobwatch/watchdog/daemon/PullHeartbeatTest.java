package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.store.HeartbeatRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull heartbeats through the real daemon against a loopback health endpoint, paging through the
 * real twilio-sdk to a loopback Twilio. Probes run every 300ms, so each scenario takes a second or two.
 */
class PullHeartbeatTest {
  static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "pull-token-0123456789";

  @TempDir Path dir;
  LoopbackHttp api;
  FakeTwilio twilio;
  Daemon daemon;
  String healthz;

  @BeforeEach
  void start() throws Exception {
    api = LoopbackHttp.start(request -> new Reply(200, "{\"status\":\"ok\"}"));
    healthz = api.url("/healthz");
    twilio = FakeTwilio.start(SID, TOKEN);
    Files.writeString(dir.resolve("twilio-sid"), SID);
    Files.writeString(dir.resolve("twilio-token"), TOKEN);
    Files.writeString(dir.resolve("oobwatch.yaml"), String.join("\n",
        "instance: wd-test",
        "state_dir: state",
        "heartbeats:",
        "  - name: inference-api",
        "    url: \"" + healthz + "\"",
        "    every: 300ms",
        "    timeout: 200ms",
        "    expect_status: 200",
        "    expect_body: '\"status\":\"ok\"'",
        "    failures_to_fire: 3",
        "paging:",
        "  twilio: { account_sid_file: twilio-sid, auth_token_file: twilio-token, from: \"+15550001111\", api_base: \""
            + twilio.baseUrl() + "\" }",
        "  oncall: [ { name: alice, phone: \"+15550002222\" } ]",
        "  escalation: [ { after: 0s, sms: [alice] } ]",
        ""));
    daemon = Daemon.start(new ConfigLoader().load(dir.resolve("oobwatch.yaml")), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    if (twilio != null) {
      twilio.close();
    }
    if (api != null) {
      api.close();
    }
  }

  HeartbeatRecord state() {
    return daemon.stores().heartbeats().heartbeats().get("inference-api");
  }

  @Test
  void aHealthyEndpointIsProbedAndNobodyIsPaged() {
    await().atMost(Duration.ofSeconds(10)).until(() -> state().lastOk() != null);
    assertThat(state().failures()).isZero();
    assertThat(twilio.requests()).isZero();
  }

  @Test
  void threeWrongStatusesInARowPageOnceAndRecoveryResolves() {
    await().atMost(Duration.ofSeconds(10)).until(() -> state().lastOk() != null);

    api.answer(new Reply(503, "{\"status\":\"degraded\"}"));

    await().atMost(Duration.ofSeconds(15)).until(() -> twilio.delivered().size() == 1);
    FakeTwilio.Message page = twilio.delivered().get(0);
    assertThat(page.to()).isEqualTo("+15550002222");
    assertThat(page.body()).contains("ALERT 1 heartbeat inference-api failing: " + healthz
        + " answered HTTP 503, expected HTTP 200").contains("(3 in a row)").contains("Reply ACK 1.");
    int failuresAtPage = state().failures();
    await().atMost(Duration.ofSeconds(10)).until(() -> state().failures() >= failuresAtPage + 3);
    assertThat(twilio.delivered()).hasSize(1);

    api.answer(new Reply(200, "{\"status\":\"ok\"}"));

    await().atMost(Duration.ofSeconds(15)).until(() -> twilio.delivered().size() == 2);
    assertThat(twilio.delivered().get(1).body()).contains("RESOLVED 1 heartbeat inference-api ok again (HTTP 200)");
  }

  @Test
  void aBodyWithoutTheExpectedTextIsAFailureWithThatReason() {
    api.answer(new Reply(200, "{\"status\":\"starting\"}"));

    await().atMost(Duration.ofSeconds(10)).until(() -> state().failures() >= 1);

    assertThat(state().reason()).isEqualTo(healthz + " answered HTTP 200 without \"\"status\":\"ok\"\" in the body: "
        + "\"{\"status\":\"starting\"}\"");
  }

  @Test
  void aHangingEndpointFailsWithinTheTimeoutAndPages() {
    api.answer(Reply.NEVER);

    await().atMost(Duration.ofSeconds(15)).until(() -> twilio.delivered().size() == 1);

    assertThat(state().reason()).isEqualTo(healthz + " did not answer within 0.2s");
    assertThat(twilio.delivered().get(0).body()).contains("did not answer within 0.2s (3 in a row)");
  }

  @Test
  void aRefusedConnectionIsAFailureWithThatReason() {
    await().atMost(Duration.ofSeconds(10)).until(() -> state().lastOk() != null);
    api.close();
    api = null;

    // the first probe after the close may still meet the closing server; then nothing listens
    await().atMost(Duration.ofSeconds(10)).until(() -> (healthz + " refused the connection").equals(state().reason()));
    assertThat(state().failures()).isGreaterThanOrEqualTo(1);
  }
}
