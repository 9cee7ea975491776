package io.oobwatch.watchdog.e2e;

import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.ConfigYaml;
import io.oobwatch.testkit.ConfigYaml.Canary;
import io.oobwatch.testkit.DaemonProcess;
import io.oobwatch.testkit.EmbeddedKafka;
import io.oobwatch.testkit.EmbeddedOpenSearch;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.watchdog.store.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a test (tagged "benchmark", excluded from the normal run): time from the fault
 * (the connector stalls) to the SMS arriving at the loopback Twilio, with every 5s, deadline 20s,
 * losses_to_fire 2, and the resident memory of the daemon process watching that one pipeline.
 * Run: {@code mvn -B -pl watchdog -am verify -Pbenchmark}; results are appended to
 * {@code benchmarks/results.md} and printed.
 */
@Tag("benchmark")
class FaultToPageBenchmark {
  static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "bench-token-0123456789";
  static final int RUNS = Integer.getInteger("bench.runs", 3);

  @TempDir Path dir;

  @Test
  void faultToPage() throws Exception {
    List<Double> seconds = new ArrayList<>();
    List<Long> rssKb = new ArrayList<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        EmbeddedOpenSearch os = EmbeddedOpenSearch.start(dir.resolve("os"))) {
      for (int run = 1; run <= RUNS; run++) {
        Path runDir = Files.createDirectories(dir.resolve("run" + run));
        String topic = "bench-" + run;
        kafka.createTopic(topic, 3);
        try (FakeTwilio twilio = FakeTwilio.start(SID, TOKEN);
            Connector connector = new Connector(kafka.bootstrap(), topic, os.url(), topic + "-2026.11.27")) {
          Path config = ConfigYaml.instance("bench")
              .httpOnFreePort()
              .canary("inference-logs", Canary.every("5s")
                  .set("deadline", "20s")
                  .set("losses_to_fire", "2")
                  .inject(ConfigYaml.kafka(kafka.bootstrap(), topic))
                  .stage(ConfigYaml.kafka(kafka.bootstrap(), topic))
                  .stage(ConfigYaml.elasticsearch(os.url(), topic + "-*")))
              .sms(twilio, "+15550001111")
              .oncall("alice", "+15550002222")
              .escalation("0s", "alice")
              .writeTo(runDir);
          Process daemon = DaemonProcess.start(config, runDir.resolve("daemon.log"), "-Xmx128m", "-XX:+UseSerialGC");
          try (Stores store = Stores.open(runDir.resolve("state"))) {
            await().atMost(Duration.ofSeconds(120)).until(() -> store.canaries().counts("inference-logs", Instant.EPOCH).ok() >= 4);
            rssKb.add(rss(daemon.pid()));
            Instant fault = Instant.now();
            connector.stall();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .until(() -> !twilio.delivered().isEmpty());
            double s = Duration.between(fault, Instant.now()).toMillis() / 1000.0;
            seconds.add(s);
            System.out.printf(Locale.ROOT, "run %d: fault to SMS %.1f s, daemon RSS %d MiB%n", run, s,
                rssKb.get(rssKb.size() - 1) / 1024);
          } finally {
            daemon.destroy();
            daemon.waitFor();
          }
        }
      }
    }
    String line = String.format(Locale.ROOT,
        "| %s | %d | %s | %.1f | %.1f | %s | %d |%n", Instant.now().toString().substring(0, 10), RUNS,
        seconds.stream().map(v -> String.format(Locale.ROOT, "%.1f", v)).reduce((a, b) -> a + ", " + b).orElse(""),
        seconds.stream().mapToDouble(Double::doubleValue).average().orElse(0),
        seconds.stream().mapToDouble(Double::doubleValue).max().orElse(0),
        "-Xmx128m -XX:+UseSerialGC",
        rssKb.stream().mapToLong(Long::longValue).max().orElse(0) / 1024);
    Path results = Path.of("..", "benchmarks", "results.md");
    if (Files.exists(results)) {
      Files.writeString(results, Files.readString(results) + line);
    }
    System.out.print(line);
  }

  static long rss(long pid) throws Exception {
    for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
