package io.oobwatch.watchdog.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.daemon.Daemon;
import io.oobwatch.watchdog.status.SelfStatus;
import io.oobwatch.watchdog.status.StatusJson;
import io.oobwatch.watchdog.loopback.LoopbackPipeline;
import io.oobwatch.watchdog.loopback.NotifyReceiver;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon under systemd's notify protocol, in-process with an injected environment; every
 * notification travels a real unix datagram socket that the test binds (as systemd would).
 */
class SdNotifyTest {
  @TempDir Path dir;
  LoopbackPipeline pipeline;
  NotifyReceiver systemd;
  Daemon daemon;

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
    if (systemd != null) {
      systemd.close();
    }
  }

  Daemon start(String deadline, Map<String, String> env) throws Exception {
    if (pipeline == null) {
      pipeline = LoopbackPipeline.start();
    }
    Path config = dir.resolve("oobwatch.yaml");
    Files.writeString(config, "instance: wd-test\nstate_dir: state\npipelines:\n"
        + pipeline.pipelineYaml("loopback", "1s", "100ms", deadline)
        + "self: { stalled_after: 1s }\n");
    daemon = Daemon.start(new ConfigLoader().load(config), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), env);
    return daemon;
  }

  Map<String, String> underSystemd(String watchdogUsec) throws Exception {
    systemd = NotifyReceiver.atPath(dir.resolve("notify.sock"));
    return Map.of("NOTIFY_SOCKET", systemd.address(), "WATCHDOG_USEC", watchdogUsec);
  }

  SelfStatus self() throws Exception {
    return StatusJson.read(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + daemon.httpAddress().getPort() + "/status")).build(),
        HttpResponse.BodyHandlers.ofString()).body()).self();
  }

  static long medianGapMillis(List<NotifyReceiver.Message> ms) {
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < ms.size(); i++) {
      gaps.add((ms.get(i).atNanos() - ms.get(i - 1).atNanos()) / 1_000_000);
    }
    Collections.sort(gaps);
    return gaps.get(gaps.size() / 2);
  }

  @Test
  void readyIsSentOnlyAfterTheFirstEvaluationRoundThenWatchdogPingsComeAtHalfTheInterval() throws Exception {
    // the store hangs from the start: the first round cannot complete, so the daemon is not ready
    pipeline = LoopbackPipeline.start();
    pipeline.hang();
    start("10s", underSystemd("400000"));
    await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.searches() >= 1);
    await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> systemd.with("READY=1").isEmpty());
    assertThat(daemon.watches().get(0).snapshot().lastTick()).isNull();
    pipeline.release();
    await().atMost(Duration.ofSeconds(10)).until(() -> !systemd.with("READY=1").isEmpty());
    assertThat(daemon.watches().get(0).snapshot().lastTick()).isNotNull();
    NotifyReceiver.Message ready = systemd.with("READY=1").get(0);
    assertThat(ready.get("STATUS")).matches("1 pipeline, 0 firing, (last canary [0-9.]+m?s|no canary judged yet)");

    await().atMost(Duration.ofSeconds(10)).until(() -> systemd.with("WATCHDOG=1").size() >= 8);
    List<NotifyReceiver.Message> pings = systemd.with("WATCHDOG=1");
    assertThat(medianGapMillis(pings)).as("ping every WATCHDOG_USEC/2 = 200 ms").isBetween(150L, 280L);
    assertThat(systemd.with("STOPPING=1")).isEmpty();

    daemon.close();
    daemon = null;
    assertThat(systemd.messages()).last().satisfies(m -> assertThat(m.has("STOPPING=1")).isTrue());
  }

  @Test
  void aWedgedEvaluationLoopStopsTheWatchdogPingsAndTheyResumeWhenItRecovers() throws Exception {
    start("10s", underSystemd("300000"));
    await().atMost(Duration.ofSeconds(10)).until(() -> systemd.with("WATCHDOG=1").size() >= 3);

    pipeline.hang();
    await().atMost(Duration.ofSeconds(10)).until(() -> systemd.statuses().stream()
        .anyMatch(s -> s.startsWith("STALLED: evaluation of pipeline loopback stalled since")));
    int pingsWhileWedged = systemd.with("WATCHDOG=1").size();
    await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(3))
        .until(() -> systemd.with("WATCHDOG=1").size() == pingsWhileWedged);
    HttpResponse<String> health = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.httpAddress().getPort() + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.body()).contains("evaluation of pipeline loopback stalled since");
    // /status (and the status page) says the pings are held back
    assertThat(self().systemd()).isEqualTo(new SelfStatus.Systemd("150ms", pingsWhileWedged, true));

    pipeline.release();
    await().atMost(Duration.ofSeconds(10)).until(() -> systemd.with("WATCHDOG=1").size() >= pingsWhileWedged + 3);
    await().atMost(Duration.ofSeconds(10)).until(() -> systemd.statuses().get(systemd.statuses().size() - 1).startsWith("1 pipeline"));
    assertThat(self().systemd().withholding()).isFalse();
    assertThat(self().systemd().watchdogPings()).isGreaterThanOrEqualTo(pingsWhileWedged + 3);
  }

  @Test
  void statusFollowsTheDaemonWhenAnAlertFires() throws Exception {
    start("1s", underSystemd("2000000"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !systemd.with("READY=1").isEmpty());
    pipeline.drop();
    await().atMost(Duration.ofSeconds(20)).until(() -> systemd.statuses().stream()
        .anyMatch(s -> s.startsWith("1 pipeline, 1 firing, last canary (loopback): canary lost between injection and store")));
  }

  @Test
  void withoutNotifySocketNothingIsNotified() throws Exception {
    SystemdNotifier n = SystemdNotifier.start(Map.of("WATCHDOG_USEC", "1000000"),
        new SystemdNotifier.Source(() -> true, () -> null, () -> "x"));
    assertThat(n.active()).isFalse();
    n.close();
  }

  @Test
  void theWatchdogIntervalIsHalfOfWatchdogUsecAndOnlyForThisProcess() {
    assertThat(SystemdNotifier.watchdogInterval(Map.of("WATCHDOG_USEC", "30000000"), 42)).isEqualTo(Duration.ofSeconds(15));
    assertThat(SystemdNotifier.watchdogInterval(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "42"), 42))
        .isEqualTo(Duration.ofSeconds(15));
    assertThat(SystemdNotifier.watchdogInterval(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "7"), 42)).isNull();
    assertThat(SystemdNotifier.watchdogInterval(Map.of("WATCHDOG_USEC", "0"), 42)).isNull();
    assertThat(SystemdNotifier.watchdogInterval(Map.of("WATCHDOG_USEC", "soon"), 42)).isNull();
    assertThat(SystemdNotifier.watchdogInterval(Map.of(), 42)).isNull();
  }

  @Test
  void anAbstractNamespaceAddressIsReachedToo() throws Exception {
    systemd = NotifyReceiver.abstractName("oobwatch-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    try (NotifySocket s = NotifySocket.open(systemd.address())) {
      assertThat(s.send("READY=1\nSTATUS=hello")).isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> !systemd.messages().isEmpty());
    assertThat(systemd.messages().get(0).text()).isEqualTo("READY=1\nSTATUS=hello");
  }
}
