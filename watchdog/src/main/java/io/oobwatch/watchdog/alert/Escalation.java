package io.oobwatch.watchdog.alert;

import io.oobwatch.watchdog.config.Config;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * When each step of an escalation is due: pure arithmetic on the policy, no clock, no store.
 *
 * <p>An escalation is timed from its epoch instant (the alert's opening, or the moment it was re-armed
 * after an ack timed out, or a silence ended). Step {@code s} of loop {@code k} is due at
 * {@code epoch + k × repeat_every + steps[s].after}. Loops are flattened into one index
 * ({@code k × n + s} for {@code n} steps); there are {@code 1 + repeat_limit} loops. Steps are taken
 * in the order of their {@code after}.
 */
public final class Escalation {
  private final List<Config.Step> steps;
  private final Duration repeatEvery;
  private final int loops;
  private final Duration ackTimeout;

  public Escalation(List<Config.Step> steps, Duration repeatEvery, int repeatLimit, Duration ackTimeout) {
    List<Config.Step> sorted = new ArrayList<>(steps);
    sorted.sort(Comparator.comparing(Config.Step::after));
    this.steps = List.copyOf(sorted);
    this.repeatEvery = repeatEvery;
    this.loops = 1 + repeatLimit;
    this.ackTimeout = ackTimeout;
  }

  /** The escalation of a paging config. */
  public static Escalation of(Config.Paging p) {
    return new Escalation(p.escalation(), p.repeatEvery(), p.repeatLimit(), p.ackTimeout());
  }

  /** How many step indexes there are in one epoch. */
  public int total() {
    return steps.size() * loops;
  }

  /** The step at a flattened index. */
  public Config.Step step(int index) {
    return steps.get(index % steps.size());
  }

  /** The loop (0 = first pass, 1 = first repeat, ...) of a flattened index. */
  public int loop(int index) {
    return index / steps.size();
  }

  /** When the step at {@code index} is due, for an escalation timed from {@code epochAt}. */
  public Instant dueAt(Instant epochAt, int index) {
    return epochAt.plus(repeatEvery.multipliedBy(loop(index))).plus(step(index).after());
  }

  /**
   * The index up to which (exclusive) steps are due at {@code now}, starting from {@code next}:
   * equal to {@code next} when nothing new is due.
   */
  public int reached(Instant epochAt, int next, Instant now) {
    int i = next;
    while (i < total() && !dueAt(epochAt, i).isAfter(now)) {
      i++;
    }
    return i;
  }

  /** When the next step is due, or empty when every loop has been paged. */
  public Optional<Instant> nextDue(Instant epochAt, int next) {
    return next < total() ? Optional.of(dueAt(epochAt, next)) : Optional.empty();
  }

  /** When an ack given at {@code ackedAt} times out: escalation starts over if the alert still fires. */
  public Instant rearmAt(Instant ackedAt) {
    return ackedAt.plus(ackTimeout);
  }
}
