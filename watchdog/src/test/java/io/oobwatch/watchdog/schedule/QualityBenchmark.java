package io.oobwatch.watchdog.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.FieldPath;
import io.oobwatch.watchdog.config.QualitySpec;
import io.oobwatch.watchdog.config.Signal;
import io.oobwatch.watchdog.quality.InferenceTraffic;
import io.oobwatch.watchdog.quality.MinuteTallies;
import io.oobwatch.watchdog.quality.Tally;
import io.oobwatch.watchdog.store.QualityStore;
import io.oobwatch.watchdog.store.Stores;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tap's counting rate on one thread and its retained heap, and the time of a round of 50
 * quality and cost rules over 8 days of stored tallies. Rerun: {@code mvn -B -pl watchdog -am
 * verify -Pbenchmark -Dtest=QualityBenchmark -Dsurefire.failIfNoSpecifiedTests=false} (adds rows
 * to benchmarks/results.md).
 */
@Tag("benchmark")
class QualityBenchmark {
  static final Path RESULTS = Path.of("..", "benchmarks", "results.md");
  static final Instant NOW = Instant.parse("2026-11-30T10:00:30Z");

  @TempDir Path dir;

  /** 50 signals: 20 rates, 20 means and quantiles, 5 request maxima, 5 spend forecasts. */
  static QualitySpec fifty() {
    List<Signal> s = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      s.add(new Signal.Rate("refusal_" + i, FieldPath.of("finish_reason"), Set.of("content_filter"), false, 5, 200,
          Duration.ofMinutes(5)));
      s.add(new Signal.Rate("safety_" + i, FieldPath.of("safety_flag"), Set.of("none"), true, 5, 200, Duration.ofMinutes(5)));
      s.add(new Signal.Mean("confidence_" + i, FieldPath.of("confidence"), Signal.Bound.BELOW, 0.6, null, 100,
          Duration.ofMinutes(2)));
      s.add(new Signal.Mean("latency_p95_" + i, FieldPath.of("latency_ms"), Signal.Bound.ABOVE, 4000.0, 0.95, 100,
          Duration.ofMinutes(5)));
    }
    for (int i = 0; i < 5; i++) {
      s.add(new Signal.RequestMax("tokens_" + i, List.of(FieldPath.of("tokens_in"), FieldPath.of("tokens_out")), 50_000));
      s.add(new Signal.DailySpend("spend_" + i, FieldPath.of("cost_usd"), 5_000));
    }
    return QualitySpec.of(s, InferenceTraffic.pricing());
  }

  @Test
  void theTapCountsFiveThousandRecordsASecondOnOneThreadInLittleHeap() throws IOException {
    QualitySpec spec = QualityWeekTest.SPEC;
    InferenceTraffic traffic = new InferenceTraffic(5);
    traffic.trafficFactor = 5000 * 60 / 180.0; // about 5,000 records a second at 10:00
    List<InferenceTraffic.Timed> records = new ArrayList<>();
    for (int m = 0; m < 3; m++) {
      records.addAll(traffic.minute(NOW.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(m))));
    }
    MinuteTallies warm = new MinuteTallies(spec);
    records.forEach(r -> warm.offer(r.value(), r.at()));
    MinuteTallies tallies = new MinuteTallies(spec);
    long start = System.nanoTime();
    records.forEach(r -> tallies.offer(r.value(), r.at()));
    double seconds = (System.nanoTime() - start) / 1e9;
    double perSecond = records.size() / seconds;
    records = null; // the generated records are the test's, not the tap's
    long heap = retainedAfter(tallies);
    long stored = tallies.minutes().values().stream().mapToLong(t -> t.encode().length).sum() / tallies.minutes().size();
    append("<!-- quality-tap rows -->", String.format(Locale.ROOT, "| %s | %d | %.0f | %.1f | %d |", LocalDate.now(),
        tallies.minutes().values().stream().mapToLong(Tally::records).sum(), perSecond, heap / 1e6, stored));
    assertThat(perSecond).isGreaterThan(5_000);
    assertThat(heap).isLessThan(64L << 20);
  }

  /** Heap in use after a full collection, while {@code keep} is still reachable. */
  static long retainedAfter(Object keep) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    assertThat(keep).isNotNull();
    return used;
  }

  @Test
  void aRoundOfFiftyQualityAndCostRulesOverEightDaysOfTalliesTakesUnderFiftyMilliseconds() throws IOException {
    QualitySpec spec = fifty();
    TestClock clock = new TestClock(NOW);
    try (Stores stores = Stores.open(dir)) {
      InferenceTraffic traffic = new InferenceTraffic(6);
      Instant hour = NOW.truncatedTo(ChronoUnit.HOURS);
      // 8 days of hours, each the tally of a few sampled minutes, and the last hour of minutes
      for (Instant h = hour.minus(Duration.ofDays(8)); h.isBefore(hour); h = h.plus(Duration.ofHours(1))) {
        MinuteTallies t = new MinuteTallies(spec);
        for (int m = 0; m < 60; m += 20) {
          for (InferenceTraffic.Timed r : traffic.minute(h.plus(Duration.ofMinutes(m)))) {
            t.offer(r.value(), h);
          }
        }
        stores.quality().saveHour("inference", new QualityStore.Row(h, t.minutes().get(h).encode()));
      }
      MinuteTallies minutes = new MinuteTallies(spec);
      for (Instant m = NOW.minus(Duration.ofHours(1)); m.isBefore(NOW); m = m.plus(Duration.ofMinutes(1))) {
        traffic.minute(MinuteTallies.minuteOf(m)).forEach(r -> minutes.offer(r.value(), r.at()));
      }
      List<QualityStore.Row> rows = new ArrayList<>();
      minutes.minutes().forEach((at, t) -> rows.add(new QualityStore.Row(at, t.encode())));
      stores.quality().saveMinutes("inference", rows);
      Alerts alerts = new Alerts("wd-bench", stores.alerts(), null, clock, () -> { });
      QualityWatch watch = new QualityWatch("wd-bench", "inference", spec, stores.quality(), alerts, clock);
      watch.tick(); // the first round reads the 8 days of hours; later rounds keep them
      long[] ms = new long[30];
      for (int i = 0; i < ms.length; i++) {
        long start = System.nanoTime();
        watch.tick();
        ms[i] = (System.nanoTime() - start) / 1_000_000;
        assertThat(watch.snapshot().error()).isNull();
      }
      Arrays.sort(ms);
      assertThat(watch.snapshot().signals()).hasSize(50);
      append("<!-- quality-round rows -->", String.format(Locale.ROOT, "| %s | 50 | %d | %d | %d |", LocalDate.now(),
          ms.length, ms[ms.length / 2], ms[ms.length - 1]));
      assertThat(ms[ms.length / 2]).isLessThan(50);
    }
  }

  static void append(String marker, String row) throws IOException {
    String text = Files.readString(RESULTS);
    Files.writeString(RESULTS, text.replace(marker, row + "\n" + marker));
  }
}
