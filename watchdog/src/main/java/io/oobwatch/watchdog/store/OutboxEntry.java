package io.oobwatch.watchdog.store;

import java.time.Instant;

/**
 * One page in the durable outbox: written in the same transaction as the alert change that caused
 * it, before any attempt to send it; marked sent with the channel's id afterwards.
 *
 * @param event "fire" or "resolve"
 * @param state pending (to be sent), sent, or failed (a permanent error; not retried)
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
    String lastError) {
  public enum State {
    PENDING,
    SENT,
    FAILED
  }
}
