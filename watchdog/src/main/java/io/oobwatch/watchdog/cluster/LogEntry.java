package io.oobwatch.watchdog.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param silence for SILENCED and SILENCE_LIFTED: which silence (for those, {@code key} is its subject); else null
 */
// absent fields are left out of the JSON: a member whose LogEntry lacks a field still reads the
// facts that do not use it (members are upgraded one at a time)
@JsonInclude(JsonInclude.Include.NON_NULL)
record LogEntry(Type type, String key, String member, String step, String detail, long at, Window silence) {
  enum Type {
    /** The member's alert for the key opened (it sees the condition). */
    OPENED,
    /** The member's alert for the key resolved. */
    RESOLVED,
    /** The member sent a page step. */
    PAGED,
    /** Someone acknowledged the alert on the member. */
    ACKED,
    /** Someone silenced the subject on the member; {@code at} is when the silence began. */
    SILENCED,
    /** Someone lifted the silence on the member before it ran out; {@code at} is when. */
    SILENCE_LIFTED
  }

  /**
   * A silence as every member knows it. A silence is the same on every member by its subject and
   * {@code from}: a member applying another's silence keeps that {@code from}, so it can tell it
   * applied it already and which of its own silences a lift is about.
   *
   * @param from when it began, epoch milliseconds on the member that took it
   * @param until when it runs out, epoch milliseconds
   */
  record Window(long from, long until, String reason, String by) {}

  /** A fact that is not about a silence. */
  LogEntry(Type type, String key, String member, String step, String detail, long at) {
    this(type, key, member, step, detail, at, null);
  }

  LogEntry {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(member, "member");
  }
}
