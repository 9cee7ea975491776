package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.ConfigYaml;
import io.oobwatch.testkit.ConfigYaml.Canary;
import io.oobwatch.testkit.FakeLoki;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import io.oobwatch.watchdog.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collector → Loki pipeline through the real daemon: canaries are POSTed to a loopback collector
 * that pushes each line into a loopback Loki (as Vector or Promtail would), and the loki stage
 * looks for them with query_range (tenant and Basic auth checked), paging through the real
 * twilio-sdk to a loopback Twilio.
 */
class LokiPipelineTest {
  static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "loki-token-0123456789";
  static final Map<String, String> STREAM = Map.of("service", "inference");

  @TempDir Path dir;
  final FakeLoki loki = FakeLoki.basic("team-a", "oobwatch", "loki-pass-42");
  final AtomicBoolean forwarding = new AtomicBoolean(true);
  LoopbackHttp collector;
  FakeTwilio twilio;
  Daemon daemon;

  @BeforeEach
  void start() throws Exception {
    collector = LoopbackHttp.start(req -> {
      if (forwarding.get()) {
        Instant now = Instant.now();
        loki.add(STREAM, now.getEpochSecond() * 1_000_000_000L + now.getNano(), req.body());
      }
      return new Reply(202, "");
    });
    twilio = FakeTwilio.start(SID, TOKEN);
    Files.writeString(dir.resolve("loki-password"), "loki-pass-42\n");
    Path config = ConfigYaml.instance("wd-test")
        .canary("inference-logs", Canary.quick("3s", "2s")
            .inject(ConfigYaml.http(collector.url("/ingest"), "2s"))
            .stage("loki: { url: \"" + loki.url() + "\", tenant: team-a, username: oobwatch, password_file: loki-password,"
                + " selector: '{service=\"inference\"}', timeout: 2s }"))
        .smsAliceAtOnce(twilio)
        .writeTo(dir);
    daemon = Daemon.start(new ConfigLoader().load(config), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @AfterEach
  void stop() {
    daemon.close();
    twilio.close();
    collector.close();
    loki.close();
  }

  long ok() {
    return daemon.stores().canaries().counts("inference-logs", Instant.EPOCH).ok();
  }

  @Test
  void inSteadyStateCanariesAreFoundInLokiAndNobodyIsPaged() {
    await().atMost(Duration.ofSeconds(30)).until(() -> ok() >= 4);

    assertThat(twilio.requests()).isZero();
    assertThat(loki.requests()).allSatisfy(r -> assertThat(r.header("X-Scope-OrgID")).isEqualTo("team-a"));
  }

  @Test
  void lostBeforeLokiPagesOnceNamingLokiAndRecoveryResolvesOnce() {
    await().atMost(Duration.ofSeconds(30)).until(() -> ok() >= 2);

    forwarding.set(false);
    await().atMost(Duration.ofSeconds(30)).until(() -> twilio.delivered().size() == 1);
    assertThat(twilio.delivered().get(0).body()).contains("ALERT 1 inference-logs: canary lost between injection and loki")
        .containsPattern("not in loki after 3(\\.[0-9])?s");

    forwarding.set(true);
    await().atMost(Duration.ofSeconds(30)).until(() -> twilio.delivered().size() == 2);
    assertThat(twilio.delivered().get(1).body()).contains("RESOLVED 1 inference-logs: canaries flow again");
    long okAtResolve = ok();
    await().atMost(Duration.ofSeconds(20)).until(() -> ok() >= okAtResolve + 2);
    assertThat(twilio.delivered()).hasSize(2);
  }

  @Test
  void aLokiThatAnswers503IsCannotQueryLokiNeverLost() {
    await().atMost(Duration.ofSeconds(30)).until(() -> ok() >= 2);

    loki.answerEverything(503, "upstream connect error");
    await().atMost(Duration.ofSeconds(30)).until(() -> twilio.delivered().size() == 1);

    assertThat(twilio.delivered().get(0).body()).contains("ALERT 1 inference-logs: cannot query loki")
        .contains("answered the query with HTTP 503").doesNotContain("lost");
  }

  @Test
  void rejectedCredentialsPageWithTheirOwnReasonAndNoSecret() {
    await().atMost(Duration.ofSeconds(30)).until(() -> ok() >= 2);

    loki.answerEverything(401, "Unauthorized");
    await().atMost(Duration.ofSeconds(30)).until(() -> twilio.delivered().size() == 1);

    assertThat(twilio.delivered().get(0).body()).contains("cannot query loki")
        .contains("rejected the credentials (HTTP 401)").doesNotContain("loki-pass-42").doesNotContain("lost");
  }
}
