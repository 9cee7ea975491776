package io.oobwatch.probes.canary;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Injector;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.QueryBytes;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.probes.RealTraffic;
import io.oobwatch.probes.Stage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Follows canaries of one pipeline through its stages: injects them, looks for each outstanding
 * canary at every stage that has not seen it yet, and judges each canary once every stage saw it
 * or its deadline passed. Several canaries can be in flight at once (every &lt; deadline).
 *
 * <p>With {@link Early} judging, a canary not seen at a stage by the stage's learned LATE bound,
 * while that stage has taken in no real record since the canary was emitted, is handed over early:
 * an outcome whose stage is {@link StageResult.Status#LATE} (verdict LOST). The canary stays in
 * flight until it is seen everywhere or its deadline passes, and its final outcome follows: SLOW
 * at the stages where it arrived after all, LOST where it never did. A stage whose kind cannot
 * tell real traffic, or that was idle before the canary, or that still takes in real records, is
 * left to the deadline. Arrivals later than the learned bound are SLOW.
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
  private final Early early;
  private final LearnedLatency learned;
  /** Per stage, its real-traffic reading, or null when its kind cannot say (or early judging is off). */
  private final Traffic[] traffic;
  private final Map<String, InFlight> inFlight = new LinkedHashMap<>();
  private boolean prepared;
  /** Why the last poll found the newest canary in flight overdue, until asked (see {@link #overdue()}). */
  private String overdue;

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /**
   * Judging before the deadline.
   *
   * @param realTraffic per stage, in stage order, its newest real record's probe and words (see {@code
   *     StageConfig.realTraffic}), or empty when its kind cannot say
   * @param busyWithin a stage whose newest real record last moved longer than this before a
   *     canary's emission is idle: a late canary there waits for the deadline
   */
  public record Early(List<Optional<RealTraffic>> realTraffic, Duration busyWithin) {
    public Early {
      realTraffic = List.copyOf(realTraffic);
      Objects.requireNonNull(busyWithin, "busyWithin");
    }
  }

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
    this(pipeline, injector, stages, after, deadline, slo, clock, new LearnedLatency(
        LearnedLatency.DEFAULT_FACTOR, LearnedLatency.DEFAULT_FLOOR, LearnedLatency.DEFAULT_LEARN_FROM, clock),
        null);
  }

  /**
   * @param learned each stage's latency, fed by this tracker with every arrival of a judged canary
   *     (and by whoever rebuilds it from stored outcomes at start)
   * @param early judging before the deadline; null judges at the deadline only
   */
  public CanaryTracker(
      String pipeline, Injector injector, List<Stage> stages, List<String> after, Duration deadline, Duration slo,
      Clock clock, LearnedLatency learned, Early early) {
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
    this.early = early;
    this.learned = Objects.requireNonNull(learned, "learned");
    this.traffic = new Traffic[this.stages.size()];
    if (early != null) {
      if (early.realTraffic().size() != this.stages.size()) {
        throw new IllegalArgumentException("pipeline " + pipeline + ": one real-traffic probe (or none) per stage");
      }
      for (int i = 0; i < traffic.length; i++) {
        traffic[i] = early.realTraffic().get(i).map(Traffic::new).orElse(null);
      }
    }
  }

  /**
   * Before the first canary: opens the entry's connection and arms every stage with a canary that is
   * never sent (a Kafka stage positions its consumer), then forgets it. Arming is counted in a
   * canary's latency (it comes after emission), so without this the first canary's latency would be
   * oobwatch's own cold start, learned as if the pipeline were slow. Once per tracker; never throws
   * for a failing target (the first canary reports it).
   */
  private void prepare() {
    if (prepared) {
      return;
    }
    prepared = true;
    injector.prepare();
    CanaryRecord unsent = CanaryRecord.create(0, clock.instant(), pipeline, "prepare", Map.of());
    for (Stage stage : stages) {
      try {
        stage.arm(unsent);
      } catch (RuntimeException e) {
        // arm is best effort by contract; the first lookup says what is wrong
      } finally {
        stage.forget(unsent);
      }
    }
  }

  /**
   * Arms every stage, then injects the canary. A failed injection is judged at once (UNREACHABLE at
   * the entry) and returned; otherwise the canary is in flight and null is returned.
   */
  public CanaryOutcome launch(CanaryRecord canary) {
    return send(at -> canary);
  }

  /**
   * As {@link #launch(CanaryRecord)}, with the canary stamped by {@code stamp} only once each stage's
   * newest real record is read: that read (a query, or a Kafka partition tail) is oobwatch's work, not
   * the pipeline's, and must not count in the canary's latency. A record taken in between the read
   * and the emission moves the mark later: it can only delay a LATE verdict, never bring one. The
   * first launch prepares the entry and the stages before it stamps (see {@link #prepare}).
   */
  public CanaryOutcome launch(java.util.function.Function<Instant, CanaryRecord> stamp) {
    prepare();
    return send(stamp);
  }

  /** Reads the marks, stamps the canary, arms every stage, injects. */
  private CanaryOutcome send(java.util.function.Function<Instant, CanaryRecord> stamp) {
    Double[] marks = readMarks();
    CanaryRecord canary = stamp.apply(clock.instant());
    for (Stage stage : stages) {
      stage.arm(canary);
    }
    return inject(canary, marks);
  }

  /** Each stage's newest real record now (null where its kind cannot say). */
  private Double[] readMarks() {
    Double[] marks = new Double[stages.size()];
    for (int i = 0; i < traffic.length; i++) {
      if (traffic[i] != null) {
        traffic[i].read();
        marks[i] = traffic[i].mark;
      }
    }
    return marks;
  }

  private CanaryOutcome inject(CanaryRecord canary, Double[] marks) {
    Injection injection = injector.inject(canary);
    if (!injection.ok()) {
      stages.forEach(s -> s.forget(canary));
      return new CanaryOutcome(
          pipeline, canary.id(), canary.seq(), canary.emittedAt(), injector.kind(), injection, List.of(), clock.instant(),
          injector.origin());
    }
    InFlight f = new InFlight(canary, injection, stages.size());
    for (int i = 0; i < marks.length; i++) {
      f.mark[i] = marks[i];
      f.markAt[i] = canary.emittedAt();
    }
    inFlight.put(canary.id(), f);
    return null;
  }

  /**
   * Looks once for every canary in flight at every stage that has not seen it, and returns the
   * canaries that are now judged (seen everywhere, or past their deadline), oldest first, each after
   * its early verdict when it was judged LATE in this round ({@link CanaryOutcome#early()}).
   */
  public List<CanaryOutcome> poll() {
    Instant asked = clock.instant();
    for (Traffic t : traffic) {
      if (t != null) {
        t.readThisRound = false;
      }
    }
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
    overdue = newestOverdue(asked);
    Iterator<InFlight> it = inFlight.values().iterator();
    while (it.hasNext()) {
      InFlight f = it.next();
      if (early != null && judgeLate(f, now)) {
        finished.add(judge(f, now, true));
      }
      boolean allSeen = true;
      for (Lookup s : f.seen) {
        allSeen &= s != null;
      }
      if (allSeen || !now.isBefore(f.canary.emittedAt().plus(deadline))) {
        finished.add(judge(f, now, false));
        stages.forEach(s -> s.forget(f.canary));
        it.remove();
      }
    }
    return finished;
  }

  /**
   * Why the last poll found the newest canary in flight overdue, if not asked yet ("canary #12 not
   * in elasticsearch 2.3s after emission (99.9% arrive within 2.1s)"), or empty: a stage that
   * has not seen it, its hop above having passed it on, answered "not found" to a question asked later
   * after emission than the stage's learned p99.9, the slowest normal arrival (plus, for a stage that
   * repeats its last answer between queries, the age that answer may have: {@link Stage#maxAnswerAge}). It is then likely lost, and a canary sent
   * now is the quickest second witness: a watch that sends one at once has the second LATE verdict a
   * LATE bound after this instead of after the next regular canary. Said once per canary, never for
   * a canary already judged LATE (it was overdue before), and only with early judging and a learned
   * bound at the stage.
   */
  public Optional<String> overdue() {
    Optional<String> was = Optional.ofNullable(overdue);
    overdue = null;
    return was;
  }

  /** Marks the newest canary in flight followed up and says why when it was overdue when asked; else null. */
  private String newestOverdue(Instant asked) {
    if (early == null || inFlight.isEmpty()) {
      return null;
    }
    InFlight newest = null;
    for (InFlight f : inFlight.values()) {
      newest = f; // insertion order: the last is the newest
    }
    if (newest.followedUp || newest.early) {
      return null;
    }
    for (int i = 0; i < stages.size(); i++) {
      Lookup last = newest.last[i];
      if (newest.seen[i] != null || last == null || last.status() != Lookup.Status.NOT_FOUND) {
        continue;
      }
      int p = parentIndex(i);
      if (p >= 0 && newest.seen[p] == null) {
        continue; // overdue at the hop above, if anywhere
      }
      Optional<LearnedLatency.Bound> bound = learned.bound(stages.get(i).name());
      Duration waited = Duration.between(newest.canary.emittedAt(), asked);
      // a stage that repeats its last answer between queries may say "not found" from before p99.9
      if (bound.isPresent() && waited.compareTo(bound.get().p999().plus(stages.get(i).maxAnswerAge())) >= 0) {
        newest.followedUp = true;
        return "canary #" + newest.canary.seq() + " not in " + stages.get(i).name() + " " + Durations.format(waited)
            + " after emission (" + bound.get().words() + ")";
      }
    }
    return null;
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

  /** The stages' names, in config order. */
  public List<String> stageNames() {
    return stages.stream().map(Stage::name).toList();
  }

  /** Each stage's learned latency and LATE bound. */
  public LearnedLatency learned() {
    return learned;
  }

  /** Whether canaries are judged LATE before the deadline. */
  public boolean judgesEarly() {
    return early != null;
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

  /**
   * The latest time by which a canary in flight, not yet judged LATE, is expected at every stage
   * that has a learned bound; null when there is none (nothing in flight, nothing learned, or early
   * judging off). Polling densely until then gives the LATE verdict when it is due.
   */
  public Instant expectedBy() {
    if (early == null) {
      return null;
    }
    Instant latest = null;
    for (InFlight f : inFlight.values()) {
      for (int i = 0; i < stages.size(); i++) {
        if (f.seen[i] != null || f.late[i] != null) {
          continue;
        }
        Optional<LearnedLatency.Bound> b = learned.bound(stages.get(i).name());
        if (b.isPresent()) {
          Instant at = f.canary.emittedAt().plus(b.get().late());
          latest = latest == null || at.isAfter(latest) ? at : latest;
        }
      }
    }
    return latest;
  }

  /**
   * Marks the stages where {@code f} is now LATE; true when this gives the canary its early verdict:
   * a stage is newly LATE and every stage off the late ones' branches has seen it.
   */
  private boolean judgeLate(InFlight f, Instant now) {
    if (f.early) {
      return false;
    }
    boolean any = false;
    for (int i = 0; i < stages.size(); i++) {
      if (f.seen[i] != null || f.late[i] != null || traffic[i] == null || f.mark[i] == null
          || f.last[i] == null || f.last[i].status() != Lookup.Status.NOT_FOUND) {
        continue;
      }
      int p = parentIndex(i);
      if (p >= 0 && f.seen[p] == null) {
        continue; // the hop above has not passed it on: that is where it is late, if anywhere
      }
      Optional<LearnedLatency.Bound> bound = learned.bound(stages.get(i).name());
      if (bound.isEmpty() || bound.get().late().compareTo(deadline) >= 0
          || now.isBefore(f.canary.emittedAt().plus(bound.get().late()))) {
        continue;
      }
      Traffic t = traffic[i];
      if (!t.readThisRound) {
        t.read();
      }
      if (t.mark == null || t.advancedAt == null
          || t.advancedAt.isBefore(f.canary.emittedAt().minus(early.busyWithin()))) {
        continue; // cannot say, or idle before the canary: the deadline decides
      }
      if (t.mark > f.mark[i]) {
        // real records still come in: a slowdown so far; judged stalled only if they stop for a bound
        f.mark[i] = t.mark;
        f.markAt[i] = now;
        continue;
      }
      if (Duration.between(f.markAt[i], now).compareTo(bound.get().late()) < 0) {
        continue;
      }
      Duration waited = Duration.between(f.canary.emittedAt(), now);
      f.late[i] = "not in " + stages.get(i).name() + " " + Durations.format(waited) + " after emission ("
          + bound.get().words() + "); no real record " + t.arrived + " since "
          + CLOCK.format(Instant.ofEpochMilli(f.mark[i].longValue()));
      any = true;
    }
    if (!any && !anyLate(f)) {
      return false;
    }
    for (int i = 0; i < stages.size(); i++) {
      if (f.seen[i] == null && f.late[i] == null && !fedByLate(f, i)) {
        return false; // another branch is still on its way: the early verdict waits for it
      }
    }
    f.early = true;
    return true;
  }

  private static boolean anyLate(InFlight f) {
    for (String l : f.late) {
      if (l != null) {
        return true;
      }
    }
    return false;
  }

  private boolean fedByLate(InFlight f, int i) {
    for (int p = parentIndex(i), hops = 0; p >= 0 && hops < stages.size(); p = parentIndex(p), hops++) {
      if (f.late[p] != null) {
        return true;
      }
    }
    return false;
  }

  /** The index of the stage stage {@code i} follows; -1 when it follows the entry. */
  private int parentIndex(int i) {
    String follows = after.get(i);
    if (follows == null) {
      return i - 1;
    }
    for (int j = 0; j < stages.size(); j++) {
      if (stages.get(j).name().equals(follows)) {
        return j;
      }
    }
    return i - 1;
  }

  /**
   * @param early the early verdict: stages judged LATE are LATE, the stages they feed LOST for now
   */
  private CanaryOutcome judge(InFlight f, Instant now, boolean early) {
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
        Optional<LearnedLatency.Bound> bound =
            this.early == null ? Optional.empty() : learned.bound(name);
        if (!early) {
          learned.arrived(name, seen.seenAt(), latency);
        }
        String reason = "";
        if (f.late[i] != null) {
          reason = "arrived " + Durations.format(latency) + " after emission, after it was judged late";
        } else if (latency.compareTo(slo) > 0) {
          reason = "arrived after the " + Durations.format(slo) + " objective";
        } else if (bound.isPresent() && latency.compareTo(bound.get().late()) > 0) {
          reason = "arrived " + Durations.format(latency) + " after emission (" + bound.get().words() + ")";
        }
        StageResult.Status status = reason.isEmpty() ? StageResult.Status.SEEN : StageResult.Status.SLOW;
        results.add(new StageResult(name, status, latency, seen.count(), reason, follows, cost));
      } else if (early && f.late[i] != null) {
        results.add(new StageResult(name, StageResult.Status.LATE, Duration.between(f.canary.emittedAt(), now), 0,
            f.late[i], follows, cost));
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
    for (Traffic t : traffic) {
      if (t != null) {
        t.probe.close();
      }
    }
  }

  private static final class InFlight {
    final CanaryRecord canary;
    final Injection injection;
    final Lookup[] seen;
    final Lookup[] last;
    /** Per stage, the newest real record's time when last seen to move (at first: at emission). */
    final Double[] mark;
    final Instant[] markAt;
    /** Per stage, why it was judged LATE there; null when it was not. */
    final String[] late;
    /** Whether its early verdict was handed over. */
    boolean early;
    /** Whether it was found overdue (once per canary). */
    boolean followedUp;

    InFlight(CanaryRecord canary, Injection injection, int stages) {
      this.canary = canary;
      this.injection = injection;
      this.seen = new Lookup[stages];
      this.last = new Lookup[stages];
      this.mark = new Double[stages];
      this.markAt = new Instant[stages];
      this.late = new String[stages];
    }
  }

  /**
   * A stage's newest real record, as its real-traffic probe last said, and when it was last seen to
   * move. Read once per round at most.
   */
  private final class Traffic {
    final Probe probe;
    /** How a real record arrives at the stage, in a page's words ("indexed"). */
    final String arrived;
    Double mark;
    Instant advancedAt;
    boolean readThisRound;

    Traffic(RealTraffic real) {
      this.probe = real.newest();
      this.arrived = real.arrived();
    }

    void read() {
      readThisRound = true;
      Observation o = probe.observe();
      if (!o.known()) {
        return; // unknown or no record: the stage cannot say now; the deadline decides
      }
      if (mark != null && o.value() > mark) {
        advancedAt = clock.instant();
      }
      if (mark == null || o.value() > mark) {
        mark = o.value();
      }
    }
  }
}
