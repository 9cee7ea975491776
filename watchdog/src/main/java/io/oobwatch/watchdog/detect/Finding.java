package io.oobwatch.watchdog.detect;

import java.util.Objects;

/**
 * What a rule concluded about its condition at one evaluation, in words.
 *
 * @param condition BAD (the rule's alert should fire), OK (it should resolve), or UNDECIDED (not
 *     enough evidence either way: unknown source, no baseline, quiet period; nothing changes)
 * @param summary for BAD: the alert's one line ("no new inference logs in elasticsearch index
 *     logs-* for 7m"); empty otherwise
 * @param evidence for BAD: the numbers behind it, for the page; empty otherwise
 * @param status what the rule sees now, for {@code /status} ("412/min vs 598/min same time
 *     yesterday (-31%)", "no baseline: ...")
 */
public record Finding(Condition condition, String summary, String evidence, String status) {
  public enum Condition {
    BAD,
    OK,
    UNDECIDED
  }

  public Finding {
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(evidence, "evidence");
    Objects.requireNonNull(status, "status");
  }

  public static Finding bad(String summary, String evidence) {
    return new Finding(Condition.BAD, summary, evidence, summary + "; " + evidence);
  }

  public static Finding ok(String status) {
    return new Finding(Condition.OK, "", "", status);
  }

  public static Finding undecided(String status) {
    return new Finding(Condition.UNDECIDED, "", "", status);
  }

  /** What to do given whether the rule's alert is open (firing or acknowledged). */
  public Decision decide(boolean open) {
    return Decision.of(condition == Condition.BAD, condition == Condition.OK, open);
  }
}
