package io.oobwatch.watchdog.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.kafka.KafkaConfig;
import io.oobwatch.testkit.KafkaBroker;
import io.oobwatch.watchdog.quality.InferenceTraffic;
import io.oobwatch.watchdog.quality.MinuteTallies;
import io.oobwatch.watchdog.store.Stores;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tap end to end: the real Kafka consumer ({@code KafkaTap}) reading a real broker, {@link
 * TapWatch} counting every record under {@code QualityWeekTest}'s six signals and storing its
 * minutes in a real SQLite file once a second, from the start of the topic to its end (what a
 * restart with an empty state_dir does). The broker runs in the same JVM: pinned to one core, the
 * rate is the tap's and the broker's together, a lower bound of the tap's alone. Rerun: {@code
 * taskset -c 0 mvn -o -B -pl watchdog -am test -Pbenchmark -Dtest=TapBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false} (adds a row to benchmarks/results.md).
 */
@Tag("benchmark")
class TapBenchmark {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  static final int PER_MINUTE = 60_000;

  @TempDir Path dir;

  @Test
  void theTapReadsCountsAndStoresFiveThousandRecordsASecondFromKafkaOnOneCore() throws IOException {
    kafka.createTopic("bench", 3);
    Instant now = MinuteTallies.minuteOf(Instant.now());
    InferenceTraffic traffic = new InferenceTraffic(8);
    long produced = 0;
    for (Instant m = now.minus(Duration.ofMinutes(2)); m.isBefore(now); m = m.plusSeconds(60)) {
      traffic.trafficFactor = PER_MINUTE / InferenceTraffic.perMinute(m);
      for (InferenceTraffic.Timed r : traffic.minute(m)) {
        kafka.producer().send(new ProducerRecord<>("bench", null, r.at().toEpochMilli(), null,
            new String(r.value(), StandardCharsets.UTF_8)));
        produced++;
      }
    }
    kafka.producer().flush();
    long total = produced;
    try (Stores stores = Stores.open(dir)) {
      KafkaConfig cfg = new KafkaConfig(kafka.bootstrap(), "bench", Duration.ofSeconds(10));
      TapWatch tap = new TapWatch("inference", cfg.tap("oobwatch-bench", null), QualityWeekTest.SPEC, stores.quality(),
          Clock.systemUTC());
      try {
        tap.rebuild();
        long start = System.nanoTime();
        while (tap.health().records() < total || tap.health().lag() != 0) {
          tap.pollOnce(TapWatch.POLL_MILLIS);
          assertThat(tap.health().problem()).isNull();
        }
        tap.flush(Instant.now());
        double seconds = (System.nanoTime() - start) / 1e9;
        double perSecond = total / seconds;
        long heap = QualityBenchmark.retainedAfter(tap);
        long stored = stores.quality().minutes("inference", now.minus(Duration.ofMinutes(3)), now).stream()
            .mapToLong(r -> r.tally().length).sum();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        QualityBenchmark.append("<!-- quality-tap-kafka rows -->", String.format(Locale.ROOT,
            "| %s | %d | %d | %.1f | %.0f | %.1f | %d | %.1f |", LocalDate.now(),
            Runtime.getRuntime().availableProcessors(), total, seconds, perSecond, heap / 1e6, stored, load));
        assertThat(perSecond).isGreaterThan(5_000);
      } finally {
        tap.close();
      }
    }
  }
}
