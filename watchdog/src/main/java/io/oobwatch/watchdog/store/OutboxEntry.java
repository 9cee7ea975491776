package io.oobwatch.watchdog.store;

import java.time.Instant;

/**
 * One page in the durable outbox: written in the same transaction as the alert change that caused
 * it, before any attempt to send it; marked sent with the channel's id afterwards.
 *
 * @param event "fire", "escalate", "rearm", "reroute", "undelivered" or "resolve" (see {@link Outgoing})
 * @param state pending (to be sent), sent, failed (a permanent error; not retried), cancelled (another
 *     member of the cluster sent it, or the
 *     alert was acknowledged, silenced or resolved before it went out) or suppressed (the hourly cap)
 * @param channel "sms" or "call"
 * @param createdAt when it was written to the outbox
 * @param sentAt when the channel accepted it; null before
 * @param delivery where the sent message or call ended; null while it is not sent or not known yet
 * @param sendingAt when the channel was last asked to send it without a definite answer recorded
 *     (the request may have reached it: a crash came between), null when not
 * @param dedupe the key that makes writing it twice a no-op (which step and person it is), null for none
 */
public record OutboxEntry(
    long id,
    long alertId,
    String event,
    String recipient,
    String phone,
    String body,
    State state,
    int attempts,
    Instant nextAttemptAt,
    String sid,
    String lastError,
    String channel,
    Instant createdAt,
    Instant sentAt,
    Delivery delivery,
    Instant sendingAt,
    String dedupe) {
  public enum State {
    PENDING,
    SENT,
    FAILED,
    CANCELLED,
    SUPPRESSED
  }
}
