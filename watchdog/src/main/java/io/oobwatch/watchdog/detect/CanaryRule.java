package io.oobwatch.watchdog.detect;

import io.oobwatch.probes.canary.CanaryOutcome.Verdict;
import java.util.Objects;

/**
 * The canary rule, pure: (state, judged canary, is its alert open) → (next state, decision). No
 * I/O and no clock, so it is tested alone and its state is rebuilt after a restart by replaying the
 * stored outcomes.
 *
 * <p>{@code lossesToFire} consecutive canaries that failed at the same stage in the same way (lost
 * there, or that stage unreachable) fire; a different failing stage starts a new streak.
 * {@code passesToResolve} consecutive canaries that arrived everywhere (slow counts as arrived)
 * resolve. Slow canaries never fire this rule: they are reported, not paged.
 */
public final class CanaryRule {
  private final int lossesToFire;
  private final int passesToResolve;

  public CanaryRule(int lossesToFire, int passesToResolve) {
    if (lossesToFire < 1 || passesToResolve < 1) {
      throw new IllegalArgumentException("losses_to_fire and passes_to_resolve must be at least 1");
    }
    this.lossesToFire = lossesToFire;
    this.passesToResolve = passesToResolve;
  }

  /**
   * @param failure what the current failure streak is ("LOST@elasticsearch"), null when none
   * @param failures length of the failure streak
   * @param passes length of the current streak of canaries that arrived everywhere
   */
  public record State(String failure, int failures, int passes) {
    public static final State START = new State(null, 0, 0);
  }

  public record Step(State state, Decision decision) {}

  /**
   * @param verdict the judged canary's verdict
   * @param failedStage the first stage that did not see it ("inject:kafka" when the entry refused
   *     it); ignored when the verdict is OK or SLOW
   * @param open whether this rule's alert is open for the pipeline (firing or acknowledged)
   */
  public Step apply(State s, Verdict verdict, String failedStage, boolean open) {
    if (verdict == Verdict.OK || verdict == Verdict.SLOW) {
      State next = new State(null, 0, s.passes() + 1);
      return new Step(next, Decision.of(false, next.passes() >= passesToResolve, open));
    }
    String failure = verdict + "@" + Objects.requireNonNull(failedStage, "failedStage");
    int failures = failure.equals(s.failure()) ? s.failures() + 1 : 1;
    State next = new State(failure, failures, 0);
    return new Step(next, Decision.of(failures >= lossesToFire, false, open));
  }
}
