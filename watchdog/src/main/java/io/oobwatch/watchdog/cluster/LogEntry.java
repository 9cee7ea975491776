package io.oobwatch.watchdog.cluster;

import java.util.Objects;

/**
 * One fact of the replicated notification log. Facts are never changed, only added, so two logs
 * reconcile by their union (after a late join or a partition, in any order, any number of times).
 *
 * @param key what the alert is about, the same on every member: subject and rule ("inference-logs/canary")
 * @param member the instance that saw it, sent it or took the ack
 * @param step for PAGED: which step and person ("e0:s1:sms:alice", "resolve:sms:alice"); else null
 * @param detail for PAGED: the channel's id (Twilio SID); for ACKED: who acknowledged; else null
 * @param at when, in epoch milliseconds on {@code member}'s clock (OPENED: when its alert opened)
 */
record LogEntry(Type type, String key, String member, String step, String detail, long at) {
  enum Type {
    /** The member's alert for the key opened (it sees the condition). */
    OPENED,
    /** The member's alert for the key resolved. */
    RESOLVED,
    /** The member sent a page step. */
    PAGED,
    /** Someone acknowledged the alert on the member. */
    ACKED
  }

  LogEntry {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(member, "member");
  }
}
