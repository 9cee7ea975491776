package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.StageResult;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.schedule.SignalWatch;
import io.oobwatch.watchdog.server.Health;
import io.oobwatch.watchdog.server.StatusServer;
import io.oobwatch.watchdog.server.StatusSource;
import io.oobwatch.watchdog.status.CanaryHistory;
import io.oobwatch.watchdog.status.CanaryStatus;
import io.oobwatch.watchdog.status.LastCanary;
import io.oobwatch.watchdog.status.PagingStatus;
import io.oobwatch.watchdog.status.PipelineChecks;
import io.oobwatch.watchdog.status.PipelineStatus;
import io.oobwatch.watchdog.status.SelfStatus;
import io.oobwatch.watchdog.status.SignalHistory;
import io.oobwatch.watchdog.status.StageStatus;
import io.oobwatch.watchdog.status.StatusDocument;
import io.oobwatch.watchdog.statuspage.StatusPage;
import io.oobwatch.watchdog.store.ObservationStore;
import io.oobwatch.watchdog.store.Stores;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page's cost on the daemon: 20 pipelines (two stages each, a canary every 30 s;
 * freshness, volume and consumer-lag checks every minute) with 24 hours of history in a real
 * SQLite store (volume also yesterday and a week ago). Measures the history thread's first read of
 * the day and its later refreshes, drawing the charts (on the same thread), and what a browser costs the HTTP server per refresh: {@code
 * GET /} (the page with every chart) and every {@code /history/...} answer, over real HTTP.
 */
@Tag("benchmark")
class StatusPageBenchmark {
  static final int PIPELINES = 20;
  static final Duration CANARY_EVERY = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void servingThePageAndItsHistoryForTwentyPipelinesWithADayOfHistory() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-11-27T12:00:00Z"));
    Instant end = clock.instant();
    Instant dayAgo = end.minus(Duration.ofHours(24));
    List<Config.Pipeline> pipelines = new ArrayList<>();
    try (Stores stores = Stores.open(dir)) {
      long fillStart = System.nanoTime();
      for (int p = 0; p < PIPELINES; p++) {
        String name = "pipeline-" + p;
        long seq = 0;
        for (Instant t = dayAgo; t.isBefore(end); t = t.plus(CANARY_EVERY)) {
          long kafka = 200 + (seq * 37) % 300;
          long es = kafka + 800 + (seq * 53) % 1500;
          boolean lost = seq % 97 == 0;
          stores.canaries().saveOutcome(new CanaryOutcome(name, "c-" + p + "-" + seq, ++seq, t, "kafka",
              new Injection(true, Duration.ofMillis(3), "accepted"),
              List.of(new StageResult("kafka", StageResult.Status.SEEN, Duration.ofMillis(kafka), 1, ""),
                  lost ? new StageResult("elasticsearch", StageResult.Status.LOST, Duration.ofSeconds(90), 0, "not found")
                      : new StageResult("elasticsearch", StageResult.Status.SEEN, Duration.ofMillis(es), 1, "")),
              t.plusMillis(es)));
        }
        pipelines.add(pipeline(name));
      }
      for (Instant m = dayAgo; m.isBefore(end); m = m.plus(Duration.ofMinutes(1))) {
        List<ObservationStore.SignalObservation> round = new ArrayList<>();
        for (int p = 0; p < PIPELINES; p++) {
          String name = "pipeline-" + p;
          round.add(obs(SignalWatch.signal(name, "freshness", "es"), Observation.value(m, m.toEpochMilli() - 20_000)));
          round.add(obs(SignalWatch.signal(name, "consumer_lag", "connector"), Observation.value(m, 120, 0, "Stable")));
          for (Duration back : List.of(Duration.ZERO, Duration.ofDays(1), Duration.ofDays(7))) {
            round.add(obs(SignalWatch.signal(name, "volume", "kafka"), Observation.value(m.minus(back), 1000 + p)));
          }
        }
        stores.observations().saveObservations(round);
      }
      double fillSeconds = (System.nanoTime() - fillStart) / 1e9;

      HistoryView history = new HistoryView(clock, stores.canaries(), stores.observations(), pipelines);
      long t0 = System.nanoTime();
      history.refresh();
      double firstRefreshMs = (System.nanoTime() - t0) / 1e6;
      List<Double> refreshes = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        clock.advance(Duration.ofSeconds(10));
        long t = System.nanoTime();
        history.refresh();
        refreshes.add((System.nanoTime() - t) / 1e6);
      }

      Map<String, CanaryHistory> canaries = new HashMap<>();
      Map<String, SignalHistory> signals = new HashMap<>();
      for (Config.Pipeline p : pipelines) {
        canaries.put(p.name(), history.canaries(p.name()));
        signals.put(p.name(), history.signals(p.name()));
      }
      assertThat(canaries.get("pipeline-0").buckets()).hasSizeGreaterThan(140);
      Map<String, String> deadlines = new HashMap<>();
      pipelines.forEach(p -> deadlines.put(p.name(), "1m30s"));
      List<Double> draws = new ArrayList<>();
      StatusPage.Charts drawn = null;
      for (int i = 0; i < 20; i++) {
        long t = System.nanoTime();
        drawn = StatusPage.draw(canaries, signals, deadlines);
        draws.add((System.nanoTime() - t) / 1e6);
      }
      StatusPage.Charts charts = drawn;
      StatusSource source = new StatusSource() {
        @Override
        public Health health() {
          return new Health(true, "ok");
        }

        @Override
        public Object status() {
          return document(clock.instant(), pipelines);
        }

        @Override
        public String page() {
          return StatusPage.render(document(clock.instant(), pipelines), charts);
        }

        @Override
        public Optional<Object> canaryHistory(String pipeline) {
          return Optional.ofNullable(history.canaries(pipeline));
        }

        @Override
        public Optional<Object> signalHistory(String pipeline) {
          return Optional.ofNullable(history.signals(pipeline));
        }
      };
      HttpClient http = HttpClient.newHttpClient();
      try (StatusServer server = StatusServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), source)) {
        String base = "http://127.0.0.1:" + server.address().getPort();
        List<Double> pages = new ArrayList<>();
        List<Double> histories = new ArrayList<>();
        int pageBytes = 0;
        for (int i = 0; i < 60; i++) {
          long t = System.nanoTime();
          HttpResponse<String> r = get(http, base + "/");
          double ms = (System.nanoTime() - t) / 1e6;
          assertThat(r.statusCode()).isEqualTo(200);
          pageBytes = r.body().length();
          long h = System.nanoTime();
          for (Config.Pipeline p : pipelines) {
            assertThat(get(http, base + "/history/canaries?pipeline=" + p.name()).statusCode()).isEqualTo(200);
            assertThat(get(http, base + "/history/signals?pipeline=" + p.name()).statusCode()).isEqualTo(200);
          }
          double hms = (System.nanoTime() - h) / 1e6;
          if (i >= 10) {
            pages.add(ms);
            histories.add(hms);
          }
        }
        double refreshMedian = median(refreshes);
        double pageMedian = median(pages);
        double pageMax = pages.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double historyMedian = median(histories);
        String row = String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %.0f |",
            LocalDate.now(), PIPELINES, firstRefreshMs, refreshMedian, median(draws.subList(5, draws.size())), pageMedian,
            pageMax, historyMedian,
            historyMedian / (2 * PIPELINES), pageBytes / 1024, fillSeconds);
        System.out.println("status page benchmark: " + row);
        append(row);
        assertThat(pageMedian).as("GET / median (ms)").isLessThan(20);
      }
    }
  }

  static Config.Pipeline pipeline(String name) {
    Config.Checks checks = new Config.Checks(Duration.ofMinutes(1), Duration.ofMinutes(5),
        List.of(new Config.Freshness("es", "elasticsearch", null, Duration.ofMinutes(5))),
        List.of(new Config.Volume("kafka", "kafka", null, Duration.ofMinutes(10), 0.2,
            List.of(Duration.ofDays(1), Duration.ofDays(7)), 10, null)),
        List.of(),
        List.of(new Config.ConsumerLag("connector", null, 10_000, Duration.ofMinutes(5))));
    Config.Canary canary = new Config.Canary(CANARY_EVERY, Duration.ofSeconds(90), Duration.ofSeconds(10),
        Duration.ofSeconds(1), 2, 2, Map.of(), null, List.of());
    return new Config.Pipeline(name, canary, checks);
  }

  /** A /status document as the daemon builds it for these pipelines: every pipeline green. */
  static StatusDocument document(Instant now, List<Config.Pipeline> pipelines) {
    List<PipelineStatus> ps = new ArrayList<>();
    List<PipelineChecks> cs = new ArrayList<>();
    for (Config.Pipeline p : pipelines) {
      LastCanary last = new LastCanary(2880, "c-last", now.minusSeconds(20), "OK", "accepted: offset 42",
          List.of(new StageStatus("kafka", "SEEN", 310, 1, ""), new StageStatus("elasticsearch", "SEEN", 1520, 1, "")));
      ps.add(new PipelineStatus(p.name(), now.minusSeconds(1), null, new CanaryStatus("30s", "1m30s", "10s", 2880, 1, 0,
          null, 40, new CanaryStatus.DayCounts(2850, 0, 30, 0, 0), last)));
      cs.add(new PipelineChecks(p.name(), "1m", now.minusSeconds(5), null, List.of(
          new PipelineChecks.Check("freshness", "es", "elasticsearch logs-*", now, "value", 1.0, null,
              Map.of("silence", "newest 20s old")),
          new PipelineChecks.Check("volume", "kafka", "kafka topic logs", now, "value", 1000.0, null,
              Map.of("drop", "1000/min, yesterday 1000/min")),
          new PipelineChecks.Check("consumer_lag", "connector", "kafka (group connector)", now, "value", 120.0, "Stable",
              Map.of("lag", "lag 120 within 10000")))));
    }
    PagingStatus paging = new PagingStatus("twilio +15550001111", 0, 0, List.of(), null, List.of(), List.of(), List.of(),
        null, null, null, null);
    return new StatusDocument("wd-bench", now, true, null, ps, cs, List.of(), List.of(), paging,
        new SelfStatus("2m", null, List.of()));
  }

  static ObservationStore.SignalObservation obs(String signal, Observation o) {
    return new ObservationStore.SignalObservation(signal, o);
  }

  static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  static void append(String row) throws Exception {
    Path results = Path.of("..", "benchmarks", "results.md");
    if (!Files.exists(results)) {
      return;
    }
    List<String> lines = new ArrayList<>(Files.readAllLines(results));
    int marker = lines.indexOf("<!-- status-page rows -->");
    if (marker < 0) {
      return;
    }
    lines.add(marker, row);
    Files.write(results, lines);
  }
}
