package io.oobwatch.probes.canary;

import io.oobwatch.probes.Injection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The finished journey of one canary: its injection and, per stage in pipeline order, whether and
 * when it arrived. The stages form a tree: each follows the stage it names in {@link
 * StageResult#after()}, or the one listed above it, and the first follows the entry. A canary is
 * judged on every branch.
 *
 * @param pipeline pipeline name
 * @param canaryId the canary's id
 * @param seq the canary's sequence number
 * @param emittedAt when it was emitted (oobwatch's clock)
 * @param injector kind of the pipeline entry ("kafka", "http")
 * @param injection what the entry said
 * @param stages one result per stage, config order (a stage after the one it follows); empty when
 *     the injection failed
 * @param finishedAt when the journey was judged
 * @param origin how a page names the hop before the first stage ({@code Injector.origin()})
 */
public record CanaryOutcome(
    String pipeline,
    String canaryId,
    long seq,
    Instant emittedAt,
    String injector,
    Injection injection,
    List<StageResult> stages,
    Instant finishedAt,
    String origin) {

  public enum Verdict {
    /** Every stage saw it within the objective. */
    OK,
    /** Every stage saw it, at least one late. */
    SLOW,
    /** A stage answered but did not have it by the deadline, or was judged LATE there (a stall). */
    LOST,
    /** A stage (or the entry) could not be queried, or refused to be queried now (rate-limited). */
    UNREACHABLE
  }

  public CanaryOutcome {
    Objects.requireNonNull(pipeline, "pipeline");
    origin = origin == null ? "injection" : origin;
    Objects.requireNonNull(injection, "injection");
    stages = List.copyOf(stages);
  }

  /** An outcome of an entry whose acceptance means the pipeline holds the canary (origin "injection"). */
  public CanaryOutcome(String pipeline, String canaryId, long seq, Instant emittedAt, String injector,
      Injection injection, List<StageResult> stages, Instant finishedAt) {
    this(pipeline, canaryId, seq, emittedAt, injector, injection, stages, finishedAt, "injection");
  }

  public Verdict verdict() {
    if (!injection.ok()) {
      return Verdict.UNREACHABLE;
    }
    Optional<StageResult> failed = firstFailure();
    if (failed.isPresent()) {
      // RATE_LIMITED is UNREACHABLE here: the stage could not say, so the canary is not lost
      StageResult.Status s = failed.get().status();
      return s == StageResult.Status.LOST || s == StageResult.Status.LATE ? Verdict.LOST : Verdict.UNREACHABLE;
    }
    return stages.stream().anyMatch(s -> s.status() == StageResult.Status.SLOW)
        ? Verdict.SLOW
        : Verdict.OK;
  }

  /**
   * The broken hop: the first stage, in config order, that did not see the canary although the
   * stage it follows did (or it follows the entry). Stages below it on its branch missed the
   * canary because of it; other branches are judged on their own.
   */
  public Optional<StageResult> firstFailure() {
    return stages.stream()
        .filter(s -> !s.status().arrived())
        .filter(s -> parent(s).map(p -> p.status().arrived()).orElse(true))
        .findFirst();
  }

  /** The stage {@code s} follows; empty when it follows the entry. */
  public Optional<StageResult> parent(StageResult s) {
    int i = stages.indexOf(s);
    if (s.after() != null) {
      return stages.stream().filter(p -> p.stage().equals(s.after())).findFirst();
    }
    return i > 0 ? Optional.of(stages.get(i - 1)) : Optional.empty();
  }

  /** Whether {@code ancestor} is on the way from the entry to {@code s} ({@code s} itself excluded). */
  public boolean feeds(StageResult ancestor, StageResult s) {
    Optional<StageResult> p = parent(s);
    for (int hops = 0; p.isPresent() && hops < stages.size(); hops++) {
      if (p.get() == ancestor) {
        return true;
      }
      p = parent(p.get());
    }
    return false;
  }

  /** Whether this is an early verdict: a stage judged LATE, the canary still looked for until the deadline. */
  public boolean early() {
    return stages.stream().anyMatch(s -> s.status() == StageResult.Status.LATE);
  }

  /** Total copies beyond the first, over all stages (a pipeline that delivers twice). */
  public int duplicates() {
    return stages.stream().mapToInt(s -> Math.max(0, s.count() - 1)).sum();
  }

  /** End-to-end latency: emitted to seen at the slowest stage, when every stage saw it. */
  public Optional<Duration> endToEnd() {
    if (stages.isEmpty() || !stages.stream().allMatch(s -> s.status().arrived())) {
      return Optional.empty();
    }
    return stages.stream().map(StageResult::latency).max(Duration::compareTo);
  }
}
