package io.oobwatch.watchdog.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.FieldPath;
import io.oobwatch.watchdog.quality.InferenceTraffic;
import io.oobwatch.watchdog.quality.MinuteTallies;
import io.oobwatch.watchdog.config.QualitySpec;
import io.oobwatch.watchdog.config.Signal;
import io.oobwatch.watchdog.quality.Tally;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.QualityStore;
import io.oobwatch.watchdog.store.Stores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quality and cost rules over a simulated week of realistic records ({@link InferenceTraffic}),
 * through the real tallies, the real SQLite store, the real rules and the alerts, on a {@link
 * TestClock}: one evaluation a minute. The week is simulated once; each anomaly continues a copy of
 * its state file from Monday 10:00 of the second week.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QualityWeekTest {
  /** A Monday, midnight UTC. */
  static final Instant MONDAY = Instant.parse("2026-11-23T00:00:00Z");
  /** The anomalies start here: after a week and ten hours of normal traffic. */
  static final Instant ANOMALY = MONDAY.plus(Duration.ofDays(7)).plus(Duration.ofHours(10));
  static final Duration MINUTE = Duration.ofMinutes(1);

  static final QualitySpec SPEC = QualitySpec.of(List.of(
      new Signal.Rate("refusal_rate", FieldPath.of("finish_reason"), Set.of("content_filter"), false, 5, 200,
          Duration.ofMinutes(5)),
      new Signal.Rate("safety_rate", FieldPath.of("safety_flag"), Set.of("none"), true, 5, 200, Duration.ofMinutes(5)),
      new Signal.Mean("confidence", FieldPath.of("confidence"), Signal.Bound.BELOW, 0.6, null, 100, Duration.ofMinutes(2)),
      new Signal.Mean("cost_per_request", FieldPath.of("cost_usd"), Signal.Bound.ABOVE, 0.02, null, 100,
          Duration.ofMinutes(2)),
      new Signal.RequestMax("request_tokens", List.of(FieldPath.of("tokens_in"), FieldPath.of("tokens_out")), 50_000),
      new Signal.DailySpend("daily_spend", FieldPath.of("cost_usd"), 2_500)), InferenceTraffic.pricing());

  Path weekDir;
  List<Alert> weekAlerts;
  Map<String, QualityWatch.SignalStatus> weekEnd;
  long weekRecords;
  long storedMinutes;
  long fileBytes;

  /** One simulated pipeline: traffic, the tap's minute tallies, the store and the watch. */
  static final class Rig implements AutoCloseable {
    final TestClock clock;
    final Stores stores;
    final InferenceTraffic traffic;
    final MinuteTallies tallies = new MinuteTallies(SPEC);
    final QualityWatch watch;
    long records;

    Rig(Path dir, Instant start, long seed) {
      clock = new TestClock(start);
      stores = Stores.open(dir);
      traffic = new InferenceTraffic(seed);
      Alerts alerts = new Alerts("wd-test", stores.alerts(), null, clock, () -> { });
      watch = new QualityWatch("wd-test", "inference", SPEC, stores.quality(), alerts, clock);
    }

    /** A minute of traffic counted and stored, then the evaluation at its end. */
    void minute() {
      Instant minute = clock.instant();
      for (InferenceTraffic.Timed r : traffic.minute(minute)) {
        tallies.offer(r.value(), r.at());
        records++;
      }
      List<QualityStore.Row> rows = new ArrayList<>();
      tallies.minutes().forEach((at, t) -> rows.add(new QualityStore.Row(at, t.encode())));
      stores.quality().saveMinutes("inference", rows);
      tallies.forget(minute.plus(MINUTE));
      clock.advance(MINUTE);
      watch.tick();
      assertThat(watch.snapshot().error()).isNull();
    }

    void runUntil(Instant until) {
      while (clock.instant().isBefore(until)) {
        minute();
      }
    }

    List<Alert> alerts() {
      return stores.alerts().alerts(Instant.EPOCH);
    }

    @Override
    public void close() {
      stores.close();
    }
  }

  @BeforeAll
  void simulateAWeek(@TempDir Path tmp) {
    weekDir = tmp;
    try (Rig rig = new Rig(weekDir, MONDAY, 20261123)) {
      rig.runUntil(ANOMALY);
      weekAlerts = rig.alerts();
      weekEnd = rig.watch.snapshot().signals();
      weekRecords = rig.records;
      storedMinutes = rig.stores.quality().minutes("inference", MONDAY, ANOMALY).size();
    }
    try {
      fileBytes = Files.size(weekDir.resolve("oobwatch.db"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  Rig rig;

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
  }

  /** A rig continuing the simulated week from {@link #ANOMALY}, its state file a copy of the week's. */
  Rig afterTheWeek(Consumer<InferenceTraffic> anomaly) throws IOException {
    Path dir = Files.createTempDirectory(weekDir, "anomaly");
    Files.copy(weekDir.resolve("oobwatch.db"), dir.resolve("oobwatch.db"));
    rig = new Rig(dir, ANOMALY, 7);
    anomaly.accept(rig.traffic);
    return rig;
  }

  /** The evaluations until the first alert, at most {@code max}; the alert's rule must be {@code rule}. */
  Alert pagesWithin(int evaluations, String rule) {
    for (int i = 0; i < evaluations && rig.alerts().stream().noneMatch(a -> a.rule().equals(rule)); i++) {
      rig.minute();
    }
    assertThat(rig.alerts()).extracting(Alert::rule).contains(rule);
    return rig.alerts().stream().filter(a -> a.rule().equals(rule)).findFirst().orElseThrow();
  }

  String page(Alert a) {
    return rig.stores.outbox().pages(100).stream().filter(p -> p.alertId() == a.id()).findFirst().orElseThrow().body();
  }

  @Test
  void aWeekAndTenHoursOfNormalTrafficPageNobody() {
    assertThat(weekRecords).isGreaterThan(1_500_000);
    assertThat(weekAlerts).isEmpty();
    // tallies, never records: a stored minute is a small fraction of its ~180 records (~60 kB as JSON)
    assertThat(storedMinutes).isEqualTo(Duration.between(MONDAY, ANOMALY).toMinutes());
    assertThat(fileBytes / storedMinutes).isLessThan(6_000);
    assertThat(weekEnd.get("refusal_rate").status()).contains("same hour, last 7 days").doesNotStartWith("BAD");
    assertThat(weekEnd.get("refusal_rate").figure().baseline()).isBetween(0.015, 0.025);
    assertThat(weekEnd.get("safety_rate").figure().baseline()).isBetween(0.01, 0.02);
    assertThat(weekEnd.get("daily_spend").status()).contains("usual day");
  }

  @Test
  void refusalsRisingFromTwoToFifteenPercentPageWithinTwoEvaluationsNamingTheRate() throws IOException {
    afterTheWeek(t -> t.refusals = 0.15);

    Alert a = pagesWithin(2, "rate-rise:refusal_rate");

    assertThat(a.summary()).matches("refusal rate \\d+\\.\\d% over 5m \\([\\d,]+ requests\\)");
    assertThat(page(a)).contains("Baseline 2.", "(same hour, last 7 days)", "sigma above. Examples: req_");
    assertThat(rig.alerts()).hasSize(1);
  }

  @Test
  void safetyFlagsRisingFromOneAndAHalfToNinePercentPageWithinTwoEvaluations() throws IOException {
    afterTheWeek(t -> t.safetyFlags = 0.09);

    Alert a = pagesWithin(2, "rate-rise:safety_rate");

    assertThat(a.summary()).startsWith("safety rate ");
    assertThat(rig.alerts()).hasSize(1);
  }

  @Test
  void confidenceDroppingByAQuarterPagesWithinTwoEvaluations() throws IOException {
    afterTheWeek(t -> t.confidence -= 0.25);

    Alert a = pagesWithin(2, "mean:confidence");

    assertThat(a.summary()).matches("confidence mean 0\\.5\\d+ over 2m \\([\\d,]+ requests\\), below 0\\.6");
    assertThat(page(a)).contains("Same hour, last 7 days: 0.8");
  }

  @Test
  void aSessionGrowingTwentyThousandTokensATurnPagesOnceAsARunawayLoop() throws IOException {
    afterTheWeek(t -> t.runawaySession = "sess_loop42");

    // turns of 20k, 40k, then 60k: over the 50k max at the third minute
    rig.minute();
    rig.minute();
    assertThat(rig.alerts()).isEmpty();
    Alert a = pagesWithin(2, "request-max:request_tokens/sess_loop42");

    assertThat(a.summary()).matches("request req_\\w+ used 6\\d,\\d{3} tokens \\(max 50,000\\)");
    assertThat(page(a)).contains("Runaway loop: session sess_loop42 grew 20,", " -> 40,", "over 3 turns");
    rig.runUntil(rig.clock.instant().plus(Duration.ofMinutes(10)));
    assertThat(rig.alerts()).hasSize(1); // the same session never pages again
  }

  @Test
  void trafficMovingToTheExpensiveModelPagesCostPerRequestWithinTwoEvaluationsAndTheSpendForecastLater()
      throws IOException {
    afterTheWeek(t -> t.shares = new double[] {0.1, 0.1, 0.8});

    Alert cost = pagesWithin(2, "mean:cost_per_request");
    assertThat(cost.summary()).matches("cost per request mean \\$0\\.0\\d+ over 2m \\([\\d,]+ requests\\), above \\$0\\.02");

    rig.runUntil(rig.clock.instant().plus(Duration.ofMinutes(60)));
    Alert spend = rig.alerts().stream().filter(a -> a.rule().equals("spend-forecast:daily_spend")).findFirst().orElseThrow();
    assertThat(spend.summary()).matches("daily spend forecast \\$[\\d,]+ today, cap \\$2,500");
    assertThat(page(spend)).contains("crosses the cap at about ");
  }
}
