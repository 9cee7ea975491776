package io.oobwatch.probes.canary;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Injector;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.QueryBytes;
import io.oobwatch.probes.Stage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Follows canaries of one pipeline through its stages: injects them, looks for each outstanding
 * canary at every stage that has not seen it yet, and judges each canary once every stage saw it
 * or its deadline passed. Several canaries can be in flight at once (every &lt; deadline).
 *
 * <p>Not thread-safe: one thread drives a tracker. Time comes from the injected clock, so arrival
 * latency is measured on oobwatch's own clock, whatever the pipeline's clocks say.
 */
public final class CanaryTracker implements AutoCloseable {

  private final String pipeline;
  private final Injector injector;
  private final List<Stage> stages;
  /** Per stage, the stage it follows; null for the one listed above it (the entry for the first). */
  private final List<String> after;
  private final Duration deadline;
  private final Duration slo;
  private final Clock clock;
  private final Map<String, InFlight> inFlight = new LinkedHashMap<>();

  /** A tracker for a pipeline whose stages form one line, each fed from the one above it. */
  public CanaryTracker(
      String pipeline, Injector injector, List<Stage> stages, Duration deadline, Duration slo, Clock clock) {
    this(pipeline, injector, stages, Collections.nCopies(stages.size(), null), deadline, slo, clock);
  }

  /**
   * @param after per stage, the name of the stage it follows, or null for the one listed above it
   *     (the entry for the first); carried into each {@link StageResult} so pages name the hop on
   *     the branch that lost the canary. Every stage is looked for whatever its branch does.
   * @param deadline a stage that has not seen the canary this long after emission lost it
   * @param slo a stage that saw it later than this is SLOW (arrived, but late)
   */
  public CanaryTracker(
      String pipeline, Injector injector, List<Stage> stages, List<String> after, Duration deadline, Duration slo,
      Clock clock) {
    this.pipeline = Objects.requireNonNull(pipeline);
    this.injector = Objects.requireNonNull(injector);
    this.stages = List.copyOf(stages);
    this.after = Collections.unmodifiableList(new ArrayList<>(after));
    if (this.after.size() != this.stages.size()) {
      throw new IllegalArgumentException("pipeline " + pipeline + ": one after per stage");
    }
    this.deadline = Objects.requireNonNull(deadline);
    this.slo = Objects.requireNonNull(slo);
    this.clock = Objects.requireNonNull(clock);
    if (this.stages.isEmpty()) {
      throw new IllegalArgumentException("pipeline " + pipeline + " has no stages");
    }
  }

  /**
   * Arms every stage, then injects the canary. A failed injection is judged at once (UNREACHABLE at
   * the entry) and returned; otherwise the canary is in flight and null is returned.
   */
  public CanaryOutcome launch(CanaryRecord canary) {
    for (Stage stage : stages) {
      stage.arm(canary);
    }
    Injection injection = injector.inject(canary);
    if (!injection.ok()) {
      stages.forEach(s -> s.forget(canary));
      return new CanaryOutcome(
          pipeline, canary.id(), canary.seq(), canary.emittedAt(), injector.kind(), injection, List.of(), clock.instant(),
          injector.origin());
    }
    inFlight.put(canary.id(), new InFlight(canary, injection, stages.size()));
    return null;
  }

  /**
   * Looks once for every canary in flight at every stage that has not seen it, and returns the
   * canaries that are now judged (seen everywhere, or past their deadline), oldest first.
   */
  public List<CanaryOutcome> poll() {
    // one question per stage covers every canary in flight that the stage has not shown yet
    for (int i = 0; i < stages.size(); i++) {
      List<CanaryRecord> looking = new ArrayList<>();
      for (InFlight f : inFlight.values()) {
        if (f.seen[i] == null) {
          looking.add(f.canary);
        }
      }
      if (looking.isEmpty()) {
        continue;
      }
      Map<String, Lookup> answers = lookupAll(stages.get(i), looking);
      for (InFlight f : inFlight.values()) {
        if (f.seen[i] == null) {
          Lookup l = answers.get(f.canary.id());
          f.last[i] = l;
          if (l.status() == Lookup.Status.FOUND) {
            f.seen[i] = l;
          }
        }
      }
    }
    List<CanaryOutcome> finished = new ArrayList<>();
    Instant now = clock.instant();
    Iterator<InFlight> it = inFlight.values().iterator();
    while (it.hasNext()) {
      InFlight f = it.next();
      boolean allSeen = true;
      for (Lookup s : f.seen) {
        allSeen &= s != null;
      }
      if (allSeen || !now.isBefore(f.canary.emittedAt().plus(deadline))) {
        finished.add(judge(f, now));
        stages.forEach(s -> s.forget(f.canary));
        it.remove();
      }
    }
    return finished;
  }

  /**
   * The stage's answers, one per canary asked about; a stage that breaks the contract (throws,
   * leaves a canary out) is unreachable with the reason, never an exception out of the poll.
   */
  private static Map<String, Lookup> lookupAll(Stage stage, List<CanaryRecord> canaries) {
    Map<String, Lookup> complete = new HashMap<>();
    Lookup none;
    try {
      complete.putAll(stage.lookupAll(canaries));
      none = Lookup.unreachable(stage.name() + " gave no answer for this canary");
    } catch (RuntimeException e) {
      // a bug in a stage must not take the watchdog down; the SRE still gets a reason
      none = Lookup.unreachable(stage.name() + " lookup failed: " + e.getClass().getSimpleName());
    }
    for (CanaryRecord c : canaries) {
      complete.putIfAbsent(c.id(), none);
    }
    return complete;
  }

  /** Canaries injected and not yet judged. */
  public int inFlight() {
    return inFlight.size();
  }

  /** The earliest deadline among canaries in flight, or null when none is in flight. */
  public Instant nextDeadline() {
    return inFlight.values().stream()
        .map(f -> f.canary.emittedAt().plus(deadline))
        .min(Instant::compareTo)
        .orElse(null);
  }

  private CanaryOutcome judge(InFlight f, Instant now) {
    List<StageResult> results = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      String name = stages.get(i).name();
      String follows = after.get(i);
      Lookup seen = f.seen[i];
      QueryBytes cost = f.last[i] == null ? null : f.last[i].bytes();
      if (seen != null) {
        Duration latency = Duration.between(f.canary.emittedAt(), seen.seenAt());
        if (latency.isNegative()) {
          latency = Duration.ZERO;
        }
        StageResult.Status status =
            latency.compareTo(slo) > 0 ? StageResult.Status.SLOW : StageResult.Status.SEEN;
        String reason = status == StageResult.Status.SLOW ? "arrived after the " + Durations.format(slo) + " objective" : "";
        results.add(new StageResult(name, status, latency, seen.count(), reason, follows, cost));
      } else {
        Lookup last = f.last[i];
        Duration waited = Duration.between(f.canary.emittedAt(), now);
        if (last != null && last.status() == Lookup.Status.UNREACHABLE) {
          results.add(new StageResult(name, StageResult.Status.UNREACHABLE, waited, 0, last.reason(), follows, cost));
        } else if (last != null && last.status() == Lookup.Status.RATE_LIMITED) {
          results.add(new StageResult(name, StageResult.Status.RATE_LIMITED, waited, 0, last.reason(), follows, cost));
        } else {
          String why = last == null || last.reason().isEmpty() ? "not found" : last.reason();
          results.add(new StageResult(name, StageResult.Status.LOST, waited, 0, why, follows, cost));
        }
      }
    }
    return new CanaryOutcome(
        pipeline, f.canary.id(), f.canary.seq(), f.canary.emittedAt(), injector.kind(), f.injection, results, now,
        injector.origin());
  }

  /** Forgets every canary in flight (shutdown); they are neither lost nor seen. */
  @Override
  public void close() {
    for (InFlight f : inFlight.values()) {
      stages.forEach(s -> s.forget(f.canary));
    }
    inFlight.clear();
  }

  private static final class InFlight {
    final CanaryRecord canary;
    final Injection injection;
    final Lookup[] seen;
    final Lookup[] last;

    InFlight(CanaryRecord canary, Injection injection, int stages) {
      this.canary = canary;
      this.injection = injection;
      this.seen = new Lookup[stages];
      this.last = new Lookup[stages];
    }
  }
}
