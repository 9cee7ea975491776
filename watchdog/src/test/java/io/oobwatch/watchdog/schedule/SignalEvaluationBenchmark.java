package io.oobwatch.watchdog.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.probes.kafka.KafkaGroupConfig;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.store.Stores;
import io.oobwatch.watchdog.store.ObservationStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluation of 200 signals with 8 days of per-minute history each (issue 3's target: one full
 * round under 50 ms, the store under 100 MB). 10 pipelines, each with 15 volume checks (1d and 7d
 * baselines, a ceiling), 3 freshness checks, 2 consumer groups and a ratio; probes are stubs, so a
 * round is what oobwatch itself does: store the 200 observations, read back every window and run
 * every rule. Rerun: {@code mvn -B -pl watchdog -am verify -Pbenchmark -Dtest=SignalEvaluationBenchmark}.
 */
@Tag("benchmark")
class SignalEvaluationBenchmark {
  static final int PIPELINES = 10;
  static final int VOLUME = 15;
  static final int FRESHNESS = 3;
  static final int LAG = 2;
  static final int DAYS = 8;
  static final int ROUNDS = 30;

  @TempDir Path dir;
  final Random random = new Random(7);

  @Test
  void oneRoundOverTwoHundredSignalsWithEightDaysOfHistory() throws Exception {
    Instant start = Instant.parse("2026-11-16T00:00:00Z");
    Instant now = start.plus(Duration.ofDays(DAYS));
    TestClock clock = new TestClock(now);
    List<SignalWatch> watches = new ArrayList<>();
    long fill;
    try (Stores store = Stores.open(dir)) {
      Alerts alerts = new Alerts("bench", store.alerts(), null, clock, () -> { });
      long t0 = System.nanoTime();
      List<Config.Pipeline> pipelines = new ArrayList<>();
      for (int p = 0; p < PIPELINES; p++) {
        pipelines.add(pipeline("pipeline-" + p));
      }
      // all pipelines' rounds interleave in the store as they do in the daemon
      List<ObservationStore.SignalObservation> rows = new ArrayList<>();
      for (Instant t = start; t.isBefore(now); t = t.plusSeconds(60)) {
        for (Config.Pipeline pipeline : pipelines) {
          for (String signal : signals(pipeline)) {
            rows.add(new ObservationStore.SignalObservation(signal, value(signal.split("/")[1], t)));
          }
        }
        if (rows.size() >= 100_000) {
          store.observations().saveObservations(rows);
          rows.clear();
        }
      }
      store.observations().saveObservations(rows);
      for (Config.Pipeline pipeline : pipelines) {
        watches.add(new SignalWatch("bench", pipeline, probes(pipeline, clock), store.observations(),
            alerts, clock));
      }
      fill = (System.nanoTime() - t0) / 1_000_000;
      int signals = PIPELINES * (VOLUME + FRESHNESS + LAG);

      double[] roundsMs = new double[ROUNDS];
      for (int r = 0; r < ROUNDS; r++) {
        long s = System.nanoTime();
        for (SignalWatch w : watches) {
          w.tick();
        }
        roundsMs[r] = (System.nanoTime() - s) / 1e6;
        for (SignalWatch w : watches) {
          assertThat(w.snapshot().error()).isNull();
        }
        clock.advance(Duration.ofMinutes(1));
      }
      assertThat(store.alerts().alerts(Instant.EPOCH)).as("steady traffic pages nobody").isEmpty();

      // the rounds after the first (prepared statements, warm JIT) are the steady state
      double[] steady = Arrays.copyOfRange(roundsMs, 5, ROUNDS);
      Arrays.sort(steady);
      double median = steady[steady.length / 2];
      double max = steady[steady.length - 1];
      double first = roundsMs[0];
      store.prune(now.minus(Duration.ofDays(9))); // the daemon's hourly prune, over the full history
      checkpoint(dir.resolve("oobwatch.db"));
      long bytes = Files.size(dir.resolve("oobwatch.db"));
      long perSignalDay = bytes / ((long) signals * DAYS);
      double mib = bytes / 1024.0 / 1024.0;
      String line = String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %d | %d |%n",
          LocalDate.now(), signals, DAYS, first, median, max, mib, perSignalDay, fill / 1000);
      System.out.print(line);
      append(line);

      assertThat(median).as("one full evaluation round, ms").isLessThan(50);
      assertThat(mib).as("store size, MiB").isLessThan(100);
    }
  }

  static Config.Pipeline pipeline(String name) {
    List<Config.Volume> volume = new ArrayList<>();
    for (int i = 0; i < VOLUME; i++) {
      volume.add(new Config.Volume("v" + i, "prometheus", null, Duration.ofMinutes(15), 0.2,
          List.of(Duration.ofDays(1), Duration.ofDays(7)), 50, 100_000.0));
    }
    List<Config.Freshness> freshness = new ArrayList<>();
    for (int i = 0; i < FRESHNESS; i++) {
      freshness.add(new Config.Freshness("f" + i, "elasticsearch", null, Duration.ofMinutes(5)));
    }
    List<Config.ConsumerLag> lag = new ArrayList<>();
    for (int i = 0; i < LAG; i++) {
      lag.add(new Config.ConsumerLag("g" + i,
          new KafkaGroupConfig("127.0.0.1:9092", "g" + i, null, Map.of(), Duration.ofSeconds(5)), 1_000_000, Duration.ofMinutes(5)));
    }
    return new Config.Pipeline(name, null, new Config.Checks(Duration.ofMinutes(1), Duration.ofMinutes(5), freshness, volume,
        List.of(new Config.Ratio("v1", "v0", 0.5, Duration.ofMinutes(15))), lag));
  }

  /** Realistic values: rates with fractions, timestamps in milliseconds, growing offsets with a state. */
  Observation value(String type, Instant t) {
    long minute = t.getEpochSecond() / 60;
    switch (type) {
      case "volume":
        return Observation.value(t, 600 * (0.9 + 0.2 * random.nextDouble()));
      case "freshness":
        return Observation.value(t, t.toEpochMilli() - 1000 - random.nextInt(20_000));
      default:
        return Observation.value(t, 200 + random.nextInt(400), 1_000_000_000L + minute * 600, "Stable");
    }
  }

  Map<String, Probe> probes(Config.Pipeline p, TestClock clock) {
    Map<String, Probe> out = new LinkedHashMap<>();
    for (String signal : signals(p)) {
      String type = signal.split("/")[1];
      out.put(signal, new Probe() {
        @Override
        public Observation observe() {
          return value(type, clock.instant());
        }

        @Override
        public void close() {}
      });
    }
    return out;
  }

  static List<String> signals(Config.Pipeline p) {
    List<String> out = new ArrayList<>();
    p.checks().freshness().forEach(f -> out.add(SignalWatch.signal(p.name(), "freshness", f.name())));
    p.checks().volume().forEach(v -> out.add(SignalWatch.signal(p.name(), "volume", v.name())));
    p.checks().consumerLag().forEach(c -> out.add(SignalWatch.signal(p.name(), "consumer_lag", c.name())));
    return out;
  }

  static void checkpoint(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
  }

  static void append(String line) throws Exception {
    Path results = Path.of("..", "benchmarks", "results.md");
    if (!Files.exists(results)) {
      return;
    }
    List<String> lines = new ArrayList<>(Files.readAllLines(results));
    int heading = lines.indexOf("## Signal evaluation (issue 3)");
    if (heading < 0) {
      return;
    }
    int at = heading + 1;
    while (at < lines.size() && !lines.get(at).startsWith("|---")) {
      at++;
    }
    while (at < lines.size() && lines.get(at).startsWith("|")) {
      at++;
    }
    lines.add(at, line.stripTrailing());
    Files.write(results, lines);
  }
}
