package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Observation;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.config.Config;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One-shot judgements for {@code oobwatch check}: the daemon's rules on one observation each. */
class SignalCheckTest {
  final TestClock clock = TestClock.at("2026-11-27T08:48:12Z");
  final SignalCheck check = new SignalCheck(clock);
  final Config.Freshness dashboards = new Config.Freshness("dashboards", "elasticsearch", null, Duration.ofMinutes(5));

  @Test
  void aRecordYoungerThanMaxAgeIsFreshWithItsAge() {
    SignalCheck.Outcome o = check.freshness("inference-logs", dashboards,
        Observation.value(clock.instant(), Instant.parse("2026-11-27T08:47:00Z").toEpochMilli()));

    assertThat(o.result()).isEqualTo(SignalCheck.Result.FRESH);
    assertThat(o.level()).isZero();
    assertThat(o.age()).isEqualTo(Duration.ofSeconds(72));
    assertThat(o.problem()).isNull();
    assertThat(o.reason()).isEqualTo("newest 08:47:00Z, 72s old");
  }

  @Test
  void aNewestRecordOlderThanMaxAgeIsStaleAndCriticalWithTheDaemonsWords() {
    SignalCheck.Outcome o = check.freshness("inference-logs", dashboards,
        Observation.value(clock.instant(), Instant.parse("2026-11-27T08:41:12Z").toEpochMilli()));

    assertThat(o.result()).isEqualTo(SignalCheck.Result.STALE);
    assertThat(o.level()).isEqualTo(2);
    assertThat(o.problem()).isEqualTo("no new inference logs in elasticsearch dashboards for 7m");
    assertThat(o.reason()).isEqualTo("Newest 08:41:12Z; max_age 5m.");
  }

  @Test
  void aSinkThatHoldsNothingIsEmptyAtOnceAndOneThatCannotBeQueriedIsUnreachableNeverFresh() {
    SignalCheck.Outcome empty = check.freshness("inference-logs", dashboards,
        Observation.none(clock.instant(), "no index matches inference-logs-*"));
    SignalCheck.Outcome down = check.freshness("inference-logs", dashboards,
        Observation.unknown(clock.instant(), "elasticsearch at http://es:9200 refused the connection"));

    assertThat(empty.result()).isEqualTo(SignalCheck.Result.EMPTY);
    assertThat(empty.level()).isEqualTo(2);
    assertThat(empty.problem()).isEqualTo("no inference logs in elasticsearch dashboards");
    assertThat(empty.reason()).isEqualTo("no index matches inference-logs-*");
    assertThat(down.result()).isEqualTo(SignalCheck.Result.UNREACHABLE);
    assertThat(down.level()).isEqualTo(2);
    assertThat(down.problem()).isEqualTo("cannot query elasticsearch dashboards");
  }

  final Config.Volume requests = new Config.Volume("requests", "prometheus", null, Duration.ofMinutes(15), 0.2,
      List.of(Duration.ofDays(1)), 50, null);
  final Config.ConsumerLag connector = new Config.ConsumerLag("connector", null, 100_000, Duration.ofMinutes(5));

  @Test
  void aVolumeIsOnlyReadItsDropNeedsHistoryAndNoDataIsAWarning() {
    SignalCheck.Outcome read = check.volume("inference-logs", requests, Observation.value(clock.instant(), 412));
    SignalCheck.Outcome none = check.volume("inference-logs", requests,
        Observation.none(clock.instant(), "the query returned no series: sum(rate(x[5m]))"));

    assertThat(read.result()).isEqualTo(SignalCheck.Result.READ);
    assertThat(read.level()).isZero();
    assertThat(read.reason()).isEqualTo("412/min now; drops and ceilings are judged over 15m by the daemon");
    assertThat(none.result()).isEqualTo(SignalCheck.Result.NO_DATA);
    assertThat(none.level()).isEqualTo(1);
    assertThat(none.problem()).isEqualTo("no volume reading from prometheus requests");
  }

  @Test
  void aConsumerGroupWithoutMembersOrOverMaxLagIsCriticalAndAHealthyOneIsRead() {
    SignalCheck.Outcome healthy = check.consumer("inference-logs", connector,
        Observation.value(clock.instant(), 1200, 88_000, "Stable"));
    SignalCheck.Outcome empty = check.consumer("inference-logs", connector,
        Observation.value(clock.instant(), 1200, 88_000, "Empty"));
    SignalCheck.Outcome gone = check.consumer("inference-logs", connector,
        Observation.none(clock.instant(), "consumer group logstash does not exist (Dead)"));
    SignalCheck.Outcome behind = check.consumer("inference-logs", connector,
        Observation.value(clock.instant(), 250_000, 88_000, "Stable"));

    assertThat(healthy.result()).isEqualTo(SignalCheck.Result.READ);
    assertThat(healthy.reason()).isEqualTo("lag 1200 (Stable); stalls are judged over time by the daemon");
    assertThat(empty.result()).isEqualTo(SignalCheck.Result.EMPTY);
    assertThat(empty.level()).isEqualTo(2);
    assertThat(empty.problem()).isEqualTo("consumer_lag connector has no members (Empty), lag 1200");
    assertThat(empty.reason()).contains("Kafka healthy, Elasticsearch healthy, dashboards dark");
    assertThat(gone.result()).isEqualTo(SignalCheck.Result.EMPTY);
    assertThat(gone.problem()).isEqualTo("consumer group logstash does not exist (Dead)");
    assertThat(behind.result()).isEqualTo(SignalCheck.Result.BEHIND);
    assertThat(behind.level()).isEqualTo(2);
    assertThat(behind.problem()).startsWith("consumer_lag connector lag 250");
  }
}
