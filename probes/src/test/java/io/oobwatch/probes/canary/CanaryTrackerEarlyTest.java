package io.oobwatch.probes.canary;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.probes.RealTraffic;
import io.oobwatch.probes.canary.CanaryTrackerTest.OkInjector;
import io.oobwatch.probes.canary.CanaryTrackerTest.ScriptedStage;
import io.oobwatch.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** LATE before the deadline: the learned bound, corroborated by the stage's real traffic. */
class CanaryTrackerEarlyTest {
  final TestClock clock = TestClock.at("2026-11-27T20:14:00Z");
  final ScriptedStage kafka = new ScriptedStage("kafka");
  final ScriptedStage es = new ScriptedStage("elasticsearch");
  final LearnedLatency learned = new LearnedLatency(3, Duration.ofSeconds(2), 50, clock);
  final NewestReal esTraffic = new NewestReal();

  /** The newest real record's time, as a stage's real-traffic probe says it; counts its reads. */
  final class NewestReal implements Probe {
    Instant newest = clock.instant();
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public Observation observe() {
      reads.incrementAndGet();
      return Observation.value(clock.instant(), newest.toEpochMilli());
    }

    @Override
    public void close() {}
  }

  CanaryTracker tracker(Optional<Probe> esProbe) {
    return tracker(esProbe, "indexed");
  }

  /** @param arrived the words of the stage's kind for a real record arriving */
  CanaryTracker tracker(Optional<Probe> esProbe, String arrived) {
    return new CanaryTracker("inference-logs", new OkInjector(), List.of(kafka, es), Arrays.asList(null, null),
        Duration.ofSeconds(20), Duration.ofSeconds(10), clock, learned,
        new CanaryTracker.Early(List.of(Optional.empty(), esProbe.map(p -> new RealTraffic(p, arrived))),
            Duration.ofMinutes(5)));
  }

  /** 50 canaries seen at elasticsearch within 0.3–0.5 s: p99.9 0.5 s, bound max(3 × 0.5 s, 2 s) = 2 s. */
  void learnFastPipeline() {
    for (int i = 0; i < 50; i++) {
      learned.arrived("kafka", clock.instant(), Duration.ofMillis(50));
      learned.arrived("elasticsearch", clock.instant(), Duration.ofMillis(300 + 4 * i));
    }
  }

  CanaryRecord launchedWithTraffic(CanaryTracker tracker) {
    CanaryRecord before = CanaryRecord.create(0, clock.instant(), "inference-logs", "wd", Map.of());
    tracker.launch(before);
    kafka.answers.put(before.id(), Lookup.found(1, clock.instant().plusMillis(40)));
    es.answers.put(before.id(), Lookup.found(1, clock.instant().plusMillis(400)));
    clock.advance(Duration.ofMillis(500));
    assertThat(tracker.poll()).hasSize(1);
    clock.advance(Duration.ofSeconds(5));
    esTraffic.newest = clock.instant().minusSeconds(1); // a real record came in between two canaries: busy
    CanaryRecord c = CanaryRecord.create(1, clock.instant(), "inference-logs", "wd", Map.of());
    tracker.launch(c);
    kafka.answers.put(c.id(), Lookup.found(1, clock.instant().plusMillis(40)));
    return c;
  }

  @Test
  void aCanaryNotSeenByTheLearnedBoundWhileTheStageTakesInNoRealRecordIsLateThereThenSlowWhenItArrives() {
    learnFastPipeline();
    CanaryTracker tracker = tracker(Optional.of(esTraffic));
    CanaryRecord c = launchedWithTraffic(tracker);
    Instant emitted = clock.instant();

    clock.advance(Duration.ofMillis(1900));
    assertThat(tracker.poll()).isEmpty();
    assertThat(tracker.expectedBy()).isEqualTo(emitted.plusSeconds(2));
    clock.advance(Duration.ofMillis(1200));
    List<CanaryOutcome> early = tracker.poll();

    assertThat(early).hasSize(1);
    CanaryOutcome late = early.get(0);
    assertThat(late.early()).isTrue();
    assertThat(late.verdict()).isEqualTo(CanaryOutcome.Verdict.LOST);
    StageResult failed = late.firstFailure().orElseThrow();
    assertThat(failed.stage()).isEqualTo("elasticsearch");
    assertThat(failed.status()).isEqualTo(StageResult.Status.LATE);
    assertThat(failed.reason()).isEqualTo(
        "not in elasticsearch 3.1s after emission (99.9% arrive within 0.5s); no real record indexed since 20:14:04Z");
    assertThat(tracker.inFlight()).as("still looked for until its deadline").isEqualTo(1);
    assertThat(tracker.expectedBy()).isNull();

    es.answers.put(c.id(), Lookup.found(1, emitted.plusSeconds(8)));
    clock.advance(Duration.ofSeconds(5));
    List<CanaryOutcome> after = tracker.poll();
    assertThat(after).hasSize(1);
    assertThat(after.get(0).early()).isFalse();
    assertThat(after.get(0).verdict()).isEqualTo(CanaryOutcome.Verdict.SLOW);
    assertThat(after.get(0).stages().get(1).reason()).isEqualTo("arrived 8s after emission, after it was judged late");
    assertThat(tracker.inFlight()).isZero();
  }

  @Test
  void theLateWordsSayWhatTheStagesNewestRealRecordMeansInItsKindsWords() {
    learnFastPipeline();
    CanaryTracker tracker = tracker(Optional.of(esTraffic), "written to inference-logs");
    launchedWithTraffic(tracker);

    clock.advance(Duration.ofMillis(3100));
    List<CanaryOutcome> early = tracker.poll();

    assertThat(early).hasSize(1);
    assertThat(early.get(0).firstFailure().orElseThrow().reason()).isEqualTo("not in elasticsearch 3.1s after"
        + " emission (99.9% arrive within 0.5s); no real record written to inference-logs since 20:14:04Z");
  }

  @Test
  void aLateCanaryWhileRealRecordsKeepComingInIsASlowdownSlowWhenItArrivesNeverJudgedEarly() {
    learnFastPipeline();
    CanaryTracker tracker = tracker(Optional.of(esTraffic));
    CanaryRecord c = launchedWithTraffic(tracker);
    Instant emitted = clock.instant();
    for (int i = 0; i < 7; i++) {
      clock.advance(Duration.ofSeconds(1));
      esTraffic.newest = clock.instant().minusMillis(900); // real records keep being indexed
      assertThat(tracker.poll()).isEmpty();
    }
    es.answers.put(c.id(), Lookup.found(1, emitted.plusMillis(7500)));
    clock.advance(Duration.ofSeconds(1));
    CanaryOutcome o = tracker.poll().get(0);
    assertThat(o.verdict()).isEqualTo(CanaryOutcome.Verdict.SLOW);
    assertThat(o.stages().get(1).reason()).isEqualTo("arrived 7.5s after emission (99.9% arrive within 0.5s)");
  }

  @Test
  void aStageThatTookInNoRealRecordForMinutesBeforeTheCanaryIsIdleAndItsLateCanaryWaitsForTheDeadline() {
    learnFastPipeline();
    CanaryTracker tracker = tracker(Optional.of(esTraffic));
    launchedWithTraffic(tracker).id();
    tracker.close();
    CanaryTracker quiet = tracker(Optional.of(esTraffic));
    quiet.launch(CanaryRecord.create(2, clock.instant(), "inference-logs", "wd", Map.of()));
    clock.advance(Duration.ofMinutes(6)); // nothing new: a quiet night
    quiet.poll();
    CanaryRecord c = CanaryRecord.create(3, clock.instant(), "inference-logs", "wd", Map.of());
    quiet.launch(c);
    kafka.answers.put(c.id(), Lookup.found(1, clock.instant()));
    clock.advance(Duration.ofSeconds(19));
    assertThat(quiet.poll()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    CanaryOutcome o = quiet.poll().get(0);
    assertThat(o.early()).isFalse();
    assertThat(o.firstFailure().orElseThrow().status()).isEqualTo(StageResult.Status.LOST);
  }

  @Test
  void aStageWhoseKindCannotTellRealTrafficLeavesALateCanaryToTheDeadline() {
    learnFastPipeline();
    CanaryTracker tracker = tracker(Optional.empty());
    CanaryRecord c = CanaryRecord.create(1, clock.instant(), "inference-logs", "wd", Map.of());
    tracker.launch(c);
    kafka.answers.put(c.id(), Lookup.found(1, clock.instant()));
    clock.advance(Duration.ofSeconds(10));
    assertThat(tracker.poll()).isEmpty();
    clock.advance(Duration.ofSeconds(10));
    CanaryOutcome o = tracker.poll().get(0);
    assertThat(o.early()).isFalse();
    assertThat(o.verdict()).isEqualTo(CanaryOutcome.Verdict.LOST);
  }

  @Test
  void beforeFiftyArrivalsTheDeadlineAloneJudges() {
    for (int i = 0; i < 48; i++) { // the 49th is the canary before
      learned.arrived("elasticsearch", clock.instant(), Duration.ofMillis(300));
    }
    CanaryTracker tracker = tracker(Optional.of(esTraffic));
    launchedWithTraffic(tracker);
    clock.advance(Duration.ofSeconds(10));
    assertThat(tracker.poll()).isEmpty();
    assertThat(tracker.expectedBy()).isNull();
  }

  @Test
  void aCanaryJudgedLateAndNeverSeenIsLostAtItsDeadlineWithoutASecondEarlyVerdict() {
    learnFastPipeline();
    CanaryTracker tracker = tracker(Optional.of(esTraffic));
    launchedWithTraffic(tracker);
    clock.advance(Duration.ofSeconds(3));
    assertThat(tracker.poll()).singleElement().extracting(CanaryOutcome::early).isEqualTo(true);
    clock.advance(Duration.ofSeconds(3));
    assertThat(tracker.poll()).isEmpty();
    clock.advance(Duration.ofSeconds(14));
    CanaryOutcome o = tracker.poll().get(0);
    assertThat(o.early()).isFalse();
    assertThat(o.verdict()).isEqualTo(CanaryOutcome.Verdict.LOST);
    assertThat(o.firstFailure().orElseThrow().status()).isEqualTo(StageResult.Status.LOST);
  }

  @Test
  void anArrivalIsLearnedWhenItsCanaryIsJudged() {
    CanaryTracker tracker = tracker(Optional.of(esTraffic));
    for (int i = 0; i < 50; i++) {
      CanaryRecord c = CanaryRecord.create(i, clock.instant(), "inference-logs", "wd", Map.of());
      tracker.launch(c);
      kafka.answers.put(c.id(), Lookup.found(1, clock.instant().plusMillis(20)));
      es.answers.put(c.id(), Lookup.found(1, clock.instant().plusMillis(400)));
      clock.advance(Duration.ofSeconds(1));
      assertThat(tracker.poll()).hasSize(1);
    }
    assertThat(learned.bound("elasticsearch").orElseThrow().p99()).isEqualTo(Duration.ofMillis(400));
  }

  @Test
  void theNewestCanaryNotFoundAtAStagePastItsLearnedP999IsOverdueOnce() {
    learnFastPipeline(); // elasticsearch p99.9 0.496 s
    CanaryTracker tracker = tracker(Optional.of(esTraffic));
    launchedWithTraffic(tracker);

    clock.advance(Duration.ofMillis(400));
    tracker.poll();
    assertThat(tracker.overdue()).as("0.4 s: within the slowest normal arrival").isEmpty();
    clock.advance(Duration.ofMillis(200));
    tracker.poll();

    assertThat(tracker.overdue()).contains(
        "canary #1 not in elasticsearch 0.6s after emission (99.9% arrive within 0.5s)");
    assertThat(tracker.overdue()).as("said once").isEmpty();
    clock.advance(Duration.ofMillis(200));
    tracker.poll();
    assertThat(tracker.overdue()).as("once per canary").isEmpty();
  }

  @Test
  void aCanaryFoundInTimeOrAtAStageWithNothingLearnedIsNeverOverdue() {
    CanaryTracker unlearned = tracker(Optional.of(esTraffic));
    CanaryRecord c = CanaryRecord.create(1, clock.instant(), "inference-logs", "wd", Map.of());
    unlearned.launch(c);
    clock.advance(Duration.ofSeconds(5));
    unlearned.poll();
    assertThat(unlearned.overdue()).as("no learned bound").isEmpty();

    learnFastPipeline();
    CanaryTracker tracker = tracker(Optional.of(esTraffic));
    CanaryRecord seen = launchedWithTraffic(tracker);
    es.answers.put(seen.id(), Lookup.found(1, clock.instant().plusMillis(450)));
    clock.advance(Duration.ofSeconds(1));
    tracker.poll();
    assertThat(tracker.overdue()).as("seen, though looked for late").isEmpty();
  }

  @Test
  void onlyTheNewestCanaryInFlightCanBeOverdueSinceANewerOneIsAlreadyOnItsWay() {
    learnFastPipeline();
    CanaryTracker tracker = tracker(Optional.of(esTraffic));
    launchedWithTraffic(tracker);
    clock.advance(Duration.ofMillis(300));
    CanaryRecord newer = CanaryRecord.create(2, clock.instant(), "inference-logs", "wd", Map.of());
    tracker.launch(newer);
    kafka.answers.put(newer.id(), Lookup.found(1, clock.instant().plusMillis(40)));

    clock.advance(Duration.ofMillis(300)); // the first 0.6 s after emission, the newer 0.3 s
    tracker.poll();
    assertThat(tracker.overdue()).isEmpty();
    clock.advance(Duration.ofMillis(300));
    tracker.poll();
    assertThat(tracker.overdue()).hasValueSatisfying(why -> assertThat(why).startsWith("canary #2 not in elasticsearch"));
  }

  @Test
  void aCanaryNotYetPassedOnByTheHopAboveIsOverdueThereNotBelow() {
    learnFastPipeline(); // kafka p99.9 0.05 s
    CanaryTracker tracker = tracker(Optional.of(esTraffic));
    CanaryRecord c = CanaryRecord.create(1, clock.instant(), "inference-logs", "wd", Map.of());
    tracker.launch(c);
    clock.advance(Duration.ofMillis(600));
    tracker.poll();
    assertThat(tracker.overdue()).contains("canary #1 not in kafka 0.6s after emission (99.9% arrive within 50ms)");
  }

  @Test
  void aStageThatRepeatsItsLastAnswerBetweenQueriesIsOverdueOnlyOnceThatAnswerIsNewerThanP999() {
    learnFastPipeline(); // elasticsearch p99.9 0.496 s
    io.oobwatch.probes.Stage polled = new io.oobwatch.probes.Stage() {
      @Override
      public String name() {
        return es.name();
      }

      @Override
      public Lookup lookup(CanaryRecord canary) {
        return es.lookup(canary);
      }

      @Override
      public Duration maxAnswerAge() {
        return Duration.ofSeconds(2);
      }
    };
    CanaryTracker tracker = new CanaryTracker("inference-logs", new OkInjector(), List.of(kafka, polled),
        Arrays.asList(null, null), Duration.ofSeconds(20), Duration.ofSeconds(10), clock, learned,
        new CanaryTracker.Early(List.of(Optional.empty(), Optional.empty()), Duration.ofMinutes(5)));
    CanaryRecord c = CanaryRecord.create(1, clock.instant(), "inference-logs", "wd", Map.of());
    tracker.launch(c);
    kafka.answers.put(c.id(), Lookup.found(1, clock.instant().plusMillis(40)));

    clock.advance(Duration.ofMillis(2400));
    tracker.poll();
    assertThat(tracker.overdue()).as("its 'not found' may be from before p99.9").isEmpty();
    clock.advance(Duration.ofMillis(200));
    tracker.poll();
    assertThat(tracker.overdue()).contains(
        "canary #1 not in elasticsearch 2.6s after emission (99.9% arrive within 0.5s)");
  }
}
