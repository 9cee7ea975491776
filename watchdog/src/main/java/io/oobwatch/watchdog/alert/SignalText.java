package io.oobwatch.watchdog.alert;

import io.oobwatch.watchdog.page.SmsText;
import io.oobwatch.watchdog.store.Alert;
import java.time.Duration;
import java.time.Instant;

/**
 * The words of pages for the rules that judge observed signals (silence, volume, ratio, consumer,
 * unknown source): the alert's summary and the rule's evidence, longest form that fits one SMS
 * segment where possible; unlike a canary page the evidence is never dropped to fit (it is what
 * tells the person where to look), so a long one goes out as two segments.
 */
public final class SignalText {
  private SignalText() {}

  /** "ALERT 5 inference-logs: log volume down 31% on kafka topic x. 412/min over 15m vs ... Reply ACK 5." */
  public static String fire(String instance, Alert alert, String evidence) {
    String head = "ALERT " + alert.id() + " " + alert.subject() + ": " + alert.summary() + ".";
    String ack = " Reply ACK " + alert.id() + ".";
    // the evidence is the page's point (both numbers, the usual cause): kept even if it takes two segments
    return SmsText.fit(
        "[oobwatch " + instance + "] " + head + " " + evidence + ack,
        instance + ": " + head + " " + evidence + ack);
  }

  /** "RESOLVED 5 inference-logs: was log volume down 31% ..., for 12m. Now 590/min ..." */
  public static String resolve(String instance, Alert alert, Instant at, String now) {
    String lasted = io.oobwatch.probes.canary.Durations.format(Duration.between(alert.openedAt(), at));
    String head = "RESOLVED " + alert.id() + " " + alert.subject() + ": was " + alert.summary() + ", for " + lasted + ".";
    return SmsText.fit(
        "[oobwatch " + instance + "] " + head + " Now: " + now + ".",
        instance + ": " + head + " Now: " + now + ".",
        instance + ": " + head);
  }
}
