package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.StageResult;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.schedule.SignalWatch;
import io.oobwatch.watchdog.status.CanaryHistory;
import io.oobwatch.watchdog.status.SignalHistory;
import io.oobwatch.watchdog.store.CanaryStore;
import io.oobwatch.watchdog.store.ObservationStore;
import io.oobwatch.watchdog.store.Stores;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status page's history, read from a real SQLite store on a settable clock. */
class HistoryViewTest {
  static final Instant NOON = Instant.parse("2026-11-27T12:00:00Z");

  @TempDir Path dir;
  Stores stores;
  final TestClock clock = new TestClock(NOON);
  /** The {@code from} of every canary read the view made. */
  final List<Instant> reads = new CopyOnWriteArrayList<>();
  HistoryView view;

  @BeforeEach
  void open() {
    stores = Stores.open(dir);
    CanaryStore counted = (CanaryStore) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {CanaryStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("judged")) {
            reads.add((Instant) args[1]);
          }
          return method.invoke(stores.canaries(), args);
        });
    view = new HistoryView(clock, counted, stores.observations(), List.of(StatusPageBenchmark.pipeline("p")));
  }

  @AfterEach
  void close() {
    stores.close();
  }

  void judge(Instant at, long kafkaMs, StageResult.Status es, long esMs) {
    judge(stores.canaries().nextSeq("p"), at, kafkaMs, es, esMs);
  }

  /** Saves canary {@code seq}'s outcome: an early one (elasticsearch LATE) or one replacing it. */
  void judge(long seq, Instant at, long kafkaMs, StageResult.Status es, long esMs) {
    boolean arrived = es.arrived();
    stores.canaries().saveOutcome(new CanaryOutcome("p", "c-" + seq, seq, at.minusMillis(esMs),
        "kafka", new Injection(true, Duration.ofMillis(2), "accepted"),
        List.of(new StageResult("kafka", StageResult.Status.SEEN, Duration.ofMillis(kafkaMs), 1, ""),
            new StageResult("elasticsearch", es, Duration.ofMillis(esMs), arrived ? 1 : 0, "")),
        at));
  }

  @Test
  void aCanaryJudgedLateCountsOnceAsLateInTheBucketItWasJudgedLateInWhetherItThenArrivedOrWasLost() {
    Instant bucket = NOON.minus(Duration.ofMinutes(40));
    long arrives = stores.canaries().nextSeq("p");
    long neverArrives = stores.canaries().nextSeq("p");
    clock.set(bucket.plus(Duration.ofMinutes(9)));
    judge(arrives, bucket.plusSeconds(500), 40, StageResult.Status.LATE, 3_000);
    judge(neverArrives, bucket.plusSeconds(510), 40, StageResult.Status.LATE, 3_000);
    judge(bucket.plusSeconds(520), 40, StageResult.Status.LOST, 90_000);
    view.refresh();
    assertThat(view.canaries("p").buckets()).singleElement().satisfies(b -> {
      assertThat(b.late()).isEqualTo(2);
      assertThat(b.lost()).isEqualTo(1);
      assertThat(b.worst()).isEqualTo("lost");
    });

    clock.set(bucket.plus(Duration.ofMinutes(12)));
    view.refresh(); // the bucket has closed: it is kept, and not read again

    // their final outcomes replace the early ones in the next bucket
    judge(arrives, bucket.plus(Duration.ofMinutes(13)), 40, StageResult.Status.SLOW, 61_000);
    judge(neverArrives, bucket.plus(Duration.ofMinutes(13)), 40, StageResult.Status.LOST, 90_000);
    clock.set(bucket.plus(Duration.ofMinutes(14)));
    view.refresh();

    CanaryHistory.Bucket expected = new CanaryHistory.Bucket(bucket, 0, 0, 2, 1, 0, List.of(
        new CanaryHistory.StageLatency("kafka", 40, 40, 3), new CanaryHistory.StageLatency("elasticsearch", 0, 0, 0)));
    assertThat(view.canaries("p").buckets()).containsExactly(expected);
    // read afresh (a restart), the store still knows which canaries were judged LATE, and when
    HistoryView restarted = new HistoryView(clock, stores.canaries(), stores.observations(),
        List.of(StatusPageBenchmark.pipeline("p")));
    restarted.refresh();
    assertThat(restarted.canaries("p").buckets()).singleElement().satisfies(b -> {
      assertThat(b.start()).isEqualTo(bucket);
      assertThat(b.late()).isEqualTo(2);
      assertThat(b.slow()).isZero();
      assertThat(b.lost()).isEqualTo(1);
      // the one that arrived after all is in the latency chart
      assertThat(b.stages().get(1)).isEqualTo(new CanaryHistory.StageLatency("elasticsearch", 61_000, 61_000, 1));
    });
  }

  @Test
  void aBucketsWorstOutcomeRanksLateBetweenSlowAndLost() {
    assertThat(new CanaryHistory.Bucket(NOON, 5, 1, 1, 0, 0, List.of()).worst()).isEqualTo("late");
    assertThat(new CanaryHistory.Bucket(NOON, 5, 1, 0, 0, 0, List.of()).worst()).isEqualTo("slow");
    assertThat(new CanaryHistory.Bucket(NOON, 5, 1, 1, 1, 0, List.of()).worst()).isEqualTo("lost");
    assertThat(new CanaryHistory.Bucket(NOON, 5, 1, 1, 1, 1, List.of()).worst()).isEqualTo("unreachable");
  }

  @Test
  void canariesAreCountedPerTenMinuteBucketWithEachStagesP50AndP99OfThoseThatReachedIt() {
    Instant bucket = NOON.minus(Duration.ofMinutes(30));
    for (int i = 1; i <= 100; i++) {
      judge(bucket.plusSeconds(i), i * 10L, StageResult.Status.SEEN, 1000 + i);
    }
    judge(bucket.plusSeconds(200), 50, StageResult.Status.LOST, 90_000);
    judge(NOON.minus(Duration.ofMinutes(5)), 40, StageResult.Status.SEEN, 900);

    view.refresh();

    CanaryHistory h = view.canaries("p");
    assertThat(h.bucket()).isEqualTo("10m");
    assertThat(h.to()).isEqualTo(NOON.plus(Duration.ofMinutes(10)));
    assertThat(h.from()).isEqualTo(NOON.minus(Duration.ofHours(24)).plus(Duration.ofMinutes(10)));
    assertThat(h.buckets()).extracting(CanaryHistory.Bucket::start)
        .containsExactly(bucket, NOON.minus(Duration.ofMinutes(10)));
    CanaryHistory.Bucket b = h.buckets().get(0);
    assertThat(b.ok()).isEqualTo(100);
    assertThat(b.lost()).isEqualTo(1);
    assertThat(b.worst()).isEqualTo("lost");
    assertThat(b.stages()).extracting(CanaryHistory.StageLatency::stage).containsExactly("kafka", "elasticsearch");
    // kafka saw 101 canaries (10, 20 .. 1000 ms and one more of 50 ms; nearest rank); elasticsearch the 100 that reached it, not the lost one
    assertThat(b.stages().get(0)).isEqualTo(new CanaryHistory.StageLatency("kafka", 500, 990, 101));
    assertThat(b.stages().get(1)).isEqualTo(new CanaryHistory.StageLatency("elasticsearch", 1050, 1099, 100));
  }

  @Test
  void aClosedBucketIsReadOnceAndLaterRefreshesReadOnlyTheOpenBucket() {
    judge(NOON.minus(Duration.ofHours(3)), 10, StageResult.Status.SEEN, 100);
    view.refresh();
    assertThat(reads).containsExactly(NOON.minus(Duration.ofHours(24)).plus(Duration.ofMinutes(10)));

    clock.advance(Duration.ofSeconds(10));
    judge(clock.instant(), 10, StageResult.Status.SEEN, 200);
    view.refresh();

    assertThat(reads.get(1)).isEqualTo(NOON.minus(Duration.ofMinutes(10)));
    assertThat(view.canaries("p").buckets()).extracting(CanaryHistory.Bucket::ok).containsExactly(1, 1);

    // a day later the old bucket has left the window, and nothing is read twice
    clock.advance(Duration.ofHours(22));
    view.refresh();
    assertThat(view.canaries("p").buckets()).extracting(CanaryHistory.Bucket::start).containsExactly(NOON);
    clock.advance(Duration.ofHours(2));
    view.refresh();
    assertThat(view.canaries("p").buckets()).isEmpty();
  }

  @Test
  void signalsArePerBucketWithFreshnessAgeVolumeAgainstYesterdayAndLagWithTheirThresholds() {
    Instant m = NOON.minus(Duration.ofMinutes(20));
    stores.observations().saveObservations(List.of(
        obs("freshness", "es", Observation.value(m, m.minusSeconds(30).toEpochMilli())),
        obs("freshness", "es", Observation.value(m.plusSeconds(60), m.minusSeconds(30).toEpochMilli())),
        obs("volume", "kafka", Observation.value(m, 900)),
        obs("volume", "kafka", Observation.value(m.minus(Duration.ofDays(1)), 1000)),
        obs("volume", "kafka", Observation.value(m.minus(Duration.ofDays(7)), 1200)),
        obs("consumer_lag", "connector", Observation.value(m, 500, 0, "Stable")),
        obs("consumer_lag", "connector", Observation.unknown(m.plusSeconds(60), "refused"))));

    view.refresh();

    Map<String, SignalHistory.Series> series = new java.util.LinkedHashMap<>();
    view.signals("p").series().forEach(s -> series.put(s.type(), s));
    assertThat(series.get("freshness").threshold()).isEqualTo(300.0);
    // the newest record was 30 s old at m, and 90 s old a minute later: the bucket shows the larger
    assertThat(series.get("freshness").points()).singleElement()
        .isEqualTo(new SignalHistory.Point(m, 90.0, null, null));
    assertThat(series.get("volume").threshold()).isEqualTo(0.8);
    assertThat(series.get("volume").points()).singleElement().isEqualTo(new SignalHistory.Point(m, 900.0, 1000.0, 1200.0));
    assertThat(series.get("consumer_lag").threshold()).isEqualTo(10_000.0);
    assertThat(series.get("consumer_lag").points()).singleElement().isEqualTo(new SignalHistory.Point(m, 500.0, null, null));
  }

  static ObservationStore.SignalObservation obs(String type, String name, Observation o) {
    return new ObservationStore.SignalObservation(SignalWatch.signal("p", type, name), o);
  }

}
