package io.oobwatch.watchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.testkit.FakeLangfuse;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code oobwatch check} of a Langfuse pipeline: its stage table, and the hop it names when Langfuse's worker is stalled. */
class LangfuseCheckTest {
  static final String PK = "pk-lf-check";
  static final String SK = "sk-lf-check-secret";

  @TempDir Path dir;
  final FakeLangfuse langfuse = FakeLangfuse.start(PK, SK);
  final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @AfterEach
  void stop() {
    langfuse.close();
  }

  int check() throws Exception {
    Files.writeString(dir.resolve("pk"), PK + "\n");
    Files.writeString(dir.resolve("sk"), SK + "\n");
    String project = "url: \"" + langfuse.url() + "\", public_key_file: pk, secret_key_file: sk";
    Path file = Files.writeString(dir.resolve("oobwatch.yaml"), String.join("\n",
        "instance: wd-cli",
        "state_dir: state",
        "pipelines:",
        "  - name: llm-traces",
        "    canary:",
        "      deadline: 6s",
        "      slo: 5s",
        "      poll: 100ms",
        "      inject: { langfuse: { " + project + " } }",
        "      stages:",
        "        - langfuse: { " + project + ", poll: 1s }",
        ""));
    CommandLine cmd = new CommandLine(Main.class);
    cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cmd.setErr(new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    return cmd.execute("check", "-c", file.toString());
  }

  @Test
  void checkIsOkWithTheLangfuseEntryAndStageInItsTableWhenTheTraceIsReadBack() throws Exception {
    langfuse.ingestionDelay(Duration.ofMillis(200));

    assertThat(check()).as(out.toString(StandardCharsets.UTF_8)).isZero();

    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("OOBWATCH OK")
        .containsPattern("inject:langfuse\\s+ACCEPTED").containsPattern("langfuse\\s+SEEN");
  }

  @Test
  void checkIsCriticalNamingTheHopIntoLangfuseWhenItsWorkerIsStalled() throws Exception {
    langfuse.stallWorker(true);

    assertThat(check()).isEqualTo(2);

    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("OOBWATCH CRITICAL - llm-traces: canary lost between injection and langfuse")
        .containsPattern("langfuse\\s+LOST").doesNotContain(SK);
  }
}
