package io.oobwatch.watchdog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.ConfigYaml;
import io.oobwatch.testkit.ConfigYaml.Canary;
import io.oobwatch.testkit.DaemonProcess;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.watchdog.store.OutboxEntry;
import io.oobwatch.watchdog.store.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as a real process, killed with SIGKILL at the two dangerous instants of sending a page
 * (held there by {@link PausingDaemon}, which wires a pausing dispatcher): after the outbox write but
 * before the send, and after Twilio accepted but before the SID was recorded. After a restart every
 * page is delivered once: one Twilio took is found in its list by the outbox key in the text; only
 * when the list cannot be read does it go again, marked "(repeat)".
 */
class OutboxCrashTest {
  static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "crash-token-0123456789";

  @TempDir Path dir;
  FakeTwilio twilio;
  Process daemon;

  @BeforeEach
  void start() {
    twilio = FakeTwilio.start(SID, TOKEN);
  }

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.destroyForcibly().waitFor();
    }
    twilio.close();
  }

  Path config() {
    return config(dir, twilio);
  }

  /** One pipeline whose canary cannot be injected, so it pages alice at its first canary; written to {@code dir}. */
  static Path config(Path dir, FakeTwilio twilio) {
    String closed = LoopbackHttp.closedPortUrl();
    return ConfigYaml.instance("wd-crash")
        .httpOnFreePort()
        .canary("inference-logs", Canary.every("1s")
            .set("losses_to_fire", "1")
            .inject(ConfigYaml.http(closed + "/ingest", "1s"))
            .stage(ConfigYaml.http(closed + "/q?id={canary_id}", "1s")))
        .sms(twilio, "+15550001111")
        .oncall("alice", "+15550002222")
        .escalation("0s", "alice")
        .writeTo(dir);
  }

  Process spawn(Path config, String pauseAt, Path log) throws Exception {
    return pauseAt == null ? DaemonProcess.start(config, log, "-Xmx128m")
        : DaemonProcess.start(List.of(PausingDaemon.class.getName(), config.toString(), pauseAt), log, "-Xmx128m");
  }

  /** Runs the daemon until it holds at {@code point}, then kills it with SIGKILL. */
  void killAt(Path config, String point) throws Exception {
    Path log = dir.resolve("first.log");
    daemon = spawn(config, point, log);
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(log)
        && Files.readString(log).contains("TEST PAUSE at " + point));
    daemon.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, nothing flushed
    daemon = null;
  }

  List<OutboxEntry> pages() {
    try (Stores store = Stores.open(dir.resolve("state"))) {
      return store.outbox().pages(10);
    }
  }

  @Test
  void killedBetweenTheOutboxWriteAndTheSendThePageIsSentOnceAfterRestart() throws Exception {
    Path config = config();
    killAt(config, "before-send");
    assertThat(twilio.requests()).isZero();
    assertThat(pages()).singleElement().extracting(OutboxEntry::state).isEqualTo(OutboxEntry.State.PENDING);

    daemon = spawn(config, null, dir.resolve("second.log"));
    await().atMost(Duration.ofSeconds(60)).until(() -> twilio.delivered().size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> pages().get(0).state() == OutboxEntry.State.SENT);
    assertThat(twilio.delivered().get(0).body()).contains("ALERT 1 inference-logs: cannot inject canary into http")
        .doesNotContain("(repeat)");
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> twilio.delivered().size() == 1);
    assertThat(pages()).singleElement().extracting(OutboxEntry::sid).isEqualTo(twilio.delivered().get(0).sid());
  }

  @Test
  void killedBetweenTheSendAndTheSidRecordThePageIsFoundInTwiliosListAfterRestartAndNotSentAgain() throws Exception {
    Path config = config();
    killAt(config, "after-send");
    assertThat(twilio.delivered()).hasSize(1);
    assertThat(pages()).singleElement().satisfies(p -> {
      assertThat(p.state()).isEqualTo(OutboxEntry.State.PENDING);
      assertThat(p.sendingAt()).as("marked before the request").isNotNull();
    });

    daemon = spawn(config, null, dir.resolve("second.log"));
    await().atMost(Duration.ofSeconds(60)).until(() -> pages().get(0).state() == OutboxEntry.State.SENT);
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> twilio.delivered().size() == 1);
    assertThat(pages()).singleElement().extracting(OutboxEntry::sid).isEqualTo(twilio.delivered().get(0).sid());
  }

  @Test
  void killedAfterTheSendWhileTwilioCannotListItsMessagesThePageGoesAgainMarkedRepeat() throws Exception {
    Path config = config();
    killAt(config, "after-send");
    twilio.failNext(500, 20500); // the restart's lookup fails

    daemon = spawn(config, null, dir.resolve("second.log"));
    await().atMost(Duration.ofSeconds(60)).until(() -> pages().get(0).state() == OutboxEntry.State.SENT);
    assertThat(twilio.delivered()).hasSize(2);
    assertThat(twilio.delivered().get(1).body()).startsWith("(repeat) ")
        .endsWith(twilio.delivered().get(0).body());
  }
}
