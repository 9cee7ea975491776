package io.oobwatch.watchdog.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.DaemonProcess;
import io.oobwatch.watchdog.loopback.LoopbackPipeline;
import io.oobwatch.watchdog.loopback.NotifyReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code oobwatch run} as a real process, notifying a socket in the abstract namespace, stopped with SIGTERM. */
class RunUnderSystemdTest {
  @TempDir Path dir;

  @Test
  void theRunCommandTellsSystemdReadyPingsTheWatchdogAndSaysStoppingOnSigterm() throws Exception {
    try (LoopbackPipeline pipeline = LoopbackPipeline.start();
        NotifyReceiver systemd = NotifyReceiver.abstractName("oobwatch-run-" + ProcessHandle.current().pid())) {
      Path config = dir.resolve("oobwatch.yaml");
      Files.writeString(config, "instance: wd-proc\nstate_dir: state\nhttp: { listen: \"127.0.0.1:0\" }\npipelines:\n"
          + pipeline.pipelineYaml("loopback", "1s", "250ms"));
      Process daemon = DaemonProcess.start(config, dir.resolve("daemon.log"), List.of("-Xmx128m"),
          Map.of("NOTIFY_SOCKET", systemd.address(), "WATCHDOG_USEC", "1000000"));
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> !systemd.with("READY=1").isEmpty());
        assertThat(systemd.with("READY=1").get(0).get("STATUS")).startsWith("1 pipeline, 0 firing, ");
        await().atMost(Duration.ofSeconds(10)).until(() -> systemd.with("WATCHDOG=1").size() >= 3);
        assertThat(systemd.with("STOPPING=1")).isEmpty();

        daemon.destroy(); // SIGTERM, as systemctl stop sends
        assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // the JVM reports death by SIGTERM as 143 even after a clean shutdown; the unit lists it in SuccessExitStatus=
        assertThat(daemon.exitValue()).isIn(0, 143);
        await().atMost(Duration.ofSeconds(5)).until(() -> !systemd.with("STOPPING=1").isEmpty());
        assertThat(systemd.messages()).last().satisfies(m -> assertThat(m.has("STOPPING=1")).isTrue());
      } finally {
        daemon.destroyForcibly().waitFor();
      }
      assertThat(Files.readString(dir.resolve("daemon.log"))).contains("ready: told systemd READY=1");
    }
  }
}
