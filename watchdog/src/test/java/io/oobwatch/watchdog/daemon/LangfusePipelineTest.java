package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.oobwatch.testkit.FakeLangfuse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Langfuse pipeline through the real daemon: canary traces go in through the loopback Langfuse's
 * OTLP endpoint and are read back through its public API (v2 observations), with the keys from
 * files. The fake takes 300 ms to make a trace readable, as Langfuse's queue and worker do.
 */
class LangfusePipelineTest {
  static final String PK = "pk-lf-0a1b2c3d";
  static final String SK = "sk-lf-s3cret-42";

  @TempDir Path dir;
  final FakeLangfuse langfuse = FakeLangfuse.start(PK, SK);
  CanaryDaemon rig;

  @BeforeEach
  void start() throws Exception {
    langfuse.ingestionDelay(Duration.ofMillis(300));
    Files.writeString(dir.resolve("langfuse-public-key"), PK + "\n");
    Files.writeString(dir.resolve("langfuse-secret-key"), SK + "\n");
    String project = "url: \"" + langfuse.url() + "\", public_key_file: langfuse-public-key,"
        + " secret_key_file: langfuse-secret-key, timeout: 2s";
    rig = CanaryDaemon.start(dir, "llm-traces", "langfuse: { " + project + " }", "langfuse: { " + project + ", poll: 1s }");
  }

  @AfterEach
  void stop() {
    rig.close();
    langfuse.close();
  }

  @Test
  void inSteadyStateCanaryTracesAreReadBackNobodyIsPagedAndStatusShowsTheLangfuseStageSeen() throws Exception {
    rig.awaitFlowing(4);

    assertThat(rig.twilio.requests()).isZero();
    assertThat(langfuse.traces()).hasSizeGreaterThanOrEqualTo(4)
        .allSatisfy(t -> assertThat(t.tags()).contains("synthetic"));
    assertThat(langfuse.requests()).anySatisfy(r -> assertThat(r.path()).isEqualTo("/api/public/v2/observations"));
    JsonNode stage = rig.status().at("/pipelines/0/canary/last/stages/0");
    assertThat(stage.path("stage").asText()).isEqualTo("langfuse");
    assertThat(stage.path("result").asText()).isEqualTo("SEEN");
    assertThat(stage.path("copies").asInt()).isEqualTo(1);
    // never sooner than the fake's ingestion delay: the trace is read back, not assumed
    assertThat(stage.path("latency_ms").asLong()).isBetween(300L, 2000L);
    assertThat(rig.status().toString()).doesNotContain(SK).doesNotContain(PK);
  }

  @Test
  void aStalledWorkerPagesOnceNamingLangfuseAndRecoveryResolvesOnce() {
    rig.awaitFlowing(2);

    langfuse.stallWorker(true);
    assertThat(rig.awaitSms(1)).contains("ALERT 1 llm-traces: canary lost between injection and langfuse")
        .containsPattern("not in langfuse after 3(\\.[0-9])?s");

    langfuse.stallWorker(false);
    assertThat(rig.awaitSms(2)).contains("RESOLVED 1 llm-traces: canaries flow again");
    rig.assertQuietWhileCanariesPass();
  }

  @Test
  void aReadApiThatAnswers503IsCannotQueryLangfuseNeverLost() {
    rig.awaitFlowing(2);

    langfuse.failReads(503, "upstream unavailable");

    assertThat(rig.awaitSms(1)).contains("ALERT 1 llm-traces: cannot query langfuse")
        .contains("HTTP 503").doesNotContain("lost");
  }

  @Test
  void rejectedKeysPageWithTheirOwnReasonAndNeitherKey() {
    rig.awaitFlowing(2);

    langfuse.failWith(401, "Invalid credentials. Confirm that you've configured the correct host.");

    assertThat(rig.awaitSms(1)).contains("ALERT 1 llm-traces: cannot inject canary into langfuse")
        .contains("rejected the API keys (HTTP 401").doesNotContain(SK).doesNotContain(PK).doesNotContain("lost");
  }
}
