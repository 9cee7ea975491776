package io.oobwatch.watchdog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.DaemonProcess;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.watchdog.store.OutboxEntry;
import io.oobwatch.watchdog.store.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the real daemon at random moments around its first page, then a restart; per run the
 * texts for alert 1 that reached the loopback Twilio are counted: none is a lost page, two or more a
 * duplicate. The moments are drawn uniformly from one second before to half a second after the
 * instant a page reaches Twilio when nothing is killed (measured first), so they fall before the
 * alert, between the outbox write and the request, in the request, and after it. Goal: 0 lost and at
 * most 1 duplicate in 50. {@code -Dcrash.runs=N} runs fewer; the result is a row in
 * benchmarks/results.md.
 */
@Tag("benchmark")
class CrashDrillBenchmark {
  @TempDir Path dir;

  @Test
  void killNineAroundAPageLosesNoneAndDuplicatesAtMostOneIn50() throws Exception {
    int runs = Integer.getInteger("crash.runs", 50);
    long pageAfterMs = calibrate();
    Random random = new Random(42);
    int lost = 0;
    int duplicated = 0;
    int repeats = 0;
    long started = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      long killAtMs = Math.max(0, pageAfterMs - 1000 + random.nextInt(1500));
      Path run = Files.createDirectories(dir.resolve("run-" + i));
      try (FakeTwilio twilio = FakeTwilio.start(OutboxCrashTest.SID, OutboxCrashTest.TOKEN)) {
        Path config = OutboxCrashTest.config(run, twilio);
        Process first = DaemonProcess.start(config, run.resolve("first.log"), "-Xmx128m");
        try {
          long until = System.nanoTime() + killAtMs * 1_000_000;
          await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(60)).until(() -> System.nanoTime() >= until);
        } finally {
          first.destroyForcibly().waitFor(); // SIGKILL
        }
        Process second = DaemonProcess.start(config, run.resolve("second.log"), "-Xmx128m");
        try {
          await().atMost(Duration.ofSeconds(60)).until(() -> sentPage(run));
          // anything sent twice would arrive within the grouping and retry windows
          await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
        } finally {
          second.destroyForcibly().waitFor();
        }
        long texts = twilio.delivered().stream().filter(m -> m.body().contains("ALERT 1 ")).count();
        lost += texts == 0 ? 1 : 0;
        duplicated += texts > 1 ? 1 : 0;
        repeats += (int) twilio.delivered().stream().filter(m -> m.body().startsWith("(repeat)")).count();
        System.out.printf(Locale.ROOT, "run %d: kill at %d ms, %d text(s)%n", i, killAtMs, texts);
      }
    }
    double minutes = (System.nanoTime() - started) / 60e9;
    String line = String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d–%d | %.1f |%n",
        Instant.now().toString().substring(0, 10), runs, lost, duplicated, repeats, Math.max(0, pageAfterMs - 1000),
        pageAfterMs + 500, minutes);
    System.out.print(line);
    Path results = Path.of("..", "benchmarks", "results.md");
    String marker = "<!-- crash-drill rows -->";
    if (Files.exists(results) && Files.readString(results).contains(marker)) {
      Files.writeString(results, Files.readString(results).replace(marker, line.strip() + "\n" + marker));
    }
    assertThat(lost).isZero();
    assertThat(duplicated).isLessThanOrEqualTo(Math.max(1, runs / 50));
  }

  /** Milliseconds from starting the daemon to its page reaching Twilio, when nothing is killed. */
  long calibrate() throws Exception {
    Path run = Files.createDirectories(dir.resolve("calibration"));
    try (FakeTwilio twilio = FakeTwilio.start(OutboxCrashTest.SID, OutboxCrashTest.TOKEN)) {
      Path config = OutboxCrashTest.config(run, twilio);
      long t0 = System.nanoTime();
      Process p = DaemonProcess.start(config, run.resolve("daemon.log"), "-Xmx128m");
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> !twilio.arrivals().isEmpty());
        return (twilio.arrivals().get(0) - t0) / 1_000_000;
      } finally {
        p.destroyForcibly().waitFor();
      }
    }
  }

  static boolean sentPage(Path run) {
    try (Stores store = Stores.open(run.resolve("state"))) {
      List<OutboxEntry> pages = store.outbox().pages(10);
      return !pages.isEmpty() && pages.stream().allMatch(p -> p.state() == OutboxEntry.State.SENT);
    } catch (RuntimeException e) {
      return false; // the daemon holds the file busy for a moment
    }
  }
}
