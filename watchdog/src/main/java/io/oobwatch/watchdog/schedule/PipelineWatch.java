package io.oobwatch.watchdog.schedule;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.CanaryTracker;
import io.oobwatch.probes.canary.LearnedLatency;
import io.oobwatch.watchdog.alert.AlertText;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.detect.CanaryRule;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.store.OutcomeRow;
import io.oobwatch.watchdog.store.CanaryStore;
import io.oobwatch.watchdog.store.StateStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one pipeline: emits a canary every {@code every}, follows the canaries in flight, judges
 * them, feeds the canary rule and carries out its decisions. Driven by {@link #tick()} from one
 * thread; {@link #snapshot()} may be read from any thread.
 *
 * <p>On start the rule's state is rebuilt from the judged canaries in the store, so a restart
 * neither forgets a failure streak nor re-pages an alert that is already open; each stage's
 * learned latency is rebuilt from the same canaries (the last day's arrivals).
 *
 * <p>A canary overdue at a stage (not seen there past the stage's learned p99.9) brings the next
 * canary forward: it is sent at once, the regular schedule unchanged, so a stall's second LATE
 * verdict comes one LATE bound after the first instead of after the next regular canary.
 *
 * <p>A canary judged LATE early counts toward {@code losses_to_fire} once: its final outcome
 * replaces it in the store, and reaches the rule only when it arrived after all (SLOW, which
 * breaks the streak), never as a second loss.
 */
public final class PipelineWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PipelineWatch.class);

  private final String instance;
  private final Config.Pipeline pipeline;
  private final CanaryTracker tracker;
  private final CanaryRule rule;
  private final CanaryStore store;
  private final Alerts alerts;
  private final Clock clock;
  private final java.util.function.Consumer<CanaryOutcome> judged;

  private CanaryRule.State state = CanaryRule.State.START;
  /** Canaries in flight whose early LATE verdict the rule has counted. */
  private final Set<String> countedLate = new HashSet<>();
  private Instant nextCanaryAt;
  /** When an overdue canary last brought the next one forward; null before the first time. */
  private Instant broughtForwardAt;
  private volatile Snapshot snapshot;

  /** How many judged canaries a snapshot carries. */
  static final int RECENT = 20;

  /**
   * What the watch last saw, for status and health.
   *
   * @param recent the newest judged canaries, in the order they were judged (newest last)
   * @param learned per stage with enough arrivals, its learned latency and LATE bound
   */
  public record Snapshot(
      String pipeline, Instant lastTick, long lastSeq, int inFlight, List<CanaryOutcome> recent, CanaryRule.State rule,
      String error, Map<String, LearnedLatency.Bound> learned) {
    public Snapshot {
      learned = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(learned)); // stage order
    }

    /** The canary judged last, or null. */
    public CanaryOutcome last() {
      return recent.isEmpty() ? null : recent.get(recent.size() - 1);
    }
  }

  public PipelineWatch(
      String instance, Config.Pipeline pipeline, CanaryTracker tracker, CanaryStore store, Alerts alerts, Clock clock) {
    this(instance, pipeline, tracker, store, alerts, clock, o -> { });
  }

  /** @param judged told of every judged canary, after the store and the rule (e.g. metrics) */
  public PipelineWatch(
      String instance, Config.Pipeline pipeline, CanaryTracker tracker, CanaryStore store, Alerts alerts, Clock clock,
      java.util.function.Consumer<CanaryOutcome> judged) {
    this.judged = judged;
    this.instance = instance;
    this.pipeline = pipeline;
    this.tracker = tracker;
    this.store = store;
    this.alerts = alerts;
    this.clock = clock;
    Config.Canary c = pipeline.canary();
    this.rule = new CanaryRule(c.lossesToFire(), c.passesToResolve());
    for (OutcomeRow row : store.recentOutcomes(pipeline.name(), c.lossesToFire() + c.passesToResolve() + 8)) {
      state = rule.apply(state, row.verdict(), row.failedStage(), true).state();
    }
    Instant now = clock.instant();
    learn(store, pipeline.name(), tracker.learned(), now);
    this.nextCanaryAt = now;
    this.snapshot = new Snapshot(pipeline.name(), null, store.lastSeq(pipeline.name()), 0, List.of(), state, null,
        learned());
  }

  /** Feeds {@code learned} with the arrivals of the pipeline's canaries judged in the day before {@code now}. */
  public static void learn(CanaryStore store, String pipeline, LearnedLatency learned, Instant now) {
    for (CanaryStore.JudgedCanary j : store.judged(pipeline, now.minus(LearnedLatency.DAY), now.plusMillis(1))) {
      for (CanaryStore.StageTime t : j.stages()) {
        if (t.result().equals("SEEN") || t.result().equals("SLOW")) {
          learned.arrived(t.stage(), j.finishedAt(), Duration.ofMillis(t.latencyMs()));
        }
      }
    }
  }

  public String name() {
    return pipeline.name();
  }

  /** The canary settings this watch runs with. */
  public Config.Canary canary() {
    return pipeline.canary();
  }

  /** From emission until the learned LATE bound, stages are polled this many times per {@code poll}. */
  static final int DENSE = 4;

  /** The longest sleep between ticks while nothing is in flight: keeps the loop visibly alive. */
  static final Duration IDLE_TICK_MAX = Duration.ofSeconds(10);

  /**
   * How long the loop may sleep before its next tick: a quarter of the poll interval while a canary
   * in flight is not yet past a stage's learned LATE bound, the poll interval while canaries are in
   * flight (either no longer than until the next canary is due), else until the next canary is due (at most {@link #IDLE_TICK_MAX}), so an idle pipeline
   * costs almost nothing between canaries. Call from the thread that ticks.
   */
  public Duration nextTickIn() {
    Duration untilCanary = Duration.between(clock.instant(), nextCanaryAt);
    if (untilCanary.isNegative()) {
      return Duration.ZERO;
    }
    if (tracker.inFlight() > 0) {
      Instant due = tracker.expectedBy();
      boolean arriving = due != null && clock.instant().isBefore(due);
      // around the expected arrival a LATE verdict is due within a fraction of a poll
      Duration poll = arriving ? pipeline.canary().poll().dividedBy(DENSE) : pipeline.canary().poll();
      return untilCanary.compareTo(poll) < 0 ? untilCanary : poll; // and the next canary leaves on time
    }
    return untilCanary.compareTo(IDLE_TICK_MAX) > 0 ? IDLE_TICK_MAX : untilCanary;
  }

  /** One step: emit a canary when one is due, then look for every canary in flight. */
  public void tick() {
    List<CanaryOutcome> judged = new ArrayList<>();
    String error = null;
    // the last sequence number handed out: known here, so an idle tick needs no store query
    long lastSeq = snapshot.lastSeq();
    try {
      Instant now = clock.instant();
      if (!now.isBefore(nextCanaryAt)) {
        lastSeq = launch(judged);
        nextCanaryAt = nextCanaryAt.plus(pipeline.canary().every());
        if (!nextCanaryAt.isAfter(now)) {
          nextCanaryAt = now.plus(pipeline.canary().every());
        }
      }
      List<CanaryOutcome> done = tracker.poll();
      if (!done.isEmpty()) {
        alerts.round(() -> judgeAll(done, judged));
      }
      Optional<String> overdue = tracker.overdue();
      if (overdue.isPresent() && mayBringForward(clock.instant())) {
        broughtForwardAt = clock.instant();
        log.info("pipeline {}: {}; the next canary is sent now", pipeline.name(), overdue.get());
        lastSeq = launch(judged);
      }
    } catch (StateStoreException e) {
      error = e.getMessage(); // the state alarm says it, once a minute, for every loop
    } catch (RuntimeException e) {
      error = e.getMessage() == null ? e.toString() : e.getMessage();
      log.error("pipeline {}: evaluation failed: {}", pipeline.name(), error, e);
    }
    List<CanaryOutcome> recent = new ArrayList<>(snapshot.recent());
    recent.addAll(judged);
    if (recent.size() > RECENT) {
      recent = recent.subList(recent.size() - RECENT, recent.size());
    }
    // a round that failed is not a completed round: the stall judgement (/healthz, systemd) sees it
    snapshot = new Snapshot(pipeline.name(), error == null ? clock.instant() : snapshot.lastTick(), lastSeq,
        tracker.inFlight(), List.copyOf(recent), state, error, learned());
  }

  /** Sends a canary (stamped once the stages' real traffic is read); returns its sequence number. */
  private long launch(List<CanaryOutcome> judged) {
    long seq = store.nextSeq(pipeline.name());
    CanaryOutcome refused = tracker.launch(
        at -> CanaryRecord.create(seq, at, pipeline.name(), instance, pipeline.canary().record()));
    if (refused != null) {
      alerts.round(() -> judged.add(judge(refused)));
    }
    return seq;
  }

  /**
   * Whether an overdue canary may bring the next one forward: only to confirm a suspicion (it takes
   * {@code losses_to_fire} of 2 or more and no canary alert is open), and at most once per {@code
   * every}, so a long stall costs at most twice the regular canaries until its alert opens.
   */
  private boolean mayBringForward(Instant now) {
    Config.Canary c = pipeline.canary();
    return c.lossesToFire() > 1
        && (broughtForwardAt == null || !now.isBefore(broughtForwardAt.plus(c.every())))
        && alerts.openAlert(pipeline.name(), Rule.CANARY).isEmpty();
  }

  /**
   * Judges every outcome the tracker handed over, even when storing one fails, so the streak in
   * memory counts each of them; the first failure is rethrown afterwards (the round failed).
   */
  private void judgeAll(List<CanaryOutcome> done, List<CanaryOutcome> judged) {
    RuntimeException first = null;
    for (CanaryOutcome o : done) {
      try {
        judged.add(judge(o));
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private Map<String, LearnedLatency.Bound> learned() {
    Map<String, LearnedLatency.Bound> out = new LinkedHashMap<>();
    for (String stage : tracker.stageNames()) {
      tracker.learned().bound(stage).ifPresent(b -> out.put(stage, b));
    }
    return out;
  }

  // the rule's state moves first: a store that fails loses the record, never the streak
  private CanaryOutcome judge(CanaryOutcome o) {
    boolean amends = countedLate.remove(o.canaryId());
    if (o.early()) {
      countedLate.add(o.canaryId());
    }
    String failedStage = AlertText.stage(o);
    boolean arrived = o.verdict() == CanaryOutcome.Verdict.OK || o.verdict() == CanaryOutcome.Verdict.SLOW;
    log.info("pipeline {} canary #{} {}{}{}", pipeline.name(), o.seq(), o.early() ? "LATE" : o.verdict(),
        failedStage.isEmpty() ? "" : " at " + failedStage, amends ? " (judged late before)" : "");
    if (amends && !arrived) {
      store.saveOutcome(o); // lost after all: its early verdict already counted
      return o;
    }
    boolean open = alerts.openAlert(pipeline.name(), Rule.CANARY).isPresent();
    CanaryRule.Step step = rule.apply(state, o.verdict(), failedStage.isEmpty() ? null : failedStage, open);
    state = step.state();
    store.saveOutcome(o);
    int inARow = state.failures();
    alerts.apply(step.decision(), pipeline.name(), Rule.CANARY, new Alerts.Words(
        () -> new Alerts.Fire(failedStage, AlertText.summary(o), alert -> AlertText.fire(instance, alert, o, inARow)),
        (alert, at) -> AlertText.resolve(instance, alert, o, at)));
    judged.accept(o);
    return o;
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  @Override
  public void close() {
    tracker.close();
  }
}
