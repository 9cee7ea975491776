package io.oobwatch.watchdog.store;

import java.time.Instant;

/**
 * An alert as oobwatch keeps it in its own store.
 *
 * @param id small number people type to acknowledge ("ACK 17")
 * @param subject what it is about: a pipeline name, or another watched thing (a heartbeat, a peer)
 * @param rule which rule raised it ("canary")
 * @param state firing, acknowledged (still open: escalation stopped) or resolved; "open" is either
 *     of the first two, "firing" only the first
 * @param stage the hop it names (the first stage that missed the canary)
 * @param summary one line for people: what is wrong
 * @param openedAt when it fired
 * @param resolvedAt when it resolved; null while open
 */
public record Alert(
    long id, String subject, String rule, State state, String stage, String summary, Instant openedAt, Instant resolvedAt) {
  /** Firing or acknowledged: its rule's condition has not cleared yet. */
  public boolean open() {
    return state != State.RESOLVED;
  }

  public enum State {
    FIRING,
    ACKNOWLEDGED,
    RESOLVED
  }
}
