package io.oobwatch.watchdog.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Observation;
import io.oobwatch.watchdog.detect.Finding.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Volume drop and ceiling, pure: windows in, findings out. */
class VolumeRuleTest {
  static final Instant NOW = Instant.parse("2026-11-27T08:48:12Z");

  static Window perMinute(double rate, int minutes) {
    return new Window(minutes, rate * minutes);
  }

  final VolumeRule rule = new VolumeRule(Duration.ofMinutes(15), 0.20, 50, 1000.0);
  final List<VolumeRule.Baseline> both = List.of(
      new VolumeRule.Baseline(Duration.ofDays(1), perMinute(598, 15)),
      new VolumeRule.Baseline(Duration.ofDays(7), perMinute(590, 15)));

  @Test
  void aDropBelowEveryBaselinePagesWithBothNumbers() {
    Finding f = rule.drop("kafka topic inference-logs", perMinute(412, 15), 15, both);

    assertThat(f.condition()).isEqualTo(Condition.BAD);
    assertThat(f.summary()).isEqualTo("log volume down 31% on kafka topic inference-logs");
    assertThat(f.evidence()).isEqualTo(
        "412/min over 15m vs 598/min same time yesterday (-31%), 590/min same time a week ago (-30%).");
  }

  @Test
  void aDropAgainstYesterdayOnlyIsNotADropWhenLastWeekWasAsLow() {
    List<VolumeRule.Baseline> quietLastWeek = List.of(
        new VolumeRule.Baseline(Duration.ofDays(1), perMinute(598, 15)),
        new VolumeRule.Baseline(Duration.ofDays(7), perMinute(420, 15)));

    assertThat(rule.drop("x", perMinute(412, 15), 15, quietLastWeek).condition()).isEqualTo(Condition.OK);
  }

  @Test
  void aMissingYesterdayFallsBackToLastWeek() {
    List<VolumeRule.Baseline> gap = List.of(
        new VolumeRule.Baseline(Duration.ofDays(1), new Window(0, 0)),
        new VolumeRule.Baseline(Duration.ofDays(7), perMinute(590, 14)));

    Finding f = rule.drop("x", perMinute(412, 15), 15, gap);

    assertThat(f.condition()).isEqualTo(Condition.BAD);
    assertThat(f.evidence()).isEqualTo("412/min over 15m vs 590/min same time a week ago (-30%).");
  }

  @Test
  void noBaselineAtAllIsQuietAndSaysNoBaseline() {
    List<VolumeRule.Baseline> none = List.of(
        new VolumeRule.Baseline(Duration.ofDays(1), new Window(3, 1800)),
        new VolumeRule.Baseline(Duration.ofDays(7), new Window(0, 0)));

    Finding f = rule.drop("x", perMinute(0, 15), 15, none);

    assertThat(f.condition()).isEqualTo(Condition.UNDECIDED);
    assertThat(f.status()).startsWith("no baseline:");
  }

  @Test
  void aBaselineBelowTheFloorIsAQuietNightNotADrop() {
    List<VolumeRule.Baseline> night = List.of(new VolumeRule.Baseline(Duration.ofDays(1), perMinute(40, 15)));

    Finding f = rule.drop("x", perMinute(5, 15), 15, night);

    assertThat(f.condition()).isEqualTo(Condition.UNDECIDED);
    assertThat(f.status()).startsWith("quiet:");
  }

  @Test
  void aWindowWithFewerThanHalfItsMinutesObservedIsNotJudged() {
    assertThat(rule.drop("x", perMinute(0, 7), 15, both).condition()).isEqualTo(Condition.UNDECIDED);
    assertThat(rule.drop("x", perMinute(0, 8), 15, both).condition()).isEqualTo(Condition.BAD);
  }

  @Test
  void fifteenPercentDownIsNoDropAtTwentyPercentButNotARecoveryEither() {
    assertThat(rule.drop("x", perMinute(598 * 0.85, 15), 15, both).condition()).isEqualTo(Condition.UNDECIDED);
    assertThat(rule.drop("x", perMinute(598 * 0.92, 15), 15, both).condition()).isEqualTo(Condition.OK);
  }

  @Test
  void aFloodAboveTheCeilingPages() {
    Finding f = rule.ceiling("prometheus", perMinute(1520, 15), 15);

    assertThat(f.condition()).isEqualTo(Condition.BAD);
    assertThat(f.evidence()).isEqualTo("1520/min over 15m; max_per_minute 1000.");
    assertThat(rule.ceiling("prometheus", perMinute(990, 15), 15).condition()).isEqualTo(Condition.UNDECIDED);
    assertThat(rule.ceiling("prometheus", perMinute(890, 15), 15).condition()).isEqualTo(Condition.OK);
  }
}
