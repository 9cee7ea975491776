package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.oobwatch.testkit.ConfigYaml;
import io.oobwatch.testkit.FakeLoki;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import io.oobwatch.watchdog.cli.CheckRun;
import io.oobwatch.watchdog.store.CanaryStore;
import java.nio.file.Files;
import java.nio.file.Path;
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
  static final Map<String, String> STREAM = Map.of("service", "inference");

  @TempDir Path dir;
  final FakeLoki loki = FakeLoki.basic("team-a", "oobwatch", "loki-pass-42");
  final AtomicBoolean forwarding = new AtomicBoolean(true);
  LoopbackHttp collector;
  CanaryDaemon rig;

  @BeforeEach
  void start() throws Exception {
    collector = LoopbackHttp.start(req -> {
      if (forwarding.get()) {
        Instant now = Instant.now();
        loki.add(STREAM, now.getEpochSecond() * 1_000_000_000L + now.getNano(), req.body());
      }
      return new Reply(202, "");
    });
    Files.writeString(dir.resolve("loki-password"), "loki-pass-42\n");
    rig = CanaryDaemon.start(dir, "inference-logs", ConfigYaml.http(collector.url("/ingest"), "2s"),
        "loki: { url: \"" + loki.url() + "\", tenant: team-a, username: oobwatch, password_file: loki-password,"
            + " selector: '{service=\"inference\"}', poll: 1s, timeout: 2s }");
  }

  @AfterEach
  void stop() {
    rig.close();
    collector.close();
    loki.close();
  }

  @Test
  void inSteadyStateCanariesAreFoundInLokiNobodyIsPagedAndCheckAndStatusShowTheLokiStageSeen() throws Exception {
    rig.awaitFlowing(4);

    assertThat(rig.twilio.requests()).isZero();
    assertThat(loki.requests()).allSatisfy(r -> assertThat(r.header("X-Scope-OrgID")).isEqualTo("team-a"));
    JsonNode stage = rig.status().at("/pipelines/0/canary/last/stages/0");
    assertThat(stage.path("stage").asText()).isEqualTo("loki");
    assertThat(stage.path("result").asText()).isEqualTo("SEEN");
    assertThat(stage.path("copies").asInt()).isEqualTo(1);
    assertThat(stage.path("latency_ms").asLong()).isBetween(0L, 2000L);
    assertThat(stage.has("bytes")).isFalse();

    CheckRun checked = rig.check();

    assertThat(checked.exit()).as(checked.out()).isZero();
    assertThat(checked.out()).startsWith("OOBWATCH OK").containsPattern("inject:http\\s+ACCEPTED")
        .containsPattern("inference-logs\\s+loki\\s+SEEN").doesNotContain("loki-pass-42");
  }

  @Test
  void lostBeforeLokiPagesOnceNamingLokiAndRecoveryResolvesOnce() {
    rig.awaitFlowing(2);

    forwarding.set(false);
    assertThat(rig.awaitSms(1)).contains("ALERT 1 inference-logs: canary lost between injection and loki")
        .containsPattern("not in loki after 3(\\.[0-9])?s");

    forwarding.set(true);
    assertThat(rig.awaitSms(2)).contains("RESOLVED 1 inference-logs: canaries flow again");
    rig.assertQuietWhileCanariesPass();
  }

  @Test
  void aLokiThatAnswers503IsCannotQueryLokiNeverLost() {
    rig.awaitFlowing(2);

    loki.answerEverything(503, "upstream connect error");

    assertThat(rig.awaitSms(1)).contains("ALERT 1 inference-logs: cannot query loki")
        .contains("answered the query with HTTP 503").doesNotContain("lost");
  }

  @Test
  void aSustainedRateLimitPagesCannotQueryLokiRateLimitedNeverLostAndResolvesOnceLokiAnswers() {
    rig.awaitFlowing(2);

    loki.rateLimit("too many outstanding requests", 2);

    assertThat(rig.awaitSms(1)).contains("ALERT 1 inference-logs: cannot query loki: rate-limited")
        .contains("limited the query (HTTP 429: too many outstanding requests)").doesNotContain("lost");
    int queries = queries();
    long judged = counts().unreachable();
    await().atMost(Duration.ofSeconds(30)).until(() -> counts().unreachable() >= judged + 4);
    // Retry-After: 2 holds the queries back: at most one per 2 s while limited, not one per canary poll
    assertThat(queries() - queries).isLessThanOrEqualTo(4);

    // oobwatch check beside it says the same, not "lost"
    CheckRun checked = rig.check();
    assertThat(checked.exit()).as(checked.out()).isEqualTo(2);
    assertThat(checked.out()).startsWith("OOBWATCH CRITICAL - inference-logs: cannot query loki: rate-limited")
        .containsPattern("loki\\s+RATE_LIMITED").doesNotContain("LOST").doesNotContain("lost");

    loki.answerEverything(0, "");
    assertThat(rig.awaitSms(2)).contains("RESOLVED 1 inference-logs");
    assertThat(rig.twilio.delivered()).noneSatisfy(m -> assertThat(m.body()).contains("lost"));
    assertThat(counts().lost()).as("canaries judged lost").isZero();
  }

  CanaryStore.OutcomeCounts counts() {
    return rig.daemon.stores().canaries().counts(rig.pipeline, Instant.EPOCH);
  }

  int queries() {
    return (int) loki.requests().stream().filter(r -> r.path().equals("/loki/api/v1/query_range")).count();
  }

  @Test
  void rejectedCredentialsPageWithTheirOwnReasonAndNoSecret() {
    rig.awaitFlowing(2);

    loki.answerEverything(401, "Unauthorized");

    assertThat(rig.awaitSms(1)).contains("cannot query loki")
        .contains("rejected the credentials (HTTP 401)").doesNotContain("loki-pass-42").doesNotContain("lost");
  }
}
