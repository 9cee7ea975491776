package io.oobwatch.watchdog.alert;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.Durations;
import io.oobwatch.probes.canary.StageResult;
import io.oobwatch.watchdog.page.SmsText;
import io.oobwatch.watchdog.store.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

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
      Optional<StageResult> before = previous(o, failed);
      String reached = before.map(b -> "Reached " + b.stage() + " in " + Durations.format(b.latency()))
          .orElse("Accepted by the " + o.injector() + " entry");
      if (failed.status() == StageResult.Status.UNREACHABLE) {
        evidence = failed.reason() + streak + ". " + reached + ".";
        shortEvidence = failed.reason() + streak + ".";
      } else {
        evidence = reached + "; not in " + failed.stage() + " after " + Durations.format(failed.latency()) + streak + ".";
        shortEvidence = "Not in " + failed.stage() + " after " + Durations.format(failed.latency()) + streak + ".";
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

  private static String from(CanaryOutcome o, StageResult failed) {
    return previous(o, failed).map(StageResult::stage).orElse(o.origin());
  }

  private static Optional<StageResult> previous(CanaryOutcome o, StageResult failed) {
    StageResult prev = null;
    for (StageResult s : o.stages()) {
      if (s == failed) {
        break;
      }
      prev = s;
    }
    return Optional.ofNullable(prev);
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
