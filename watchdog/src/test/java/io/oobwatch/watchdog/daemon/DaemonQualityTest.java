package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.testkit.KafkaBroker;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.quality.MinuteTallies;
import io.oobwatch.watchdog.store.QualityStore;
import io.oobwatch.watchdog.store.Stores;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon with a pipeline watched by its tap alone: the tap reads the real topic on its own
 * thread, the quality round runs at start, /status and /metrics carry each signal's figures, and
 * {@code check} prints them from the stored tallies afterwards.
 */
class DaemonQualityTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @TempDir Path dir;

  @Test
  void aPipelineWithATapShowsItsSignalsAndTheTapsOwnHealthInStatusAndMetrics() throws Exception {
    kafka.createTopic("inference-logs", 1);
    for (int i = 0; i < 50; i++) {
      kafka.producer().send(new ProducerRecord<>("inference-logs", "{\"request_id\":\"req_" + i
          + "\",\"finish_reason\":\"stop\",\"confidence\":0.8}"));
    }
    kafka.producer().flush();
    Path config = dir.resolve("oobwatch.yaml");
    Files.writeString(config, String.join("\n", "instance: wd-test", "state_dir: " + dir.resolve("state"), "pipelines:",
        "  - name: inference-logs",
        "    tap:",
        "      kafka: { bootstrap: \"" + kafka.bootstrap() + "\", topic: inference-logs }",
        "    quality:",
        "      refusal_rate: { field: finish_reason, in: [content_filter], min_samples: 10 }",
        "      confidence: { field: confidence, mean_below: 0.6, min_samples: 10 }",
        ""));
    Config c = new ConfigLoader().load(config);
    storedHoursOfTwoPercentRefusals(c, dir.resolve("state"));
    HttpClient http = HttpClient.newHttpClient();
    try (Daemon d = Daemon.start(c, Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      String base = "http://127.0.0.1:" + d.httpAddress().getPort();

      String status = await().atMost(Duration.ofSeconds(60)).until(() -> get(http, base + "/status"),
          b -> b.contains("\"name\" : \"refusal_rate\""));

      assertThat(status).contains("\"rule\" : \"tap-lag:tap\"", "\"rule\" : \"rate-rise:refusal_rate\"",
          "\"rule\" : \"mean:confidence\"");
      assertThat(d.qualityWatches()).hasSize(1);
      // the history thread charts each signal from the stored minutes and answers them per pipeline
      JsonNode history = await().atMost(Duration.ofSeconds(60)).until(
          () -> new ObjectMapper().readTree(get(http, base + "/history/quality?pipeline=inference-logs")).path("series"),
          series -> series.path(1).path("points").size() > 0);
      assertThat(history.findValuesAsText("type")).containsExactly("rate", "mean");
      assertThat(history.path(0).path("points").path(0).path("value").asDouble()).isZero();
      assertThat(history.path(1).path("threshold").asDouble()).isEqualTo(0.6);
      assertThat(history.path(1).path("points").path(0).path("value").asDouble()).isCloseTo(0.8, within(1e-9));
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/history/quality?pipeline=nope")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
      // the first round, at start: the refusal rate beside its baseline (the stored hours: a new install's last 3h)
      JsonNode refusals = signal(status, "refusal_rate");
      assertThat(refusals.path("value").asDouble()).isZero();
      assertThat(refusals.path("baseline").asDouble()).isCloseTo(0.02, within(1e-12));
      String metrics = get(http, base + "/metrics");
      assertThat(metrics).contains("oobwatch_quality_value{pipeline=\"inference-logs\",signal=\"tap\"}")
          .containsPattern("oobwatch_quality_baseline\\{pipeline=\"inference-logs\",signal=\"refusal_rate\"\\} 0\\.02\\b")
          .containsPattern("oobwatch_quality_baseline\\{pipeline=\"inference-logs\",signal=\"confidence\"\\} 0\\.(8\\b|7999999)"); // a mean of sums
      // the tap stores its tallies every second: wait until all 50 records are in before stopping it
      await().atMost(Duration.ofSeconds(30)).until(() -> check(config).out().contains("(50 requests)"));
    }

    // check reads the figures the daemon's tap stored, beside their baselines
    Checked checked = check(config);
    int exit = checked.exit();
    assertThat(checked.out()).containsPattern("inference-logs +refusal_rate +FIGURES +- +refusal rate 0\\.0% over 5m \\(50 requests\\),"
        + " baseline 2\\.0% ± 2\\.0% \\(last 3h\\): 1\\.0σ below")
        .containsPattern("inference-logs +confidence +FIGURES +- +confidence mean 0\\.8 over 2m \\(50 requests\\)");
    assertThat(exit).isZero();

    // check --json carries the same figures in the shape of /status's quality
    Checked json = check(config, "--json");
    assertThat(json.exit()).isZero();
    JsonNode q = new ObjectMapper()
        .readTree(json.out()).path("pipelines").path(0).path("quality");
    assertThat(q.path("pipeline").asText()).isEqualTo("inference-logs");
    assertThat(q.path("records").asLong()).isEqualTo(50);
    assertThat(q.path("signals").findValuesAsText("rule")).containsExactly("rate-rise:refusal_rate", "mean:confidence");
    assertThat(q.path("signals").path(1).path("value").asDouble()).isCloseTo(0.8, within(1e-9));
    assertThat(q.path("signals").path(1).path("samples").asLong()).isEqualTo(50);
    // σ: the binomial standard error of the 3h baseline at the window's 50 requests
    assertThat(q.path("signals").path(0).path("baseline").asDouble()).isCloseTo(0.02, within(1e-12));
    assertThat(q.path("signals").path(0).path("sigma").asDouble()).isCloseTo(Math.sqrt(0.02 * 0.98 / 50), within(1e-12));
  }

  /** One signal of the pipeline's quality in a /status answer. */
  static JsonNode signal(String status, String name) throws Exception {
    for (JsonNode s : new ObjectMapper().readTree(status).findValue("quality").findValues("signals").get(0)) {
      if (s.path("name").asText().equals(name)) {
        return s;
      }
    }
    return new ObjectMapper().createObjectNode();
  }

  /**
   * What an earlier run stored: the 4 closed hours before now and the current hour a day ago, 1,000
   * requests each, 2% refused, confidence 0.8. The refusal rate's baseline is then a new install's
   * (the last 3h: fewer than 3 past days), confidence's the same hour a day ago.
   */
  static void storedHoursOfTwoPercentRefusals(Config c, Path stateDir) {
    io.oobwatch.watchdog.config.QualitySpec spec = c.pipelines().get(0).quality().spec();
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    List<Instant> starts = new ArrayList<>();
    for (int h = 1; h <= 4; h++) {
      starts.add(hour.minus(Duration.ofHours(h)));
    }
    starts.add(hour.minus(Duration.ofDays(1)));
    try (Stores stores = Stores.open(stateDir)) {
      for (Instant start : starts) {
        MinuteTallies t = new MinuteTallies(spec);
        for (int i = 0; i < 1000; i++) {
          t.offer(("{\"request_id\":\"old_" + i + "\",\"finish_reason\":\"" + (i % 50 == 0 ? "content_filter" : "stop")
              + "\",\"confidence\":0.8}").getBytes(StandardCharsets.UTF_8), start);
        }
        stores.quality().saveHour("inference-logs", new QualityStore.Row(start, t.minutes().get(start).encode()));
      }
    }
  }

  record Checked(int exit, String out) {}

  /** {@code oobwatch check -c config [options]}, as a user runs it. */
  static Checked check(Path config, String... options) {
    java.io.StringWriter printed = new java.io.StringWriter();
    picocli.CommandLine cli = new picocli.CommandLine(io.oobwatch.watchdog.cli.Main.class);
    cli.setOut(new java.io.PrintWriter(printed));
    List<String> args = new ArrayList<>(List.of("check", "-c", config.toString()));
    args.addAll(List.of(options));
    int exit = cli.execute(args.toArray(String[]::new));
    return new Checked(exit, printed.toString());
  }

  static String get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
