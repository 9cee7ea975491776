package io.oobwatch.watchdog.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.AlertStore;
import io.oobwatch.watchdog.store.Outbox;
import io.oobwatch.watchdog.store.OutboxEntry;
import io.oobwatch.watchdog.store.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch with scripted probes: freshness, unknown sources, ratio, and restarts, on a real SQLite store. */
class SignalWatchTest {
  @TempDir Path dir;
  final TestClock clock = TestClock.at("2026-11-27T08:00:00Z");
  final List<Stores> stores = new ArrayList<>();

  @AfterEach
  void close() {
    stores.forEach(Stores::close);
  }

  static Probe probe(Supplier<Observation> s) {
    return new Probe() {
      @Override
      public Observation observe() {
        return s.get();
      }

      @Override
      public void close() {}
    };
  }

  Stores store() {
    Stores s = Stores.open(dir);
    stores.add(s);
    return s;
  }

  SignalWatch watch(Stores store, Config.Checks checks, Map<String, Probe> probes) {
    return new SignalWatch("wd-test", new Config.Pipeline("inference-logs", null, checks), probes, store.observations(),
        new Alerts("wd-test", store.alerts(), null, clock, () -> { }), clock);
  }

  static Config.Checks freshnessOnly() {
    return new Config.Checks(Duration.ofMinutes(1), Duration.ofMinutes(5),
        List.of(new Config.Freshness("elasticsearch", "elasticsearch", null, Duration.ofMinutes(5))), List.of(), List.of(),
        List.of());
  }

  void minutes(SignalWatch w, int n) {
    for (int i = 0; i < n; i++) {
      w.tick();
      assertThat(w.snapshot().error()).isNull();
      clock.advance(Duration.ofMinutes(1));
    }
  }

  @Test
  void darkDashboardsPageWithTheNewestRecordsTimeAndResolveWhenRecordsFlowAgain() {
    Instant newest = clock.instant().plusSeconds(12);
    Instant[] current = {newest};
    Stores store = store();
    SignalWatch w = watch(store, freshnessOnly(), Map.of(SignalWatch.signal("inference-logs", "freshness", "elasticsearch"),
        probe(() -> Observation.value(clock.instant(), current[0].toEpochMilli()))));

    minutes(w, 8);

    assertThat(store.alerts().alerts(Instant.EPOCH)).extracting(Alert::summary)
        .containsExactly("no new inference logs in elasticsearch for 5m");
    assertThat(store.outbox().pages(5).get(0).body()).contains("Newest 08:00:12Z; max_age 5m.");

    current[0] = clock.instant();
    minutes(w, 1);
    assertThat(store.alerts().alerts(Instant.EPOCH).get(0).state()).isEqualTo(Alert.State.RESOLVED);
  }

  @Test
  void aSourceThatCannotBeQueriedPagesAfterTheBoundEvenAcrossARestartAndIsNeverFresh() {
    String signal = SignalWatch.signal("inference-logs", "freshness", "elasticsearch");
    Probe refused = probe(() -> Observation.unknown(clock.instant(), "elasticsearch at http://es:9200 refused the connection"));
    Stores first = store();
    minutes(watch(first, freshnessOnly(), Map.of(signal, refused)), 3);
    first.close();
    stores.remove(first);

    Stores second = store();
    SignalWatch restarted = watch(second, freshnessOnly(), Map.of(signal, refused));
    minutes(restarted, 3);

    List<Alert> alerts = second.alerts().alerts(Instant.EPOCH);
    assertThat(alerts).extracting(Alert::rule).containsExactly("unknown:freshness:elasticsearch");
    assertThat(restarted.rules()).extracting(Rule::id).contains(alerts.get(0).rule());
    assertThat(alerts.get(0).openedAt()).isEqualTo(Instant.parse("2026-11-27T08:05:00Z"));
    assertThat(second.outbox().pages(5).get(0).body())
        .contains("cannot query elasticsearch (freshness) for 5m. Elasticsearch at http://es:9200 refused the connection.");
    assertThat(restarted.snapshot().checks().get("elasticsearch").findings().get("silence")).startsWith("unknown:");
  }

  @Test
  void aSinkLosingRecordsWhileTheSourceIsNormalPagesTheRatio() {
    Config.Volume sent = new Config.Volume("kafka", "kafka", null, Duration.ofMinutes(15), 0.2, List.of(Duration.ofDays(1)), 50, null);
    Config.Volume indexed = new Config.Volume("elasticsearch", "elasticsearch", null, Duration.ofMinutes(15), 0.2,
        List.of(Duration.ofDays(1)), 50, null);
    Config.Checks checks = new Config.Checks(Duration.ofMinutes(1), Duration.ofMinutes(5), List.of(), List.of(sent, indexed),
        List.of(new Config.Ratio("elasticsearch", "kafka", 0.9, Duration.ofMinutes(15))), List.of());
    Map<String, Probe> probes = new LinkedHashMap<>();
    probes.put(SignalWatch.signal("inference-logs", "volume", "kafka"), probe(() -> Observation.value(clock.instant(), 500)));
    probes.put(SignalWatch.signal("inference-logs", "volume", "elasticsearch"), probe(() -> Observation.value(clock.instant(), 400)));
    Stores store = store();

    SignalWatch w = watch(store, checks, probes);
    minutes(w, 8);

    assertThat(store.alerts().alerts(Instant.EPOCH)).extracting(Alert::summary)
        .containsExactly("elasticsearch receives 80% of what kafka sends");
    assertThat(w.rules()).extracting(Rule::id).contains(store.alerts().alerts(Instant.EPOCH).get(0).rule());
    assertThat(store.outbox().pages(5).get(0).body()).contains("400/min vs 500/min over 15m (80%; min 90%).");
  }

  @Test
  void theRulesItListsAsWatchedAreEveryRuleItsChecksCanRaiseAndNoOther() {
    Config.Volume withCeiling = new Config.Volume("kafka", "kafka", null, Duration.ofMinutes(15), 0.2,
        List.of(Duration.ofDays(1)), 50, 10_000.0);
    Config.Volume plain = new Config.Volume("elasticsearch", "elasticsearch", null, Duration.ofMinutes(15), 0.2,
        List.of(Duration.ofDays(1)), 50, null);
    Config.Checks checks = new Config.Checks(Duration.ofMinutes(1), Duration.ofMinutes(5),
        List.of(new Config.Freshness("dashboards", "elasticsearch", null, Duration.ofMinutes(5))), List.of(withCeiling, plain),
        List.of(new Config.Ratio("elasticsearch", "kafka", 0.9, Duration.ofMinutes(15))),
        List.of(new Config.ConsumerLag("connector", null, 0, Duration.ofMinutes(5)),
            new Config.ConsumerLag("archiver", null, 100_000, Duration.ofMinutes(5))));

    assertThat(watch(store(), checks, Map.of()).rules()).extracting(Rule::id).containsExactlyInAnyOrder(
        "unknown:freshness:dashboards", "freshness:dashboards",
        "unknown:volume:kafka", "volume-drop:kafka", "ceiling:kafka",
        "unknown:volume:elasticsearch", "volume-drop:elasticsearch",
        "ratio:elasticsearch/kafka",
        "unknown:consumer_lag:connector", "stalled:connector",
        "unknown:consumer_lag:archiver", "stalled:archiver", "lag:archiver");
  }

  @Test
  void anAcknowledgedFreshnessAlertResolvesWithItsNoticeWhenRecordsFlowAgainAndTheNextStallPagesAnew() {
    Instant[] newest = {clock.instant()};
    Stores stores = store();
    AlertStore store = stores.alerts();
    Outbox outbox = stores.outbox();
    Alerts alerts = new Alerts("wd-test", store, null, clock, () -> { });
    SignalWatch w = new SignalWatch("wd-test", new Config.Pipeline("inference-logs", null, freshnessOnly()),
        Map.of(SignalWatch.signal("inference-logs", "freshness", "elasticsearch"),
            probe(() -> Observation.value(clock.instant(), newest[0].toEpochMilli()))), stores.observations(), alerts, clock);
    minutes(w, 7);
    Alert first = store.alerts(Instant.EPOCH).get(0);
    OutboxEntry page = outbox.pages(5).get(0);
    outbox.pageSent(page.id(), "SM-first", clock.instant());
    assertThat(alerts.ack(first.id(), "sms:alice").outcome()).isEqualTo(Alerts.AckOutcome.ACKNOWLEDGED);

    newest[0] = clock.instant();
    minutes(w, 1);

    assertThat(store.alert(first.id()).orElseThrow().state()).isEqualTo(Alert.State.RESOLVED);
    assertThat(outbox.pages(10)).filteredOn(p -> p.event().equals("resolve")).extracting(OutboxEntry::body)
        .singleElement().asString().contains("RESOLVED " + first.id());

    minutes(w, 7);
    List<Alert> all = store.alerts(Instant.EPOCH);
    assertThat(all).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
    assertThat(outbox.pages(10)).filteredOn(p -> p.event().equals("fire")).extracting(OutboxEntry::alertId)
        .containsExactlyInAnyOrder(first.id(), all.get(0).id());
  }

  @Test
  void anAcknowledgedConsumerLagAlertResolvesWhenTheConsumerCatchesUpAndNothingReArmsAtTheAckTimeout() {
    long[] lag = {5_000};
    Config.Checks checks = new Config.Checks(Duration.ofMinutes(1), Duration.ofMinutes(5), List.of(), List.of(), List.of(),
        List.of(new Config.ConsumerLag("connector", null, 1_000, Duration.ofMinutes(5))));
    Stores stores = store();
    AlertStore store = stores.alerts();
    Outbox outbox = stores.outbox();
    Alerts alerts = new Alerts("wd-test", store, null, clock, () -> { });
    SignalWatch w = new SignalWatch("wd-test", new Config.Pipeline("inference-logs", null, checks),
        Map.of(SignalWatch.signal("inference-logs", "consumer_lag", "connector"),
            probe(() -> Observation.value(clock.instant(), lag[0], 100_000 - lag[0], "Stable"))), stores.observations(), alerts,
            clock);
    minutes(w, 1);
    Alert alert = alerts.openAlert("inference-logs", Rule.of(Rule.Kind.LAG, "connector")).orElseThrow();
    outbox.pageSent(outbox.pages(5).get(0).id(), "SM-lag", clock.instant());
    alerts.ack(alert.id(), "sms:alice");

    lag[0] = 10;
    minutes(w, 1);
    clock.advance(Duration.ofDays(2));
    alerts.escalate();

    assertThat(store.alert(alert.id()).orElseThrow().state()).isEqualTo(Alert.State.RESOLVED);
    assertThat(outbox.pages(10)).extracting(OutboxEntry::event).contains("resolve").doesNotContain("rearm");
  }
}
