package io.oobwatch.watchdog.self;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import io.oobwatch.testkit.LoopbackHttp.Request;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.daemon.Daemon;
import io.oobwatch.watchdog.loopback.LoopbackPipeline;
import io.oobwatch.watchdog.store.OutboxEntry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two daemons peering over real loopback HTTP, one of them pinging a dead man's switch. */
class SelfMonitoringTest {
  @TempDir Path dir;
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  Daemon daemon(String name, LoopbackPipeline pipeline, String self) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    Files.writeString(d.resolve("oobwatch.yaml"), "instance: " + name + "\nstate_dir: state\npipelines:\n"
        + pipeline.pipelineYaml("logs", "1s", "100ms") + "self:\n" + self);
    Daemon daemon = Daemon.start(new ConfigLoader().load(d.resolve("oobwatch.yaml")), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Map.of());
    open.add(daemon);
    return daemon;
  }

  <T extends AutoCloseable> T track(T c) {
    open.add(c);
    return c;
  }

  @Test
  void whenOnePeerDiesTheSurvivorPagesThatItIsSilentAndItsDeadMansSwitchKeepsPinging() throws Exception {
    LoopbackHttp hc = track(LoopbackHttp.start(request -> new Reply(200, "OK")));
    Daemon b = daemon("wd-us-1", track(LoopbackPipeline.start()), "  stalled_after: 5s\n");
    String bHealth = "http://127.0.0.1:" + b.httpAddress().getPort() + "/healthz";
    Daemon a = daemon("wd-eu-1", track(LoopbackPipeline.start()), String.join("\n",
        "  stalled_after: 5s",
        "  dead_mans_switch: { url: \"" + hc.url("/ping/uuid-a") + "\", every: 200ms, timeout: 150ms }",
        "  peers:",
        "    - { name: wd-us-1, url: \"" + bHealth + "\", every: 200ms, failures_to_fire: 2, timeout: 150ms }",
        ""));

    await().atMost(Duration.ofSeconds(10)).until(() -> hc.requests().size() >= 3);
    assertThat(hc.requests()).allSatisfy(r -> {
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.path()).isEqualTo("/ping/uuid-a");
      assertThat(r.body()).isEqualTo("ok");
    });
    assertThat(a.stores().alerts().alerts(java.time.Instant.EPOCH)).isEmpty();

    b.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> a.stores().alerts().openAlert("peer wd-us-1", "peer").isPresent());
    assertThat(a.stores().alerts().openAlert("peer wd-us-1", "peer").orElseThrow().summary()).matches("silent since [0-2][0-9]:[0-5][0-9]Z");
    assertThat(a.stores().outbox().pages(10)).extracting(OutboxEntry::body).singleElement().asString()
        .contains("ALERT 1 peer wd-us-1: silent since ").contains("refused the connection");
    // the survivor itself is well: its switch still says ok
    int seen = hc.requests().size();
    await().atMost(Duration.ofSeconds(10)).until(() -> hc.requests().size() >= seen + 2);
    assertThat(hc.requests().subList(seen, hc.requests().size())).extracting(Request::path)
        .containsOnly("/ping/uuid-a");
  }

  @Test
  void aStalledEvaluationLoopMakesTheDeadMansSwitchReportFailureWithTheReason() throws Exception {
    LoopbackHttp hc = track(LoopbackHttp.start(request -> new Reply(200, "OK")));
    LoopbackPipeline pipeline = track(LoopbackPipeline.start());
    daemon("wd-eu-1", pipeline, String.join("\n",
        "  stalled_after: 1s",
        "  dead_mans_switch: { url: \"" + hc.url("/ping/uuid-a/") + "\", every: 200ms, timeout: 150ms }",
        ""));
    await().atMost(Duration.ofSeconds(10)).until(() -> !hc.requests().isEmpty());
    pipeline.hang();
    await().atMost(Duration.ofSeconds(10)).until(() -> hc.requests().stream().anyMatch(r -> r.path().equals("/ping/uuid-a/fail")));
    Request fail = hc.requests().stream().filter(r -> r.path().endsWith("/fail")).findFirst().orElseThrow();
    assertThat(fail.body()).startsWith("evaluation of pipeline logs stalled since ");
    pipeline.release();
    int seen = hc.requests().size();
    await().atMost(Duration.ofSeconds(10)).until(() -> hc.requests().size() > seen
        && hc.requests().get(hc.requests().size() - 1).path().equals("/ping/uuid-a/"));
  }
}
