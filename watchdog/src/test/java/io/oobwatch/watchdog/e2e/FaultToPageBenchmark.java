package io.oobwatch.watchdog.e2e;

import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.ConfigYaml;
import io.oobwatch.testkit.ConfigYaml.Canary;
import io.oobwatch.testkit.DaemonProcess;
import io.oobwatch.testkit.EmbeddedKafka;
import io.oobwatch.testkit.EmbeddedOpenSearch;
import io.oobwatch.testkit.FakeDatadog;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.watchdog.store.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
 * (the connector stalls, or the Datadog forwarder on its own branch) to the SMS arriving at the
 * loopback Twilio, with every 5s, deadline 20s, losses_to_fire 2, and the resident memory of the
 * daemon process watching that one pipeline.
 * Run: {@code mvn -B -pl watchdog -am verify -Pbenchmark}; results are appended to
 * {@code benchmarks/results.md} and printed.
 */
@Tag("benchmark")
class FaultToPageBenchmark {
  static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "bench-token-0123456789";
  static final int RUNS = Integer.getInteger("bench.runs", 3);
  /** The canaries' {@code every} in {@link #canary}. */
  static final Duration EVERY = Duration.ofSeconds(5);

  @TempDir Path dir;

  /** One run's pipeline: its config, the consumer the fault stalls, and what it costs to close. */
  interface Pipeline extends AutoCloseable {
    Path config();

    void stall();

    /** Whether a watcher compared with oobwatch is ready to see the fault (true when there is none). */
    default boolean comparedReady() {
      return true;
    }

    /** When the compared watcher notified of the fault; null before, or when there is none. */
    default Instant comparedNotified() {
      return null;
    }

    default boolean compared() {
      return false;
    }
  }

  /** Builds the pipeline of run {@code run} on a fresh topic, paging through {@code twilio}. */
  interface Setup {
    Pipeline open(EmbeddedKafka kafka, EmbeddedOpenSearch os, String topic, Path runDir, FakeTwilio twilio) throws Exception;
  }

  static Canary canary(EmbeddedKafka kafka, String topic) {
    return Canary.every(EVERY.toSeconds() + "s")
        .set("deadline", "20s")
        .set("losses_to_fire", "2")
        .inject(ConfigYaml.kafka(kafka.bootstrap(), topic))
        .stage(ConfigYaml.kafka(kafka.bootstrap(), topic));
  }

  static Path config(Canary canary, FakeTwilio twilio, Path runDir) {
    return ConfigYaml.instance("bench")
        .httpOnFreePort()
        .canary("inference-logs", canary)
        .sms(twilio, "+15550001111")
        .oncall("alice", "+15550002222")
        .escalation("0s", "alice")
        .writeTo(runDir);
  }

  @Test
  void faultToPage() throws Exception {
    measure("## Fault to page (issue 2)", 4, connectorStall(false));
  }

  /**
   * The connector stall on a busy pipeline (the inference service logs 5 records a second), once
   * the elasticsearch stage has learned its latency (52 canaries in): the stall is LATE and
   * corroborated (no real record indexed since it), well before the deadline.
   */
  @Test
  void faultToPageOnABusyPipeline() throws Exception {
    measure("## Fault to page on a busy pipeline, judged LATE (issue 12)", 52, connectorStall(true));
  }

  /**
   * The connector stall of {@link #faultToPage}, watched at the same time by Prometheus and
   * Alertmanager (see {@link PrometheusAlerting} for the settings) on the connector's lag: fault to
   * oobwatch's SMS beside fault to Alertmanager's webhook. Skipped, saying so, when the Debian
   * packages are not installed (a benchmark only: CI does not install them).
   */
  @Test
  void faultToPageBesidePrometheus() throws Exception {
    besidePrometheus(false);
  }

  /**
   * The same on the busy pipeline of {@link #faultToPageOnABusyPipeline}, where oobwatch can judge
   * the stall LATE once 52 canaries taught it the latency.
   */
  @Test
  void faultToPageOnABusyPipelineBesidePrometheus() throws Exception {
    besidePrometheus(true);
  }

  void besidePrometheus(boolean busy) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(PrometheusAlerting.installed(),
        "SKIPPED: needs " + PrometheusAlerting.PROMETHEUS + " and " + PrometheusAlerting.ALERTMANAGER
            + " (apt-get install prometheus prometheus-alertmanager)");
    Setup stall = connectorStall(busy);
    measure("## Fault to page beside Prometheus + Alertmanager (issue 12)", busy ? ", busy pipeline" : "",
        busy ? 52 : 4, (kafka, os, topic, runDir, twilio) -> {
      Pipeline p = stall.open(kafka, os, topic, runDir, twilio);
      PrometheusAlerting prometheus =
          new PrometheusAlerting(kafka.bootstrap(), "connector-" + topic, topic, runDir.resolve("prometheus"));
      return new Pipeline() {
        public Path config() {
          return p.config();
        }

        public void stall() {
          p.stall();
        }

        public boolean comparedReady() {
          return prometheus.scraping();
        }

        public Instant comparedNotified() {
          return prometheus.notified();
        }

        public boolean compared() {
          return true;
        }

        public void close() throws Exception {
          prometheus.close();
          p.close();
        }
      };
    });
  }

  static Setup connectorStall(boolean busy) {
    return (kafka, os, topic, runDir, twilio) -> {
      Connector connector = new Connector(kafka.bootstrap(), topic, os.url(), topic + "-2026.11.27");
      InferenceTraffic traffic = busy ? new InferenceTraffic(kafka.bootstrap(), topic, Duration.ofMillis(200)) : null;
      Path config = config(canary(kafka, topic).stage(ConfigYaml.elasticsearch(os.url(), topic + "-*")), twilio, runDir);
      return new Pipeline() {
        public Path config() {
          return config;
        }

        public void stall() {
          connector.stall();
        }

        public void close() throws Exception {
          if (traffic != null) {
            traffic.close();
          }
          connector.close();
        }
      };
    };
  }

  /**
   * The Datadog branch: kafka → (elasticsearch, datadog after kafka), the forwarder to a loopback
   * Datadog stalls while the connector keeps copying. The datadog stage keeps its defaults (poll
   * 10s, indexing delay 5s) and the fake its budget of 300 searches per hour, so the searches are
   * spaced about 12 s apart as at Datadog.
   */
  @Test
  void forwarderStallToPage() throws Exception {
    measure("## Forwarder stall to page, Datadog branch (issue 10)", 4, (kafka, os, topic, runDir, twilio) -> {
      FakeDatadog datadog = FakeDatadog.start("bench-dd-api-key", "bench-dd-app-key", Clock.systemUTC());
      Connector connector = new Connector(kafka.bootstrap(), topic, os.url(), topic + "-2026.11.27");
      Forwarder forwarder = new Forwarder(kafka.bootstrap(), topic, datadog.baseUrl(), "bench-dd-api-key");
      Files.writeString(runDir.resolve("dd-api-key"), "bench-dd-api-key\n");
      Files.writeString(runDir.resolve("dd-app-key"), "bench-dd-app-key\n");
      Path config = config(canary(kafka, topic)
          .stage(ConfigYaml.elasticsearch(os.url(), topic + "-*"))
          .stage("datadog: { after: kafka, url: \"" + datadog.baseUrl() + "\", api_key_file: \""
              + runDir.resolve("dd-api-key") + "\", application_key_file: \"" + runDir.resolve("dd-app-key") + "\" }"),
          twilio, runDir);
      return new Pipeline() {
        public Path config() {
          return config;
        }

        public void stall() {
          forwarder.stall();
        }

        public void close() throws Exception {
          forwarder.close();
          connector.close();
          datadog.close();
        }
      };
    });
  }

  /**
   * Runs {@link #RUNS} times: steady state ({@code warm} canaries judged OK), the fault, the SMS; a
   * row under {@code section} of the results.
   */
  void measure(String section, int warm, Setup setup) throws Exception {
    measure(section, "", warm, setup);
  }

  /** @param label added to the row's date, to tell rows of one table apart */
  void measure(String section, String label, int warm, Setup setup) throws Exception {
    List<Double> seconds = new ArrayList<>();
    List<Long> rssKb = new ArrayList<>();
    List<Double> compared = new ArrayList<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        EmbeddedOpenSearch os = EmbeddedOpenSearch.start(dir.resolve("os"))) {
      for (int run = 1; run <= RUNS; run++) {
        Path runDir = Files.createDirectories(dir.resolve("run" + run));
        String topic = "bench-" + run;
        kafka.createTopic(topic, 3);
        try (FakeTwilio twilio = FakeTwilio.start(SID, TOKEN);
            Pipeline pipeline = setup.open(kafka, os, topic, runDir, twilio)) {
          Process daemon = DaemonProcess.start(pipeline.config(), runDir.resolve("daemon.log"), "-Xmx128m", "-XX:+UseSerialGC");
          try (Stores store = Stores.open(runDir.resolve("state"))) {
            await().atMost(Duration.ofSeconds(60 + 6L * warm))
                .until(() -> store.canaries().counts("inference-logs", Instant.EPOCH).ok() >= warm
                    && pipeline.comparedReady());
            rssKb.add(rss(daemon.pid()));
            // a real fault comes at any moment of the canary period: run k of n faults (k - 1/2)/n of
            // `every` after a canary's emission, so the runs spread evenly over the period
            Instant emitted = store.canaries().recentOutcomes("inference-logs", 1).get(0).emittedAt();
            Duration phase = EVERY.multipliedBy(2L * run - 1).dividedBy(2L * RUNS);
            Instant at = emitted.plus(phase);
            while (at.isBefore(Instant.now())) {
              at = at.plus(EVERY);
            }
            Instant faultAt = at;
            await().atMost(EVERY.plusSeconds(1)).pollInterval(Duration.ofMillis(5))
                .until(() -> !Instant.now().isBefore(faultAt));
            Instant fault = Instant.now();
            pipeline.stall();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .until(() -> !twilio.delivered().isEmpty());
            double s = Duration.between(fault, Instant.now()).toMillis() / 1000.0;
            seconds.add(s);
            System.out.printf(Locale.ROOT, "run %d: fault %.2f s after a canary's emission, to SMS %.1f s, daemon RSS %d MiB; %s%n",
                run, phase.toMillis() / 1000.0, s, rssKb.get(rssKb.size() - 1) / 1024, twilio.delivered().get(0).body());
            if (pipeline.compared()) {
              await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(20))
                  .until(() -> pipeline.comparedNotified() != null);
              double c = Duration.between(fault, pipeline.comparedNotified()).toMillis() / 1000.0;
              compared.add(c);
              System.out.printf(Locale.ROOT, "run %d: fault to Alertmanager webhook %.1f s%n", run, c);
            }
          } finally {
            daemon.destroy();
            daemon.waitFor();
          }
        }
      }
    }
    String date = Instant.now().toString().substring(0, 10) + label;
    String line = compared.isEmpty()
        ? String.format(Locale.ROOT, "| %s | %d | %s | %.1f | %.1f | %s | %d |%n", date, RUNS, joined(seconds),
            mean(seconds), seconds.stream().mapToDouble(Double::doubleValue).max().orElse(0),
            "-Xmx128m -XX:+UseSerialGC", rssKb.stream().mapToLong(Long::longValue).max().orElse(0) / 1024)
        : String.format(Locale.ROOT, "| %s | %d | %s | %.1f | %s | %.1f | %.1f× |%n", date, RUNS, joined(seconds),
            mean(seconds), joined(compared), mean(compared), mean(compared) / mean(seconds));
    Path results = Path.of("..", "benchmarks", "results.md");
    if (Files.exists(results)) {
      Files.writeString(results, underSection(Files.readString(results), section, line));
    }
    System.out.print(line);
  }

  static String joined(List<Double> values) {
    return values.stream().map(v -> String.format(Locale.ROOT, "%.1f", v)).reduce((a, b) -> a + ", " + b).orElse("");
  }

  static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }

  /** {@code text} with {@code row} added at the end of the first table after the heading {@code section}. */
  static String underSection(String text, String section, String row) {
    int at = text.indexOf(section + "\n");
    if (at < 0) {
      return text + row;
    }
    int table = text.indexOf("\n|", at);
    int end = table < 0 ? -1 : text.indexOf("\n\n", table);
    return end < 0 ? text + row : text.substring(0, end + 1) + row + text.substring(end + 1);
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
