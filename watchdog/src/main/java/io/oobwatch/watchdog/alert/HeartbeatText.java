package io.oobwatch.watchdog.alert;

import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.page.SmsText;
import io.oobwatch.watchdog.store.Alert;
import java.time.Duration;
import java.time.Instant;

/**
 * The words of heartbeat pages. The alert's summary already names the heartbeat and the evidence
 * ("heartbeat log-shipper missing since 08:41Z (expected every 1m)"), so a page is that sentence
 * with the alert id to acknowledge; GSM-7, one segment where possible.
 */
public final class HeartbeatText {
  private HeartbeatText() {}

  public static String fire(String instance, Alert alert) {
    String text = "ALERT " + alert.id() + " " + alert.summary() + ". Reply ACK " + alert.id() + ".";
    return SmsText.fit("[oobwatch " + instance + "] " + text, instance + ": " + text);
  }

  /** @param now what is true now, e.g. "pinged 08:52Z" or "HTTP 200" */
  public static String resolve(String instance, Alert alert, Instant at, String now) {
    String lasted = Durations.format(Duration.between(alert.openedAt(), at));
    String head = "RESOLVED " + alert.id() + " heartbeat " + alert.subject() + " ok again (" + now + ") after " + lasted + ".";
    return SmsText.fit(
        "[oobwatch " + instance + "] " + head + " Was: " + alert.summary() + ".",
        instance + ": " + head + " Was: " + alert.summary() + ".",
        instance + ": " + head);
  }
}
