package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.StageResult;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.FieldPath;
import io.oobwatch.watchdog.config.QualitySpec;
import io.oobwatch.watchdog.config.Signal;
import io.oobwatch.watchdog.quality.InferenceTraffic;
import io.oobwatch.watchdog.quality.MinuteTallies;
import io.oobwatch.watchdog.schedule.QualityWatch;
import io.oobwatch.watchdog.schedule.SignalWatch;
import io.oobwatch.watchdog.server.Health;
import io.oobwatch.watchdog.server.StatusServer;
import io.oobwatch.watchdog.server.StatusSource;
import io.oobwatch.watchdog.status.CanaryHistory;
import io.oobwatch.watchdog.status.CanaryStatus;
import io.oobwatch.watchdog.status.LastCanary;
import io.oobwatch.watchdog.status.PagingStatus;
import io.oobwatch.watchdog.status.PipelineChecks;
import io.oobwatch.watchdog.status.PipelineQuality;
import io.oobwatch.watchdog.status.PipelineStatus;
import io.oobwatch.watchdog.status.SelfStatus;
import io.oobwatch.watchdog.status.SignalHistory;
import io.oobwatch.watchdog.status.StageStatus;
import io.oobwatch.watchdog.status.StatusDocument;
import io.oobwatch.watchdog.statuspage.StatusPage;
import io.oobwatch.watchdog.store.ObservationStore;
import io.oobwatch.watchdog.store.QualityStore;
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
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page's cost on the daemon: 20 pipelines (two stages each, a canary every 30 s;
 * freshness, volume and consumer-lag checks every minute), {@value #TAPS} of them with a tap (six
 * quality and cost signals), with 24 hours of history in a real SQLite store (volume also yesterday
 * and a week ago; the taps' per-minute tallies). The /status document it draws has what the page
 * draws for a daemon in use: learned latency per stage, the quality block, systemd's watchdog, a dead
 * man's switch, a last test page and call. Measures the history thread's first read of the day and
 * its later refreshes (the canary and signal history, each tap's quality history, drawing the
 * charts: what the daemon's history thread does every 10 s), and what a browser costs the HTTP
 * server: {@code GET /} (the page with every chart) and each {@code /history/...} answer, over
 * real HTTP. The machine's load average is recorded beside the numbers.
 */
@Tag("benchmark")
class StatusPageBenchmark {
  static final int PIPELINES = 20;
  /** Pipelines with a tap: the first few. */
  static final int TAPS = 5;
  /** The tap's signals: two rates, two means, the largest request and the daily spend. */
  static final QualitySpec TAP = QualitySpec.of(List.of(
      new Signal.Rate("refusal_rate", FieldPath.of("finish_reason"), Set.of("content_filter"), false, 5, 200,
          Duration.ofMinutes(5)),
      new Signal.Rate("safety_rate", FieldPath.of("safety_flag"), Set.of("none"), true, 5, 200, Duration.ofMinutes(5)),
      new Signal.Mean("confidence", FieldPath.of("confidence"), Signal.Bound.BELOW, 0.6, null, 100, Duration.ofMinutes(2)),
      new Signal.Mean("latency_p95", FieldPath.of("latency_ms"), Signal.Bound.ABOVE, 4000.0, 0.95, 100,
          Duration.ofMinutes(5)),
      new Signal.RequestMax("request_tokens", List.of(FieldPath.of("tokens_in"), FieldPath.of("tokens_out")), 50_000),
      new Signal.DailySpend("daily_spend", FieldPath.of("cost_usd"), 2_500)), InferenceTraffic.pricing());
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
      fillTaps(stores.quality(), dayAgo, end);
      double fillSeconds = (System.nanoTime() - fillStart) / 1e9;

      HistoryView history = new HistoryView(clock, stores.canaries(), stores.observations(), pipelines);
      Alerts alerts = new Alerts("wd-bench", stores.alerts(), null, clock, () -> { });
      List<QualityWatch> taps = new ArrayList<>();
      for (int p = 0; p < TAPS; p++) {
        taps.add(new QualityWatch("wd-bench", "pipeline-" + p, TAP, stores.quality(), alerts, clock));
      }
      Map<String, String> deadlines = new HashMap<>();
      pipelines.forEach(p -> deadlines.put(p.name(), "1m30s"));
      Map<String, CanaryHistory> canaries = new HashMap<>();
      Map<String, SignalHistory> signals = new HashMap<>();
      Map<String, SignalHistory> quality = new HashMap<>();
      // what the daemon's history thread does each time (DaemonStatus.drawCharts after HistoryView.refresh)
      Runnable historyRound = () -> {
        history.refresh();
        for (Config.Pipeline p : pipelines) {
          canaries.put(p.name(), history.canaries(p.name()));
          signals.put(p.name(), history.signals(p.name()));
        }
        taps.forEach(w -> quality.put(w.name(), w.history()));
      };
      long t0 = System.nanoTime();
      historyRound.run();
      StatusPage.Charts drawn = StatusPage.draw(canaries, signals, quality, deadlines);
      double firstRefreshMs = (System.nanoTime() - t0) / 1e6;
      List<Double> refreshes = new ArrayList<>();
      List<Double> draws = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        clock.advance(Duration.ofSeconds(10));
        long t = System.nanoTime();
        historyRound.run();
        long d = System.nanoTime();
        drawn = StatusPage.draw(canaries, signals, quality, deadlines);
        long e = System.nanoTime();
        refreshes.add((e - t) / 1e6);
        draws.add((e - d) / 1e6);
      }
      assertThat(canaries.get("pipeline-0").buckets()).hasSizeGreaterThan(140);
      assertThat(quality.get("pipeline-0").series()).hasSize(6)
          .allSatisfy(x -> assertThat(x.points()).hasSizeGreaterThan(140));
      StatusPage.Charts charts = drawn;
      StatusSource source = new StatusSource() {
        @Override
        public Health health() {
          return new Health(true, "ok");
        }

        @Override
        public Object status() {
          return document(clock.instant(), pipelines, TAPS);
        }

        @Override
        public String page() {
          return StatusPage.render(document(clock.instant(), pipelines, TAPS), charts);
        }

        @Override
        public Optional<Object> canaryHistory(String pipeline) {
          return Optional.ofNullable(history.canaries(pipeline));
        }

        @Override
        public Optional<Object> signalHistory(String pipeline) {
          return Optional.ofNullable(history.signals(pipeline));
        }

        @Override
        public Optional<Object> qualityHistory(String pipeline) {
          return Optional.ofNullable(quality.get(pipeline));
        }
      };
      HttpClient http = HttpClient.newHttpClient();
      try (StatusServer server = StatusServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), source)) {
        String base = "http://127.0.0.1:" + server.address().getPort();
        String load = loadAverage();
        List<Double> pages = new ArrayList<>();
        int pageBytes = 0;
        for (int i = 0; i < 320; i++) {
          long t = System.nanoTime();
          HttpResponse<String> r = get(http, base + "/");
          double ms = (System.nanoTime() - t) / 1e6;
          assertThat(r.statusCode()).isEqualTo(200);
          pageBytes = r.body().length();
          if (i >= 20) {
            pages.add(ms);
          }
        }
        assertThat(get(http, base + "/").body()).contains("Quality and cost").contains("late after")
            .contains("systemd watchdog: WATCHDOG=1").contains("last test page");
        Map<String, List<Double>> answers = new HashMap<>();
        for (int i = 0; i < 30; i++) {
          for (Config.Pipeline p : pipelines) {
            List<String> kinds = quality.containsKey(p.name()) ? List.of("canaries", "signals", "quality")
                : List.of("canaries", "signals");
            for (String kind : kinds) {
              long t = System.nanoTime();
              assertThat(get(http, base + "/history/" + kind + "?pipeline=" + p.name()).statusCode()).isEqualTo(200);
              if (i >= 5) {
                answers.computeIfAbsent(kind, k -> new ArrayList<>()).add((System.nanoTime() - t) / 1e6);
              }
            }
          }
        }
        double pageMedian = median(pages);
        String row = String.format(Locale.ROOT,
            "| %s | %d (%d taps) | %s | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %.0f |",
            LocalDate.now(), PIPELINES, TAPS, load, firstRefreshMs, median(refreshes),
            median(draws.subList(5, draws.size())), pageMedian, quantile(pages, 0.99),
            pages.stream().mapToDouble(Double::doubleValue).max().orElse(0), median(answers.get("canaries")),
            median(answers.get("signals")), median(answers.get("quality")), pageBytes / 1024, fillSeconds);
        System.out.println("status page benchmark: " + row);
        append(row);
        assertThat(pageMedian).as("GET / median (ms)").isLessThan(20);
      }
    }
  }

  /**
   * A day of the taps' per-minute tallies: an hour of generated inference traffic (a few hundred
   * requests a minute), each minute's tally stored again for the same minute of every hour.
   */
  static void fillTaps(QualityStore store, Instant from, Instant to) {
    for (int p = 0; p < TAPS; p++) {
      InferenceTraffic traffic = new InferenceTraffic(p);
      MinuteTallies hour = new MinuteTallies(TAP);
      Instant start = Instant.parse("2026-11-27T10:00:00Z");
      for (int m = 0; m < 60; m++) {
        traffic.minute(start.plus(Duration.ofMinutes(m))).forEach(r -> hour.offer(r.value(), r.at()));
      }
      List<byte[]> minutes = hour.minutes().values().stream().map(t -> t.encode()).toList();
      List<QualityStore.Row> rows = new ArrayList<>();
      int i = 0;
      for (Instant m = from; m.isBefore(to); m = m.plus(Duration.ofMinutes(1))) {
        rows.add(new QualityStore.Row(m, minutes.get(i++ % minutes.size())));
      }
      store.saveMinutes("pipeline-" + p, rows);
    }
  }

  /** The 1-minute load average, as /proc/loadavg gives it ("?" where there is none). */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "?";
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

  /**
   * A /status document as the daemon builds it for these pipelines, every pipeline green, each stage
   * with its learned latency; the first {@code taps} with their quality and cost signals; systemd's
   * watchdog, a dead man's switch, a last test page and call.
   */
  static StatusDocument document(Instant now, List<Config.Pipeline> pipelines, int taps) {
    List<PipelineStatus> ps = new ArrayList<>();
    List<PipelineChecks> cs = new ArrayList<>();
    List<PipelineQuality> qs = new ArrayList<>();
    for (Config.Pipeline p : pipelines) {
      LastCanary last = new LastCanary(2880, "c-last", now.minusSeconds(20), "OK", "accepted: offset 42",
          List.of(new StageStatus("kafka", "SEEN", 310, 1, ""), new StageStatus("elasticsearch", "SEEN", 1520, 1, "")));
      ps.add(new PipelineStatus(p.name(), now.minusSeconds(1), null, new CanaryStatus("30s", "1m30s", "10s", 2880, 1, 0,
          null, 40, new CanaryStatus.DayCounts(2850, 0, 30, 0, 0), last, true, List.of(
              new CanaryStatus.Learned("kafka", 480, 495, 1200, 1000),
              new CanaryStatus.Learned("elasticsearch", 2250, 2290, 5725, 1000)))));
      cs.add(new PipelineChecks(p.name(), "1m", now.minusSeconds(5), null, List.of(
          new PipelineChecks.Check("freshness", "es", "elasticsearch logs-*", now, "value", 1.0, null,
              Map.of("silence", "newest 20s old")),
          new PipelineChecks.Check("volume", "kafka", "kafka topic logs", now, "value", 1000.0, null,
              Map.of("drop", "1000/min, yesterday 1000/min")),
          new PipelineChecks.Check("consumer_lag", "connector", "kafka (group connector)", now, "value", 120.0, "Stable",
              Map.of("lag", "lag 120 within 10000")))));
      if (qs.size() < taps) {
        qs.add(new PipelineQuality(p.name(), now.minusSeconds(10), 11_000, null, null, List.of(
            new PipelineQuality.Signal("refusal_rate", "rate-rise:refusal_rate", 0.021, 0.02, 0.004, 1200, "0.021 of 1200"),
            new PipelineQuality.Signal("safety_rate", "rate-rise:safety_rate", 0.015, 0.015, 0.003, 1200, "0.015 of 1200"),
            new PipelineQuality.Signal("confidence", "mean:confidence", 0.82, 0.6, null, 180, "mean 0.82"),
            new PipelineQuality.Signal("latency_p95", "mean:latency_p95", 2100.0, 4000.0, null, 900, "p95 2100"),
            new PipelineQuality.Signal("request_tokens", "request:request_tokens", 9000.0, 50_000.0, null, 1, "largest 9000"),
            new PipelineQuality.Signal("daily_spend", "spend:daily_spend", 1100.0, 2500.0, null, 11_000,
                "forecast 1100 of 2500"))));
      }
    }
    PagingStatus.TestPage sms = new PagingStatus.TestPage(4, "alice", "+4477…89", "sms", now.minus(Duration.ofHours(3)),
        "sent", "twilio", "SM4", null, "delivered", null, 3.0);
    PagingStatus.TestPage call = new PagingStatus.TestPage(5, "alice", "+4477…89", "call", now.minus(Duration.ofHours(3)),
        "sent", "twilio", "CA5", null, "completed", null, 21.0);
    PagingStatus paging = new PagingStatus("twilio +15550001111", 0, 0, List.of(), null, List.of(), List.of(), List.of(),
        null, null, sms, call);
    SelfStatus self = new SelfStatus("2m", new SelfStatus.DeadMansSwitch("https://hc-ping.com/...", "1m",
        now.minusSeconds(30), "ok", null, true, null), List.of()).withSystemd(new SelfStatus.Systemd("15s", 5760, false));
    return new StatusDocument("wd-bench", now, true, null, ps, cs, List.of(), List.of(), paging, self, qs, null);
  }

  static ObservationStore.SignalObservation obs(String signal, Observation o) {
    return new ObservationStore.SignalObservation(signal, o);
  }

  static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static double median(List<Double> values) {
    return quantile(values, 0.5);
  }

  /** Nearest rank. */
  static double quantile(List<Double> values, double q) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)));
  }

  static void append(String row) throws Exception {
    Path results = Path.of("..", "benchmarks", "results.md");
    if (!Files.exists(results)) {
      return;
    }
    List<String> lines = new ArrayList<>(Files.readAllLines(results));
    int marker = lines.indexOf("<!-- status-page rows, full page -->");
    if (marker < 0) {
      return;
    }
    lines.add(marker, row);
    Files.write(results, lines);
  }
}
