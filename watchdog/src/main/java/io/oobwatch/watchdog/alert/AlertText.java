package io.oobwatch.watchdog.alert;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.Durations;
import io.oobwatch.probes.canary.StageResult;
import io.oobwatch.watchdog.page.SmsText;
import io.oobwatch.watchdog.store.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The words of pages: what broke, where, and the evidence, written for a person woken at 3 a.m.
 * Texts are GSM-7 and fit one SMS segment where possible: longer variants give way to shorter
 * ones ("[" and "]" cost two GSM-7 septets each, so the short form drops them).
 */
public final class AlertText {
  private AlertText() {}

  /** The one-line summary kept with the alert ("canary lost between kafka and elasticsearch"). */
  public static String summary(CanaryOutcome o) {
    if (!o.injection().ok()) {
      return "cannot inject canary into " + o.injector();
    }
    StageResult failed = o.firstFailure().orElseThrow();
    if (failed.status() == StageResult.Status.UNREACHABLE) {
      return "cannot query " + failed.stage();
    }
    if (failed.status() == StageResult.Status.RATE_LIMITED) {
      return "cannot query " + failed.stage() + ": rate-limited";
    }
    if (failed.status() == StageResult.Status.LATE) {
      return "stalled between " + from(o, failed) + " and " + failed.stage();
    }
    return "canary lost between " + from(o, failed) + " and " + failed.stage();
  }

  /** The stage name the alert is about: the first stage that missed the canary, or the entry. */
  public static String stage(CanaryOutcome o) {
    return o.injection().ok() ? o.firstFailure().map(StageResult::stage).orElse("") : "inject:" + o.injector();
  }

  /** The page for a new alert. {@code inARow} is how many canaries failed the same way. */
  public static String fire(String instance, Alert alert, CanaryOutcome o, int inARow) {
    String head = "ALERT " + alert.id() + " " + alert.subject() + ": " + alert.summary();
    String streak = " (" + inARow + " in a row)";
    String ack = " Reply ACK " + alert.id() + ".";
    String evidence;
    String shortEvidence;
    if (!o.injection().ok()) {
      evidence = o.injection().reason() + streak + ".";
      shortEvidence = evidence;
    } else {
      StageResult failed = o.firstFailure().orElseThrow();
      String reached = reached(o, failed);
      if (failed.status() == StageResult.Status.LATE) { // the reason says how late, what is normal, since when no traffic
        evidence = reached + "; " + failed.reason() + streak + ".";
        shortEvidence = capitalised(failed.reason()) + streak + ".";
      } else if (failed.status() != StageResult.Status.LOST) { // unreachable or rate-limited: unknown, never lost
        evidence = failed.reason() + streak + ". " + reached + ".";
        shortEvidence = failed.reason() + streak + ".";
      } else if (intakeOnly(o, failed)) {
        evidence = "Accepted by Datadog's intake but not searchable after " + Durations.format(failed.latency())
            + ": an exclusion filter, an index quota or an intake backlog?" + streak;
        shortEvidence = evidence;
      } else {
        evidence = reached + "; not in " + failed.stage() + " after " + Durations.format(failed.latency()) + streak + ".";
        List<String> fine = otherBranches(o, failed);
        shortEvidence = "Not in " + failed.stage() + " after " + Durations.format(failed.latency())
            + (fine.isEmpty() ? "" : "; " + String.join(", ", fine) + " fine") + streak + ".";
      }
    }
    return SmsText.fit(
        "[oobwatch " + instance + "] " + head + ". " + evidence + ack,
        instance + ": " + head + ". " + evidence + ack,
        // the evidence says where it broke: it goes before the instance's name (the sender's number says it too)
        head + ". " + evidence + ack,
        instance + ": " + head + ". " + shortEvidence + ack);
  }

  /** The notice that an alert resolved. */
  public static String resolve(String instance, Alert alert, CanaryOutcome o, Instant at) {
    String flow = o.endToEnd().map(d -> " (end to end " + Durations.format(d) + ")").orElse("");
    String lasted = Durations.format(Duration.between(alert.openedAt(), at));
    String head = "RESOLVED " + alert.id() + " " + alert.subject() + ": canaries flow again" + flow + ".";
    return SmsText.fit(
        "[oobwatch " + instance + "] " + head + " Was: " + alert.summary() + ", for " + lasted + ".",
        instance + ": " + head + " Was: " + alert.summary() + ", for " + lasted + ".",
        instance + ": " + head);
  }

  private static String capitalised(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String from(CanaryOutcome o, StageResult failed) {
    return o.parent(failed).map(StageResult::stage).orElse(o.origin());
  }

  /**
   * "Reached kafka in 0.1s, elasticsearch in 1.2s": the stage the broken hop is fed from, then the
   * stages on other branches that saw the canary (so the page says they are fine); the stages
   * above the broken hop on its own branch are implied by the first. "Accepted by the kafka entry"
   * when the broken hop follows the entry and no other branch saw it.
   */
  private static String reached(CanaryOutcome o, StageResult failed) {
    List<String> seen = new ArrayList<>();
    o.parent(failed).ifPresent(p -> seen.add(p.stage() + " in " + Durations.format(p.latency())));
    for (StageResult s : o.stages()) {
      if (s.status().arrived() && !o.feeds(s, failed)) {
        seen.add(s.stage() + " in " + Durations.format(s.latency()));
      }
    }
    return seen.isEmpty() ? "Accepted by the " + o.injector() + " entry" : "Reached " + String.join(", ", seen);
  }

  /** The stages off the broken hop's way from the entry that saw the canary: branches that are fine. */
  private static List<String> otherBranches(CanaryOutcome o, StageResult failed) {
    return o.stages().stream().filter(s -> s.status().arrived() && !o.feeds(s, failed)).map(StageResult::stage).toList();
  }

  /**
   * Whether the canary entered through Datadog's log intake and the stage right after it lost it:
   * the stage fed straight from a Datadog intake is Datadog's log search, so the log was accepted
   * and never became searchable.
   */
  private static boolean intakeOnly(CanaryOutcome o, StageResult failed) {
    return "datadog".equals(o.injector()) && o.parent(failed).isEmpty();
  }

  /**
   * The notice for an alert that nothing watches any more: its pipeline, check, heartbeat or peer
   * was taken out of the config. "RESOLVED 4 inference-logs: no longer watched (removed from the
   * config); was canary lost between kafka and elasticsearch, for 2h."
   */
  public static String retired(String instance, Alert alert, Instant at) {
    String head = "RESOLVED " + alert.id() + " " + alert.subject() + ": no longer watched (removed from the config)";
    String was = "; was " + alert.summary() + ", for " + Durations.format(Duration.between(alert.openedAt(), at)) + ".";
    return SmsText.fit(
        "[oobwatch " + instance + "] " + head + was,
        instance + ": " + head + was,
        instance + ": " + head + ".");
  }
}
