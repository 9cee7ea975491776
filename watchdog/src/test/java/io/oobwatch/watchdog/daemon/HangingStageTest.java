package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.schedule.PipelineWatch;
import io.oobwatch.watchdog.schedule.Scheduler;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the real daemon and its one scheduler: pipelines whose store hangs, more of them than
 * the scheduler has workers, do not delay another pipeline's canaries.
 */
class HangingStageTest {
  /** More than the daemon's steady workers: without spares they would hold every worker. */
  static final int HANGING = Scheduler.Settings.DAEMON.workers() + 2;

  @TempDir Path dir;

  @Test
  void pipelinesWhoseStoreHangsDoNotDelayAnotherPipelinesCanaries() throws Exception {
    try (LoopbackHttp collector = LoopbackHttp.unrecorded(r -> Reply.json(202, "{}"));
        LoopbackHttp hanging = LoopbackHttp.unrecorded(r -> Reply.NEVER);
        LoopbackHttp healthy = LoopbackHttp.unrecorded(r -> Reply.json(200, "{\"hits\":[\"" + r.rawQuery() + "\"]}"))) {
      StringBuilder y = new StringBuilder("instance: wd-test\nstate_dir: state\npipelines:\n");
      for (int i = 0; i < HANGING; i++) {
        y.append(pipeline("hung-" + i, collector.url("/ingest"), hanging.url("/search?id={canary_id}"), "5s"));
      }
      y.append(pipeline("healthy", collector.url("/ingest"), healthy.url("/search?id={canary_id}"), "1s"));
      Files.writeString(dir.resolve("oobwatch.yaml"), y);

      try (Daemon daemon = Daemon.start(new ConfigLoader().load(dir.resolve("oobwatch.yaml")), Clock.systemUTC(),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
        PipelineWatch watch = daemon.watches().stream().filter(w -> w.name().equals("healthy")).findFirst().orElseThrow();

        // each hung pipeline holds a worker for 5 s per lookup; the healthy one emits every second, and
        // without spare workers it would wait up to those 5 s (a margin for a loaded machine below that)
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.snapshot().recent().size() >= 6);

        List<CanaryOutcome> recent = watch.snapshot().recent();
        assertThat(recent).allMatch(o -> o.verdict() == CanaryOutcome.Verdict.OK);
        for (int i = 1; i < recent.size(); i++) {
          Instant before = recent.get(i - 1).emittedAt();
          assertThat(Duration.between(before, recent.get(i).emittedAt()))
              .as("gap between canaries %d and %d", i - 1, i).isLessThan(Duration.ofMillis(2500));
        }
      }
    }
  }

  static String pipeline(String name, String entry, String stage, String timeout) {
    return "  - name: " + name + "\n"
        + "    canary:\n"
        + "      every: 1s\n"
        + "      deadline: 30s\n"
        + "      inject: { http: { url: \"" + entry + "\" } }\n"
        + "      stages:\n"
        + "        - http: { name: store, url: \"" + stage + "\", timeout: " + timeout + " }\n";
  }
}
