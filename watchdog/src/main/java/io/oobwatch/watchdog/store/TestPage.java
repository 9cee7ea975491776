package io.oobwatch.watchdog.store;

import java.time.Instant;

/**
 * A test page the daemon was asked to send ({@code oobwatch page-test}), kept so that paging health
 * can show the last one after a restart.
 *
 * @param channel {@link Outgoing#SMS} or {@link Outgoing#CALL}
 * @param requestedAt when it was asked for; {@code requestedBy} who asked ("api")
 * @param via the channel that took it, as it describes itself ("twilio SMS from +1555..."); null
 *     before an answer
 * @param sentAt when the channel accepted it, with its {@code sid}; both null when it was not (yet)
 * @param error why it was not sent (the channel's refusal, with its code); null when it was sent or
 *     is being sent
 * @param delivery where the sent message or call ended; null while not known
 */
public record TestPage(
    long id,
    String recipient,
    String phone,
    String channel,
    Instant requestedAt,
    String requestedBy,
    String via,
    Instant sentAt,
    String sid,
    String error,
    Delivery delivery) {

  /** Neither accepted nor refused yet: the request to the channel is under way. */
  public boolean sending() {
    return sid == null && error == null;
  }

  /** Accepted by the channel, its final status not known yet. */
  public boolean awaitingDelivery() {
    return sid != null && delivery == null;
  }
}
