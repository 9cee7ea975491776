package io.oobwatch.watchdog.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.FieldPath;
import io.oobwatch.watchdog.config.QualitySpec;
import io.oobwatch.watchdog.config.Signal;
import io.oobwatch.watchdog.page.SmsText;
import io.oobwatch.watchdog.quality.MinuteTallies;
import io.oobwatch.watchdog.quality.TapHealth;
import io.oobwatch.watchdog.status.PipelineQuality;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.QualityStore;
import io.oobwatch.watchdog.store.Stores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pipeline's quality watch over the real SQLite store and the real alerts, fed minute by minute
 * with hand-made records through the real tallies, on a {@link TestClock}: what pages, what a page
 * reads, and what {@code /status} shows.
 */
class QualityWatchTest {
  static final Instant START = Instant.parse("2026-11-30T10:00:00Z");
  static final Signal.Rate REFUSALS = new Signal.Rate("refusal_rate", FieldPath.of("finish_reason"),
      Set.of("content_filter"), false, 5, 100, Duration.ofMinutes(5));
  static final Signal.Mean CONFIDENCE = new Signal.Mean("confidence", FieldPath.of("confidence"), Signal.Bound.BELOW, 0.6,
      null, 50, Duration.ofMinutes(2));
  static final Signal.RequestMax TOKENS = new Signal.RequestMax("request_tokens", List.of(FieldPath.of("tokens_in")),
      50_000);
  static final QualitySpec SPEC = QualitySpec.of(List.of(REFUSALS, CONFIDENCE, TOKENS), null);

  @TempDir Path dir;
  final TestClock clock = new TestClock(START);
  final MinuteTallies tallies = new MinuteTallies(SPEC);
  Stores stores;
  Alerts alerts;
  QualityWatch watch;
  int seq;

  @BeforeEach
  void open() {
    stores = Stores.open(dir);
    alerts = new Alerts("wd-test", stores.alerts(), null, clock, () -> { });
    watch = new QualityWatch("wd-test", "inference", SPEC, stores.quality(), alerts, clock);
  }

  @AfterEach
  void close() {
    stores.close();
  }

  /** The records logged in the minute now begins, counted and stored as the tap does; then a round at its end. */
  void minute(List<String> records) {
    Instant minute = clock.instant();
    for (int i = 0; i < records.size(); i++) {
      tallies.offer(records.get(i).getBytes(StandardCharsets.UTF_8), minute.plusMillis(i));
    }
    List<QualityStore.Row> rows = new ArrayList<>();
    tallies.minutes().forEach((at, t) -> rows.add(new QualityStore.Row(at, t.encode())));
    stores.quality().saveMinutes("inference", rows);
    tallies.forget(minute.plus(Duration.ofMinutes(1)));
    clock.advance(Duration.ofMinutes(1));
    watch.tick();
    assertThat(watch.snapshot().error()).isNull();
  }

  /** Ordinary requests: 2% refused, confidence 0.8, 900 tokens. */
  List<String> normal(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(request("req_" + Integer.toHexString(0x10000 + seq++), "sess_n" + i, i % 50 == 0 ? "content_filter" : "stop",
          900));
    }
    return out;
  }

  static String request(String id, String session, String finish, double tokens) {
    return "{\"request_id\":\"" + id + "\",\"session_id\":\"" + session + "\",\"finish_reason\":\"" + finish
        + "\",\"confidence\":0.8,\"tokens_in\":" + Math.round(tokens) + "}";
  }

  @SafeVarargs
  static List<String> with(List<String> base, String... more) {
    List<String> out = new ArrayList<>(base);
    out.addAll(List.of(more));
    return out;
  }

  List<Alert> alerts() {
    return stores.alerts().alerts(Instant.EPOCH);
  }

  String page(Alert a) {
    return stores.outbox().pages(100).stream().filter(p -> p.alertId() == a.id()).findFirst().orElseThrow().body();
  }

  /** Three closed hours before {@code START} of 2% refusals: the baseline of a new install. */
  void threeHoursOfHistory() {
    for (int h = 3; h >= 1; h--) {
      MinuteTallies hour = new MinuteTallies(SPEC);
      Instant start = START.minus(Duration.ofHours(h));
      for (String r : normal(1000)) {
        hour.offer(r.getBytes(StandardCharsets.UTF_8), start);
      }
      stores.quality().saveHour("inference", new QualityStore.Row(start, hour.minutes().firstEntry().getValue().encode()));
    }
  }

  @Test
  void aSecondSessionOverTheMaxWhileTheFirstIsOpenIsPagedOnceOnItsOwnAndEachResolvesOnItsOwn() {
    minute(with(normal(60), request("req_a1", "sess_a", "stop", 61_000)));
    assertThat(alerts()).extracting(Alert::rule).containsExactly("request-max:request_tokens/sess_a");
    // at a restart a session's alert is still watched, not resolved as taken out of the config
    assertThat(alerts.retire(watch.rules().stream().map(r -> new Alerts.Watched("inference", r))
        .collect(java.util.stream.Collectors.toSet()))).isEmpty();

    for (int turn = 0; turn < 4; turn++) {
      minute(with(normal(60), request("req_a" + (turn + 2), "sess_a", "stop", 62_000),
          request("req_b" + turn, "sess_b", "stop", 55_000 + turn * 1_000)));
    }

    List<Alert> all = alerts();
    assertThat(all).extracting(Alert::rule).containsExactlyInAnyOrder("request-max:request_tokens/sess_a",
        "request-max:request_tokens/sess_b");
    Alert b = all.stream().filter(a -> a.rule().endsWith("/sess_b")).findFirst().orElseThrow();
    assertThat(page(b)).contains("request req_b0 used 55,000 tokens (max 50,000). Session sess_b.");
    assertThat(stores.outbox().pages(100)).hasSize(2); // one page per session
    assertThat(watch.snapshot().signals().get("request_tokens").status())
        .startsWith("BAD: 2 sessions with requests over max 50,000 in the last 5m");

    // sess_b stops; sess_a goes on: only sess_b's alert resolves
    for (int i = 0; i < 5; i++) {
      minute(with(normal(60), request("req_a" + (10 + i), "sess_a", "stop", 63_000)));
    }
    assertThat(alerts()).filteredOn(Alert::open).extracting(Alert::rule)
        .containsExactly("request-max:request_tokens/sess_a");
    for (int i = 0; i < 6; i++) {
      minute(normal(60));
    }
    assertThat(alerts()).filteredOn(Alert::open).isEmpty();

    // a session paged for before does not page again
    minute(with(normal(60), request("req_b9", "sess_b", "stop", 90_000)));
    assertThat(alerts()).hasSize(2);
  }

  @Test
  void aRatePageNamesDistinctExampleIdsAndStillFitsTwoSegments() {
    threeHoursOfHistory();
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      String id = String.format("3f2a9c4e-1b7d-4e0a-9a51-%012x", 0x6c2d8e7f0000L + i);
      refused.add(request(id, "s" + i, i % 3 == 0 ? "content_filter" : "stop", 900));
    }

    minute(refused);

    Alert a = alerts().stream().filter(x -> x.rule().equals("rate-rise:refusal_rate")).findFirst().orElseThrow();
    String page = page(a);
    // the latest three refusals share 34 characters: told apart they would not fit the budget, so the first
    // is shown whole and the others left out
    assertThat(page).contains("Examples: 3f2a9c4e-1b7d-4e0a-9a51-6c2d8e7f008d");
    assertThat(SmsText.segments(page)).isLessThanOrEqualTo(2);
  }

  @Test
  void aWindowFullOfBadRecordsPagesNobodyAndShowsWhatWasWrong() {
    threeHoursOfHistory();
    byte[] huge = new byte[QualitySpec.MAX_RECORD_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) '{');
    String hugeRecord = new String(huge, StandardCharsets.ISO_8859_1);
    for (int m = 0; m < 10; m++) {
      List<String> bad = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        bad.add(switch (i % 4) {
          case 0 -> "not json " + i;
          case 1 -> "{\"request_id\":\"r" + i + "\"}"; // every field missing
          case 2 -> "{\"request_id\":\"r" + i + "\",\"finish_reason\":{\"x\":1},\"confidence\":\"low\",\"tokens_in\":\"many\"}";
          default -> "[\"content_filter\"]";
        });
      }
      bad.add(hugeRecord);
      minute(bad);
    }

    assertThat(alerts()).isEmpty();
    QualityWatch.Snapshot s = watch.snapshot();
    assertThat(s.problems()).contains("not JSON", "over 1 MB", "missing finish_reason", "wrong type confidence");
    assertThat(s.signals().get("refusal_rate").status()).contains("fewer than min_samples");
    assertThat(s.signals().get("confidence").status()).contains("fewer than min_samples");
  }

  @Test
  void theStatusCarriesEachSignalsValueBaselineAndSigma() {
    threeHoursOfHistory();

    minute(normal(200));

    PipelineQuality q = watch.snapshot().status();
    PipelineQuality.Signal refusals = q.signals().stream().filter(x -> x.name().equals("refusal_rate")).findFirst()
        .orElseThrow();
    assertThat(refusals.value()).isEqualTo(4 / 200.0);
    assertThat(refusals.baseline()).isEqualTo(0.02);
    assertThat(refusals.sigma()).isCloseTo(Math.sqrt(0.02 * 0.98 / 200), org.assertj.core.api.Assertions.within(1e-12));
    assertThat(refusals.status()).isEqualTo("refusal rate 2.0% over 5m (200 requests), baseline 2.0% ± 1.0% (last 3h): 0.0σ above");
  }

  @Test
  void anHourIsNotStoredAsCompleteUntilTheTapHasReadPastIt() {
    // a restarted tap counting history again: it has stored 09:30 and is still reading 09:40
    Instant nine = START.minus(Duration.ofHours(1));
    for (String r : normal(100)) {
      tallies.offer(r.getBytes(StandardCharsets.UTF_8), nine.plus(Duration.ofMinutes(30)));
    }
    List<QualityStore.Row> rows = new ArrayList<>();
    tallies.minutes().forEach((at, t) -> rows.add(new QualityStore.Row(at, t.encode())));
    stores.quality().saveMinutes("inference", rows);
    clock.set(START.plus(Duration.ofMinutes(5)));
    java.util.concurrent.atomic.AtomicReference<TapHealth> health = new java.util.concurrent.atomic.AtomicReference<>(
        new TapHealth(clock.instant(), 90_000, nine.plus(Duration.ofMinutes(40)), null, null, 5_000, "rebuilt"));
    QualityWatch rebuilding = new QualityWatch("wd-test", "inference", SPEC, stores.quality(), alerts, clock,
        "kafka topic logs", health::get);

    rebuilding.tick();
    assertThat(stores.quality().hours("inference", nine, START)).isEmpty();

    // caught up: nothing left to read at its last poll
    health.set(new TapHealth(clock.instant(), 0, clock.instant().minusSeconds(3), null, null, 95_000, "rebuilt"));
    rebuilding.tick();
    assertThat(stores.quality().hours("inference", nine, START)).hasSize(1);
  }

  @Test
  void anOpenAlertOfTheRequestSignalsOwnRuleIsResolvedSinceItPagesPerSession() {
    alerts.raise("inference", QualityWatch.rule(TOKENS), "request_tokens", "request r1 used 61,000 tokens (max 50,000)",
        a -> "ALERT " + a.id());

    minute(normal(60));

    assertThat(alerts()).extracting(Alert::rule).containsExactly("request-max:request_tokens");
    assertThat(alerts()).filteredOn(Alert::open).isEmpty();
  }
}
