package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.loopback.NotifyReceiver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon with its state_dir on a 4 MB tmpfs that fills up while a pull heartbeat breaks: it
 * must say so everywhere a human or a supervisor looks, page the first on-call straight through
 * Twilio (the outbox cannot be written), once, and recover fully, with the heartbeat's streak
 * counted across the whole outage, when space returns.
 */
class StateDiskFullTest {
  static final String SID = "AC" + "00112233445566778899aabbccddeeff";
  static final String TOKEN = "disk-token-00112233445566778899";
  static final String ALICE = "+15550002222";

  @TempDir Path dir;
  Path state;
  boolean mounted;

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      run("umount", "-l", state.toString());
    }
  }

  @Test
  void aFullStateDiskTurnsHealthRedStopsTheWatchdogPingsFailsTheSwitchPagesOnceAndRecoversWithTheWholeStreak()
      throws Exception {
    state = Files.createDirectories(dir.resolve("state"));
    mountTmpfs(state);
    TestClock clock = TestClock.at("2026-11-27T03:00:00Z");
    HttpClient http = HttpClient.newHttpClient();
    try (FakeTwilio twilio = FakeTwilio.start(SID, TOKEN);
        LoopbackHttp target = LoopbackHttp.start(r -> new LoopbackHttp.Reply(200, "ok"));
        LoopbackHttp deadMansSwitch = LoopbackHttp.start(r -> new LoopbackHttp.Reply(200, "OK"));
        NotifyReceiver systemd = NotifyReceiver.atPath(dir.resolve("notify.sock"));
        Daemon d = Daemon.start(config(twilio, target, deadMansSwitch), clock,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            Map.of("NOTIFY_SOCKET", systemd.address(), "WATCHDOG_USEC", "1000000"))) {
      URI healthz = URI.create("http://127.0.0.1:" + d.httpAddress().getPort() + "/healthz");
      await().until(() -> get(http, healthz).statusCode() == 200 && !target.requests().isEmpty());

      fill(state);
      target.answer(new LoopbackHttp.Reply(500, "broken"));

      HttpResponse<String> red = await().atMost(10, TimeUnit.SECONDS).until(() -> get(http, healthz), r -> r.statusCode() == 503);
      assertThat(red.body()).contains("cannot write its state", "disk full");
      String expected = "oobwatch cannot write its state on " + InetAddress.getLocalHost().getHostName() + ": disk full";
      await().atMost(10, TimeUnit.SECONDS).until(() -> !twilio.delivered().isEmpty());
      assertThat(twilio.delivered()).singleElement().satisfies(m -> {
        assertThat(m.to()).isEqualTo(ALICE);
        assertThat(m.body()).isEqualTo(expected);
      });
      await().atMost(10, TimeUnit.SECONDS).until(() -> deadMansSwitch.requests().stream()
          .anyMatch(r -> r.path().endsWith("/fail") && r.body().contains("disk full")));
      long lastPing = systemd.with("WATCHDOG=1").get(systemd.with("WATCHDOG=1").size() - 1).atNanos();
      int failedProbes = target.requests().size();
      // several more failed probes on the full disk: no watchdog ping, no second page
      await().atMost(15, TimeUnit.SECONDS).until(() -> target.requests().size() >= failedProbes + 6);
      assertThat(systemd.with("WATCHDOG=1")).allSatisfy(m -> assertThat(m.atNanos()).isLessThanOrEqualTo(
          lastPing));
      assertThat(twilio.delivered()).hasSize(1);

      Files.delete(state.resolve("filler"));

      await().atMost(10, TimeUnit.SECONDS).until(() -> get(http, healthz).statusCode() == 200);
      await().atMost(10, TimeUnit.SECONDS).until(() -> systemd.with("WATCHDOG=1").stream().anyMatch(m -> m.atNanos() > lastPing));
      String alert = await().atMost(10, TimeUnit.SECONDS).until(() -> twilio.delivered().stream()
          .map(FakeTwilio.Message::body).filter(b -> b.contains("heartbeat inference-api failing")).findFirst().orElse(null),
          b -> b != null);
      Matcher inARow = Pattern.compile("\\((\\d+) in a row\\)").matcher(alert);
      assertThat(inARow.find()).as(alert).isTrue();
      assertThat(Integer.parseInt(inARow.group(1))).as("every failed probe of the outage counts").isGreaterThanOrEqualTo(6);
      assertThat(twilio.delivered()).filteredOn(m -> m.body().startsWith("oobwatch cannot write")).hasSize(1);
    }
  }

  Config config(FakeTwilio twilio, LoopbackHttp target, LoopbackHttp deadMansSwitch) throws Exception {
    String yaml = String.join("\n",
        "instance: wd-test",
        "state_dir: " + state,
        "http: { listen: \"127.0.0.1:0\" }",
        "heartbeats:",
        "  - { name: inference-api, url: \"" + target.url("/healthz") + "\", every: 1s, timeout: 500ms, failures_to_fire: 3 }",
        "self:",
        "  dead_mans_switch: { url: \"" + deadMansSwitch.url("/ping/abc") + "\", every: 1s, timeout: 500ms }",
        "paging:",
        "  twilio: { account_sid: \"${TW_SID}\", auth_token: \"${TW_TOKEN}\", from: \"+15550001111\", api_base: \""
            + twilio.baseUrl() + "\" }",
        "  oncall: [ { name: alice, phone: \"" + ALICE + "\" }, { name: bob, phone: \"+15550003333\" } ]",
        "  escalation: [ { after: 0s, sms: [alice] } ]",
        "");
    return new ConfigLoader(Map.of("TW_SID", SID, "TW_TOKEN", TOKEN)::get).parse("disk.yaml", dir, yaml);
  }

  static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Mounts a 4 MB tmpfs; without the privilege to, fails under CI and skips elsewhere, saying why. */
  void mountTmpfs(Path at) throws Exception {
    String out = run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", at.toString());
    if (out != null) {
      String why = "cannot mount a 4 MB tmpfs for the state_dir (needs root or CAP_SYS_ADMIN): " + out;
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(why);
      }
      Assumptions.abort(why);
    }
    mounted = true;
  }

  /** Writes zeros until the file system is full. */
  static void fill(Path state) throws IOException {
    byte[] chunk = new byte[16 * 1024];
    try (OutputStream out = Files.newOutputStream(state.resolve("filler"))) {
      while (true) {
        out.write(chunk);
        out.flush();
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left")) {
        throw full;
      }
    }
  }

  /** Runs a command; null when it succeeded, else its output. */
  static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.waitFor() == 0 ? null : out.strip() + " (exit " + p.exitValue() + ")";
  }
}
