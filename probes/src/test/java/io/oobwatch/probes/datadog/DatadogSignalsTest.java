package io.oobwatch.probes.datadog;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Freshness and volume from FakeDatadog's aggregate API over real sockets. */
class DatadogSignalsTest {
  private final DatadogFixture dd = new DatadogFixture();

  @AfterEach
  void stop() {
    dd.close();
  }

  private DatadogSignalConfig signals() {
    return new DatadogSignalConfig(dd.account(), List.of(), DatadogSignalConfig.DEFAULT_QUERY,
        DatadogSignalConfig.DEFAULT_DELAY, DatadogSignalConfig.DEFAULT_LOOKBACK);
  }

  @Test
  void volumeCountsTheRealLogsOfTheMinuteThatEndedDelayAgo() {
    Instant minute = DatadogFixture.START; // 10:00:00
    dd.realLog(minute.plusSeconds(5));
    dd.realLog(minute.plusSeconds(50));
    dd.realLog(minute.plusSeconds(65)); // the next minute
    CanaryRecord canary = dd.canary(1);
    dd.fake.log("main", minute.plusSeconds(10), canary.document()); // synthetic: not counted
    dd.advance(Duration.ofSeconds(150)); // 10:02:30: delay 1m, so the minute 10:00-10:01

    Observation o = signals().volume(dd.ctx).observe();

    assertThat(o.kind()).isEqualTo(Observation.Kind.VALUE);
    assertThat(o.value()).isEqualTo(2);
  }

  @Test
  void volumeIsARealZeroWhenDatadogAnswersWithNoLog() {
    dd.advance(Duration.ofMinutes(3));

    Observation o = signals().volume(dd.ctx).observe();

    assertThat(o.kind()).isEqualTo(Observation.Kind.VALUE);
    assertThat(o.value()).isZero();
  }

  @Test
  void freshnessIsTheNewestMinuteWithARealLog() {
    dd.realLog(DatadogFixture.START.plusSeconds(70));
    dd.fake.log("main", DatadogFixture.START.plusSeconds(200), dd.canary(1).document()); // synthetic: ignored
    dd.advance(Duration.ofMinutes(5));

    Observation o = signals().freshness(dd.ctx).observe();

    assertThat(o.kind()).isEqualTo(Observation.Kind.VALUE);
    assertThat(Instant.ofEpochMilli((long) o.value())).isEqualTo(DatadogFixture.START.plusSeconds(60));
  }

  @Test
  void freshnessWithNoRealLogInTheLookbackIsNoneNeverFresh() {
    dd.advance(Duration.ofMinutes(5));

    Observation o = signals().freshness(dd.ctx).observe();

    assertThat(o.kind()).isEqualTo(Observation.Kind.NONE);
    assertThat(o.note()).isEqualTo("no real log in datadog logs at fake for 60m");
  }

  @Test
  void bothAreUnknownWhenDatadogIsUnavailable() {
    dd.fake.unavailable(true);

    Observation volume = signals().volume(dd.ctx).observe();
    Observation freshness = signals().freshness(dd.ctx).observe();

    assertThat(volume.kind()).isEqualTo(Observation.Kind.UNKNOWN);
    assertThat(volume.note()).startsWith("cannot query datadog (HTTP 503)");
    assertThat(freshness.kind()).isEqualTo(Observation.Kind.UNKNOWN);
  }

  @Test
  void aRateLimitedProbeWaitsForTheResetWithoutAsking() {
    dd.fake.rateLimitStorm(true);
    Probe volume = signals().volume(dd.ctx);

    Observation limited = volume.observe();
    dd.fake.rateLimitStorm(false);
    dd.advance(Duration.ofMinutes(1));
    Observation held = volume.observe();
    dd.advance(Duration.ofHours(1));
    Observation after = volume.observe();

    assertThat(limited.kind()).isEqualTo(Observation.Kind.UNKNOWN);
    assertThat(limited.note()).startsWith("datadog rate-limited the log queries (HTTP 429)");
    assertThat(held.kind()).isEqualTo(Observation.Kind.UNKNOWN);
    assertThat(dd.fake.aggregates()).isEqualTo(2);
    assertThat(after.kind()).isEqualTo(Observation.Kind.VALUE);
  }

  @Test
  void aRejectedKeyIsUnknownWithThatReason() {
    Probe volume = new DatadogSignalConfig(dd.account(DatadogFixture.API_KEY, "nope"), List.of(), "*",
        Duration.ofMinutes(1), Duration.ofHours(1)).volume(dd.ctx);

    Observation o = volume.observe();

    assertThat(o.kind()).isEqualTo(Observation.Kind.UNKNOWN);
    assertThat(o.note()).startsWith("Datadog rejected the API or application key (HTTP 403");
  }
}
