package io.oobwatch.watchdog.store;

import java.time.Instant;
import java.util.Locale;

/**
 * Where a sent message or call ended, as the channel reported it (Twilio's status callback or a
 * lookup by SID), kept on every outbox row sent under that SID.
 *
 * @param state the final state
 * @param code the channel's error code (Twilio's 30003, 30034, ...), 0 when it gave none
 * @param detail the state in words for the person reading status ("30034 the sender number is not
 *     registered for A2P 10DLC", "answered by voicemail"); never null
 * @param at when oobwatch learned it
 */
public record Delivery(State state, int code, String detail, Instant at) {

  /** Final states. Only {@link #DELIVERED} and {@link #ANSWERED} mean the page reached a person. */
  public enum State {
    /** An SMS with a delivery receipt. */
    DELIVERED,
    /** A call a person picked up (answering-machine detection said human or unknown). */
    ANSWERED,
    UNDELIVERED,
    FAILED,
    NO_ANSWER,
    BUSY,
    /** A call answered by a voicemail, fax or other machine. */
    VOICEMAIL,
    /** No delivery receipt within {@code paging.delivery_timeout}. */
    NO_RECEIPT,
    /** A channel that reports no delivery (the console, a webhook fallback): accepted is all it says. */
    UNTRACKED;

    /** True when the page reached nobody: the next route is paged at once. */
    public boolean reachedNobody() {
      return this != DELIVERED && this != ANSWERED && this != UNTRACKED;
    }

    /** "no-answer", "voicemail": the word /status and metrics use. */
    public String word() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }
}
