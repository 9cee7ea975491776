package io.oobwatch.watchdog.store;

import java.util.Objects;

/**
 * A page to write to the outbox.
 *
 * @param event why it is sent: "fire" (first step), "escalate" (a later step or a repeat),
 *     "rearm" (first step after an ack timed out), "reroute" (someone else could not be reached),
 *     "undelivered" (a call brought forward because the person's SMS reached nobody),
 *     "resolve"
 * @param channel "sms" or "call"
 * @param dedupe a key that makes writing it twice a no-op (one row per person per step); null for
 *     none
 */
public record Outgoing(String event, String recipient, String phone, String body, String channel, String dedupe) {
  public static final String SMS = "sms";
  public static final String CALL = "call";

  /** A text message, written as often as asked (no dedupe key). */
  public static Outgoing sms(String event, String recipient, String phone, String body) {
    return new Outgoing(event, recipient, phone, body, SMS, null);
  }

  public Outgoing {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(phone, "phone");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(channel, "channel");
  }
}
