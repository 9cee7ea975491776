package io.oobwatch.watchdog.detect;

/**
 * What a rule concluded for its alert at one evaluation; {@code Alerts.apply} carries it out. Every
 * rule decides the same way, level-triggered against whether its alert is <em>open</em> (firing or
 * acknowledged): an acknowledged alert still resolves when its condition clears, and a condition
 * that still holds does not raise a second alert beside it.
 */
public enum Decision {
  NONE,
  FIRE,
  RESOLVE;

  /**
   * @param holds the rule's condition holds (enough evidence that something is wrong)
   * @param clear the condition is clear (enough evidence that it is fine again); both false when
   *     the rule cannot tell yet
   * @param open whether the rule's alert is open for the subject, firing or acknowledged
   */
  public static Decision of(boolean holds, boolean clear, boolean open) {
    if (holds && !open) {
      return FIRE;
    }
    if (clear && open) {
      return RESOLVE;
    }
    return NONE;
  }
}
