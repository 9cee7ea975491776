package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.config.QualitySpec;
import io.oobwatch.watchdog.quality.MinuteTallies;
import io.oobwatch.watchdog.schedule.HeartbeatWatch;
import io.oobwatch.watchdog.schedule.QualityWatch;
import io.oobwatch.watchdog.schedule.Scheduler;
import io.oobwatch.watchdog.store.QualityStore;
import io.oobwatch.watchdog.store.Stores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} for the quality and cost signals, from a watch's round over stored tallies (the
 * real store, no tap): each signal's value, baseline and σ, and firing request-max alerts counted
 * under their signal's rule, not one series per session.
 */
class QualityMetricsTest {
  static final Instant NOW = Instant.parse("2026-11-30T10:05:00Z");

  @TempDir Path dir;

  @Test
  void metricsCarryEachSignalsValueBaselineAndSigmaAndOneFiringSeriesPerRequestSignal() throws Exception {
    Config config = new ConfigLoader(Map.<String, String>of()::get).parse("oobwatch.yaml", dir, String.join("\n",
        "instance: wd-test",
        "pipelines:",
        "  - name: inference-logs",
        "    tap:",
        "      kafka: { bootstrap: \"kafka-1:9092\", topic: inference-logs }",
        "    quality:",
        "      refusal_rate: { field: finish_reason, in: [content_filter], min_samples: 10 }",
        "    cost:",
        "      request_tokens: { fields: [tokens_in], max: 50000 }",
        ""));
    QualitySpec spec = config.pipelines().get(0).quality().spec();
    TestClock clock = new TestClock(NOW);
    try (Stores stores = Stores.open(dir.resolve("state"))) {
      // 3 stored hours of 2% refusals; then a minute of 50 requests, none refused, two sessions over the max
      for (int h = 1; h <= 3; h++) {
        Instant start = NOW.minus(Duration.ofHours(h)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        stores.quality().saveHour("inference-logs", new QualityStore.Row(start, tally(spec, start, 1000, 20).encode()));
      }
      Instant minute = NOW.minus(Duration.ofMinutes(1));
      MinuteTallies last = new MinuteTallies(spec);
      for (int i = 0; i < 50; i++) {
        last.offer(("{\"request_id\":\"r" + i + "\",\"session_id\":\"s" + i + "\",\"finish_reason\":\"stop\",\"tokens_in\":"
            + (i < 2 ? 60_000 : 900) + "}").getBytes(StandardCharsets.UTF_8), minute);
      }
      stores.quality().saveMinutes("inference-logs", List.of(new QualityStore.Row(minute, last.minutes().get(minute).encode())));
      Alerts alerts = new Alerts("wd-test", stores.alerts(), null, clock, () -> { });
      QualityWatch watch = new QualityWatch("wd-test", "inference-logs", spec, stores.quality(), alerts, clock);
      watch.tick();
      List<QualityWatch> quality = new ArrayList<>(List.of(watch));
      DaemonMetrics metrics = new DaemonMetrics(config, clock, stores.alerts(), stores.outbox(), List.of(),
          new HeartbeatWatch("wd-test", List.of(), Map.of(), stores.heartbeats(), alerts, clock), Scheduler.Lateness::none,
          null, quality);

      String text = metrics.render(true);

      assertThat(text).contains("oobwatch_quality_value{pipeline=\"inference-logs\",signal=\"refusal_rate\"} 0\n",
          "oobwatch_quality_baseline{pipeline=\"inference-logs\",signal=\"refusal_rate\"} 0.02\n",
          "oobwatch_quality_sigma{pipeline=\"inference-logs\",signal=\"refusal_rate\"} " + Math.sqrt(0.02 * (1 - 0.02) / 50) + "\n",
          "oobwatch_quality_value{pipeline=\"inference-logs\",signal=\"request_tokens\"} 60000\n",
          "oobwatch_alerts_firing{rule=\"request-max:request_tokens\"} 2\n");
      assertThat(text).doesNotContain("request_tokens/s");
    }
  }

  /** {@code n} requests logged at {@code at}, {@code refused} of them refused. */
  static io.oobwatch.watchdog.quality.Tally tally(QualitySpec spec, Instant at, int n, int refused) {
    MinuteTallies t = new MinuteTallies(spec);
    for (int i = 0; i < n; i++) {
      t.offer(("{\"request_id\":\"old" + i + "\",\"finish_reason\":\"" + (i < refused ? "content_filter" : "stop")
          + "\",\"tokens_in\":900}").getBytes(StandardCharsets.UTF_8), at);
    }
    return t.minutes().firstEntry().getValue();
  }
}
