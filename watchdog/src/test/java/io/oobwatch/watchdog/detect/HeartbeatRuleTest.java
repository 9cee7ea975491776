package io.oobwatch.watchdog.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.http.HealthProbeConfig;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.detect.HeartbeatRule.State;
import io.oobwatch.watchdog.detect.HeartbeatRule.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The heartbeat rule alone: no store, no server, a clock that moves only when the test says so. */
class HeartbeatRuleTest {
  static final Config.Heartbeat PUSH =
      new Config.Heartbeat("log-shipper", Duration.ofMinutes(1), Duration.ofMinutes(2), "t".repeat(32), null, 0);
  static final Config.Heartbeat PULL = new Config.Heartbeat("inference-api", Duration.ofSeconds(30), null, null,
      new HealthProbeConfig("http://inference:8080/healthz", null, null, Map.of(), Duration.ofSeconds(5)), 3);

  final TestClock clock = TestClock.at("2026-11-27T08:40:00Z");
  final HeartbeatRule push = new HeartbeatRule(PUSH);
  final HeartbeatRule pull = new HeartbeatRule(PULL);
  State state = State.watchedFrom(clock.instant());
  boolean firing;

  /** Observes (when given), decides at the clock's now, and keeps "firing" as the alerts would. */
  Step step(HeartbeatRule rule, HeartbeatRule.Observation o) {
    if (o != null) {
      state = rule.observe(state, o);
    }
    Step s = rule.decide(state, clock.instant(), firing);
    firing = s.decision() == Decision.FIRE || (firing && s.decision() != Decision.RESOLVE);
    return s;
  }

  Instant now() {
    return clock.instant();
  }

  @Test
  void aPushHeartbeatPingedInTimeNeverFiresOverADay() {
    for (int minute = 0; minute < 24 * 60; minute++) {
      clock.advance(Duration.ofSeconds(55));
      assertThat(step(push, new HeartbeatRule.Ping(now())).decision()).isEqualTo(Decision.NONE);
      clock.advance(Duration.ofSeconds(5));
      assertThat(step(push, null).decision()).isEqualTo(Decision.NONE);
    }
  }

  @Test
  void aPushHeartbeatSilentForEveryPlusGraceFiresOnceNamingTheLastPing() {
    clock.advance(Duration.ofMinutes(1));
    step(push, new HeartbeatRule.Ping(now())); // 08:41Z
    clock.advance(Duration.ofMinutes(3));
    assertThat(step(push, null)).isEqualTo(Step.NONE); // exactly every + grace: not yet

    clock.advance(Duration.ofSeconds(1));
    Step fired = step(push, null);
    clock.advance(Duration.ofMinutes(30));
    Step later = step(push, null);

    assertThat(fired.decision()).isEqualTo(Decision.FIRE);
    assertThat(fired.summary()).isEqualTo("heartbeat log-shipper missing since 08:41Z (expected every 1m)");
    assertThat(later.decision()).isEqualTo(Decision.NONE);
  }

  @Test
  void theNextGoodPingResolves() {
    clock.advance(Duration.ofMinutes(10));
    assertThat(step(push, null).decision()).isEqualTo(Decision.FIRE);

    Step resolved = step(push, new HeartbeatRule.Ping(now()));

    assertThat(resolved.decision()).isEqualTo(Decision.RESOLVE);
    assertThat(push.problem(state, now())).isNull();
  }

  @Test
  void aHeartbeatThatNeverPingedIsMissingFromWhenOobwatchBeganWatchingIt() {
    clock.advance(Duration.ofMinutes(3).plusSeconds(1));

    Step fired = step(push, null);

    assertThat(fired.decision()).isEqualTo(Decision.FIRE);
    assertThat(fired.summary())
        .isEqualTo("heartbeat log-shipper never pinged (watched since 08:40Z, expected every 1m)");
  }

  @Test
  void aFailFiresAtOnceWithWhatTheComponentSaidAndTheNextPingResolves() {
    step(push, new HeartbeatRule.Ping(now()));
    clock.advance(Duration.ofSeconds(30));

    Step fired = step(push, new HeartbeatRule.Fail(now(), "disk full"));
    clock.advance(Duration.ofSeconds(30));
    Step stillFailing = step(push, new HeartbeatRule.Start(now()));
    clock.advance(Duration.ofSeconds(30));
    Step resolved = step(push, new HeartbeatRule.Ping(now()));

    assertThat(fired).isEqualTo(new Step(Decision.FIRE, "heartbeat log-shipper reported failure at 08:40Z: disk full"));
    assertThat(stillFailing.decision()).isEqualTo(Decision.NONE);
    assertThat(resolved.decision()).isEqualTo(Decision.RESOLVE);
  }

  @Test
  void aStartWithoutASuccessWithinGraceFiresEvenBeforeThePeriodIsOver() {
    Config.Heartbeat nightly =
        new Config.Heartbeat("backup", Duration.ofDays(1), Duration.ofMinutes(30), "t".repeat(32), null, 0);
    HeartbeatRule rule = new HeartbeatRule(nightly);
    step(rule, new HeartbeatRule.Ping(now()));
    clock.advance(Duration.ofHours(23));
    step(rule, new HeartbeatRule.Start(now())); // 07:40Z next day
    clock.advance(Duration.ofMinutes(30));
    assertThat(step(rule, null).decision()).isEqualTo(Decision.NONE);

    clock.advance(Duration.ofSeconds(1));
    Step fired = step(rule, null);

    assertThat(fired).isEqualTo(new Step(Decision.FIRE, "heartbeat backup started at 07:40Z and did not finish within 30m"));
  }

  @Test
  void aStartFollowedBySuccessWithinGraceIsFine() {
    Config.Heartbeat nightly =
        new Config.Heartbeat("backup", Duration.ofDays(1), Duration.ofMinutes(30), "t".repeat(32), null, 0);
    HeartbeatRule rule = new HeartbeatRule(nightly);
    step(rule, new HeartbeatRule.Start(now()));
    clock.advance(Duration.ofMinutes(20));
    step(rule, new HeartbeatRule.Ping(now()));
    clock.advance(Duration.ofHours(10));

    assertThat(step(rule, null).decision()).isEqualTo(Decision.NONE);
  }

  @Test
  void anOldLastPingIsWrittenWithItsDate() {
    step(push, new HeartbeatRule.Ping(now()));
    clock.advance(Duration.ofDays(2));

    assertThat(step(push, null).summary()).isEqualTo("heartbeat log-shipper missing since 2026-11-27 08:40Z (expected every 1m)");
  }

  @Test
  void overdueWhenOobwatchStartsWithAStoredStateFiresAtOnceAndAFiringAlertIsNotPagedAgain() {
    step(push, new HeartbeatRule.Ping(now()));
    State stored = state;
    clock.advance(Duration.ofMinutes(10)); // oobwatch was down; timers were not reset

    Step notFiringYet = push.decide(stored, now(), false);
    Step alreadyFiring = push.decide(stored, now(), true);

    assertThat(notFiringYet.decision()).isEqualTo(Decision.FIRE);
    assertThat(alreadyFiring.decision()).isEqualTo(Decision.NONE);
  }

  @Test
  void aFailureThatWasFollowedByAPingBeforeTheRestartDoesNotPage() {
    step(push, new HeartbeatRule.Fail(now(), ""));
    firing = false; // say the fire was never carried out (crash)
    clock.advance(Duration.ofSeconds(20));
    state = push.observe(state, new HeartbeatRule.Ping(now()));
    clock.advance(Duration.ofSeconds(20));

    assertThat(push.decide(state, now(), false).decision()).isEqualTo(Decision.NONE);
  }

  @Test
  void pullFiresAfterFailuresToFireInARowAndNotBefore() {
    Step one = step(pull, new HeartbeatRule.Probe(now(), false, "http://inference:8080/healthz refused the connection"));
    clock.advance(Duration.ofSeconds(30));
    Step two = step(pull, new HeartbeatRule.Probe(now(), false, "http://inference:8080/healthz refused the connection"));
    clock.advance(Duration.ofSeconds(30));
    Step three = step(pull, new HeartbeatRule.Probe(now(), false, "http://inference:8080/healthz did not answer within 5s"));
    clock.advance(Duration.ofSeconds(30));
    Step four = step(pull, new HeartbeatRule.Probe(now(), false, "http://inference:8080/healthz did not answer within 5s"));

    assertThat(one.decision()).isEqualTo(Decision.NONE);
    assertThat(two.decision()).isEqualTo(Decision.NONE);
    assertThat(three).isEqualTo(new Step(Decision.FIRE,
        "heartbeat inference-api failing: http://inference:8080/healthz did not answer within 5s (3 in a row)"));
    assertThat(four.decision()).isEqualTo(Decision.NONE);
  }

  @Test
  void aGoodProbeBetweenFailuresRestartsTheCountAndResolvesAFiringAlert() {
    step(pull, new HeartbeatRule.Probe(now(), false, "x"));
    step(pull, new HeartbeatRule.Probe(now(), false, "x"));
    step(pull, new HeartbeatRule.Probe(now(), true, "HTTP 200"));
    assertThat(step(pull, new HeartbeatRule.Probe(now(), false, "x")).decision()).isEqualTo(Decision.NONE);
    step(pull, new HeartbeatRule.Probe(now(), false, "x"));
    assertThat(step(pull, new HeartbeatRule.Probe(now(), false, "x")).decision()).isEqualTo(Decision.FIRE);

    Step resolved = step(pull, new HeartbeatRule.Probe(now(), true, "HTTP 200"));

    assertThat(resolved.decision()).isEqualTo(Decision.RESOLVE);
    assertThat(state.failures()).isZero();
  }

  @Test
  void pullHasNoDueTimesAndTimeAloneNeverFiresIt() {
    clock.advance(Duration.ofDays(3));

    assertThat(step(pull, null).decision()).isEqualTo(Decision.NONE);
    assertThat(pull.nextDue(state)).isNull();
    assertThat(push.nextDue(state)).isEqualTo(Instant.parse("2026-11-27T08:41:00Z"));
    assertThat(push.overdueAt(state)).isEqualTo(Instant.parse("2026-11-27T08:43:00Z"));
  }
}
