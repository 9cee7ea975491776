package io.oobwatch.probes.canary;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Injector;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Stage;
import io.oobwatch.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CanaryTrackerTest {
  final TestClock clock = TestClock.at("2026-11-27T08:00:00Z");

  /** A stage whose answers the test sets per canary id. */
  static final class ScriptedStage implements Stage {
    final String name;
    final Map<String, Lookup> answers = new HashMap<>();
    Lookup otherwise = Lookup.notFound("not there");
    final AtomicInteger lookups = new AtomicInteger();

    ScriptedStage(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Lookup lookup(CanaryRecord canary) {
      lookups.incrementAndGet();
      return answers.getOrDefault(canary.id(), otherwise);
    }
  }

  static final class OkInjector implements Injector {
    boolean refuse;

    @Override
    public String kind() {
      return "kafka";
    }

    @Override
    public Injection inject(CanaryRecord canary) {
      return refuse ? Injection.failed(Duration.ofSeconds(10), "kafka at k:9092 did not acknowledge within 10s")
          : Injection.accepted(Duration.ofMillis(5), "partition 0 offset 1");
    }
  }

  final ScriptedStage kafka = new ScriptedStage("kafka");
  final ScriptedStage es = new ScriptedStage("elasticsearch");
  final OkInjector injector = new OkInjector();
  final CanaryTracker tracker =
      new CanaryTracker("inference-logs", injector, List.of(kafka, es), Duration.ofSeconds(90), Duration.ofSeconds(30), clock);

  CanaryRecord canary(long seq) {
    return CanaryRecord.create(seq, clock.instant(), "inference-logs", "wd-test", Map.of());
  }

  @Test
  void aCanarySeenAtEveryStageIsOkWithLatencyOnOurClock() {
    CanaryRecord c = canary(1);
    assertThat(tracker.launch(c)).isNull();
    Instant t0 = clock.instant();
    kafka.answers.put(c.id(), Lookup.found(1, t0.plusMillis(400)));
    clock.advance(Duration.ofSeconds(1));
    assertThat(tracker.poll()).isEmpty();
    es.answers.put(c.id(), Lookup.found(1, t0.plusMillis(2300)));
    clock.advance(Duration.ofSeconds(2));
    List<CanaryOutcome> done = tracker.poll();
    assertThat(done).hasSize(1);
    CanaryOutcome o = done.get(0);
    assertThat(o.verdict()).isEqualTo(CanaryOutcome.Verdict.OK);
    assertThat(o.stages()).extracting(StageResult::latency).containsExactly(Duration.ofMillis(400), Duration.ofMillis(2300));
    assertThat(o.endToEnd()).contains(Duration.ofMillis(2300));
    assertThat(tracker.inFlight()).isZero();
  }

  @Test
  void aCanaryMissingAtTheSecondStageByTheDeadlineIsLostThereAndNotBefore() {
    CanaryRecord c = canary(1);
    tracker.launch(c);
    kafka.answers.put(c.id(), Lookup.found(1, clock.instant().plusMillis(400)));
    clock.advance(Duration.ofSeconds(89));
    assertThat(tracker.poll()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    CanaryOutcome o = tracker.poll().get(0);
    assertThat(o.verdict()).isEqualTo(CanaryOutcome.Verdict.LOST);
    assertThat(o.firstFailure()).get().extracting(StageResult::stage).isEqualTo("elasticsearch");
    assertThat(o.stages().get(0).status()).isEqualTo(StageResult.Status.SEEN);
    assertThat(o.stages().get(1).latency()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void aStageThatCannotBeQueriedAtTheDeadlineIsUnreachableNotLost() {
    CanaryRecord c = canary(1);
    tracker.launch(c);
    kafka.answers.put(c.id(), Lookup.found(1, clock.instant()));
    es.otherwise = Lookup.unreachable("elasticsearch at http://es:9200 refused the connection");
    clock.advance(Duration.ofSeconds(90));
    CanaryOutcome o = tracker.poll().get(0);
    assertThat(o.verdict()).isEqualTo(CanaryOutcome.Verdict.UNREACHABLE);
    assertThat(o.firstFailure().orElseThrow().reason()).contains("refused the connection");
  }

  @Test
  void aStageThatFailedEarlierButAnsweredLastIsLostNotUnreachable() {
    CanaryRecord c = canary(1);
    tracker.launch(c);
    kafka.answers.put(c.id(), Lookup.found(1, clock.instant()));
    es.otherwise = Lookup.unreachable("HTTP 503");
    tracker.poll();
    es.otherwise = Lookup.notFound("not in index logs-*");
    clock.advance(Duration.ofSeconds(90));
    CanaryOutcome o = tracker.poll().get(0);
    assertThat(o.verdict()).isEqualTo(CanaryOutcome.Verdict.LOST);
    assertThat(o.firstFailure().orElseThrow().reason()).isEqualTo("not in index logs-*");
  }

  @Test
  void aLateArrivalIsSlowNotLost() {
    CanaryRecord c = canary(1);
    tracker.launch(c);
    kafka.answers.put(c.id(), Lookup.found(1, clock.instant().plusSeconds(1)));
    es.answers.put(c.id(), Lookup.found(1, clock.instant().plusSeconds(45)));
    clock.advance(Duration.ofSeconds(45));
    CanaryOutcome o = tracker.poll().get(0);
    assertThat(o.verdict()).isEqualTo(CanaryOutcome.Verdict.SLOW);
    assertThat(o.stages().get(1).status()).isEqualTo(StageResult.Status.SLOW);
  }

  /** The third stage follows the first (after: kafka), beside the second; deadline 60s. */
  CanaryTracker branches(Stage first, Stage second, Stage third) {
    return new CanaryTracker("inference-logs", injector, List.of(first, second, third),
        java.util.Arrays.asList(null, null, first.name()), Duration.ofSeconds(60), Duration.ofSeconds(30), clock);
  }

  @Test
  void aBranchThatLostTheCanaryIsTheBrokenHopWhileTheOtherBranchSawIt() {
    ScriptedStage datadog = new ScriptedStage("datadog");
    CanaryTracker branches = branches(kafka, es, datadog);
    CanaryRecord c = canary(1);
    branches.launch(c);
    kafka.answers.put(c.id(), Lookup.found(1, clock.instant().plusMillis(100)));
    es.answers.put(c.id(), Lookup.found(1, clock.instant().plusMillis(1200)));
    clock.advance(Duration.ofSeconds(60));

    CanaryOutcome o = branches.poll().get(0);

    assertThat(o.verdict()).isEqualTo(CanaryOutcome.Verdict.LOST);
    StageResult lost = o.firstFailure().orElseThrow();
    assertThat(lost.stage()).isEqualTo("datadog");
    assertThat(o.parent(lost)).get().extracting(StageResult::stage).isEqualTo("kafka");
    assertThat(o.stages()).extracting(StageResult::status)
        .containsExactly(StageResult.Status.SEEN, StageResult.Status.SEEN, StageResult.Status.LOST);
  }

  @Test
  void aStageBelowTheBrokenHopOnItsBranchIsNotTheBrokenHop() {
    ScriptedStage datadog = new ScriptedStage("datadog");
    CanaryTracker branches = branches(kafka, datadog, es);
    CanaryRecord c = canary(1);
    branches.launch(c);
    kafka.answers.put(c.id(), Lookup.found(1, clock.instant()));
    clock.advance(Duration.ofSeconds(60));

    CanaryOutcome o = branches.poll().get(0);

    // both branches lost it: the first listed is the hop named, each from kafka
    assertThat(o.firstFailure()).get().extracting(StageResult::stage).isEqualTo("datadog");
    assertThat(o.parent(o.stages().get(2))).get().extracting(StageResult::stage).isEqualTo("kafka");
    assertThat(o.feeds(o.stages().get(0), o.stages().get(2))).isTrue();
    assertThat(o.feeds(o.stages().get(1), o.stages().get(2))).isFalse();
  }

  @Test
  void aStageRateLimitedAtTheDeadlineIsUnknownNeverLost() {
    CanaryRecord c = canary(1);
    tracker.launch(c);
    kafka.answers.put(c.id(), Lookup.found(1, clock.instant()));
    es.otherwise = Lookup.rateLimited("datadog rate-limited the log queries (HTTP 429); next query in 40m");
    clock.advance(Duration.ofSeconds(90));

    CanaryOutcome o = tracker.poll().get(0);

    assertThat(o.verdict()).isEqualTo(CanaryOutcome.Verdict.UNREACHABLE);
    assertThat(o.firstFailure().orElseThrow().status()).isEqualTo(StageResult.Status.RATE_LIMITED);
    assertThat(o.firstFailure().orElseThrow().reason()).startsWith("datadog rate-limited the log queries");
  }

  @Test
  void aRefusedInjectionIsJudgedAtOnceAsUnreachableAtTheEntry() {
    injector.refuse = true;
    CanaryOutcome o = tracker.launch(canary(1));
    assertThat(o).isNotNull();
    assertThat(o.verdict()).isEqualTo(CanaryOutcome.Verdict.UNREACHABLE);
    assertThat(o.stages()).isEmpty();
    assertThat(tracker.inFlight()).isZero();
  }

  @Test
  void severalCanariesInFlightAreJudgedIndependentlyAndCopiesCountAsDuplicates() {
    CanaryRecord a = canary(1);
    tracker.launch(a);
    clock.advance(Duration.ofSeconds(30));
    CanaryRecord b = canary(2);
    tracker.launch(b);
    assertThat(tracker.inFlight()).isEqualTo(2);
    kafka.answers.put(b.id(), Lookup.found(2, clock.instant()));
    es.answers.put(b.id(), Lookup.found(1, clock.instant()));
    List<CanaryOutcome> first = tracker.poll();
    assertThat(first).extracting(CanaryOutcome::seq).containsExactly(2L);
    assertThat(first.get(0).duplicates()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(60));
    assertThat(tracker.poll()).extracting(CanaryOutcome::seq).containsExactly(1L);
  }

  @Test
  void anUnreachableStageIsAskedOncePerRoundNotOncePerCanary() {
    es.otherwise = Lookup.unreachable("did not answer within 10s");
    for (int i = 1; i <= 3; i++) {
      CanaryRecord c = canary(i);
      tracker.launch(c);
      kafka.answers.put(c.id(), Lookup.found(1, clock.instant()));
    }
    tracker.poll();
    assertThat(es.lookups.get()).isEqualTo(1);
  }

  /** A store answering many canaries in one query; it records the canaries of each query. */
  static final class BatchStage implements Stage {
    final List<List<String>> queries = new java.util.ArrayList<>();
    final java.util.Set<String> holds = new java.util.HashSet<>();

    @Override
    public String name() {
      return "opensearch";
    }

    @Override
    public Lookup lookup(CanaryRecord canary) {
      throw new AssertionError("asked one canary at a time");
    }

    @Override
    public Map<String, Lookup> lookupAll(List<CanaryRecord> canaries) {
      queries.add(canaries.stream().map(CanaryRecord::id).toList());
      Map<String, Lookup> out = new HashMap<>();
      // leaves out what it does not hold, as a stage breaking the contract would
      canaries.stream().filter(c -> holds.contains(c.id())).forEach(c -> out.put(c.id(), Lookup.found(1, clock.instant())));
      return out;
    }

    final TestClock clock;

    BatchStage(TestClock clock) {
      this.clock = clock;
    }
  }

  @Test
  void onePollAsksEachStageOnceForEveryCanaryInFlightThatItHasNotShownYet() {
    BatchStage store = new BatchStage(clock);
    CanaryTracker batched =
        new CanaryTracker("inference-logs", injector, List.of(store), Duration.ofSeconds(90), Duration.ofSeconds(30), clock);
    CanaryRecord a = canary(1);
    CanaryRecord b = canary(2);
    CanaryRecord c = canary(3);
    batched.launch(a);
    batched.launch(b);
    batched.launch(c);
    store.holds.add(a.id());

    assertThat(batched.poll()).extracting(CanaryOutcome::seq).containsExactly(1L);
    clock.advance(Duration.ofSeconds(91));
    List<CanaryOutcome> judged = batched.poll();

    assertThat(store.queries).containsExactly(List.of(a.id(), b.id(), c.id()), List.of(b.id(), c.id()));
    assertThat(judged).extracting(o -> o.stages().get(0).status())
        .containsExactly(StageResult.Status.UNREACHABLE, StageResult.Status.UNREACHABLE);
    assertThat(judged.get(0).stages().get(0).reason()).isEqualTo("opensearch gave no answer for this canary");
  }
}
