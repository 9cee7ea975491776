package io.oobwatch.watchdog.cluster;

import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.page.PageGate;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.OutboxEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Which member sends a page step: one page per alert step for the whole cluster, and still a page
 * when members fail or lose sight of each other.
 *
 * <ul>
 *   <li>A step another member already sent in this incident (the notification log shows it) is not
 *       sent again here ({@link Verdict#SKIP}).
 *   <li>The member of rank i holds a step for i × {@code peer_timeout} after it became due here (or
 *       after the cluster agreed on the condition, if later), then sends it unless the log shows it
 *       sent: the coordinator pages at once, the next member one peer_timeout later if the
 *       coordinator did not, and so on.
 *   <li>An alert step pages only once {@code agree} members in the view see the condition (capped
 *       by the members in the view: a partition's side pages on its own, failing open).
 *   <li>A resolve notice waits while another member in the view still has the alert open: the
 *       member that resolves last sends the one notice.
 * </ul>
 */
public final class ClusterGate implements PageGate {
  private final ClusterView view;
  private final NotificationLog log;
  private final Consumer<LogEntry> publish;
  private final Duration peerTimeout;
  private final int agree;
  private final AtomicLong heldBack = new AtomicLong();
  private final AtomicLong sentHere = new AtomicLong();

  ClusterGate(ClusterView view, NotificationLog log, Consumer<LogEntry> publish, Duration peerTimeout, int agree) {
    this.view = view;
    this.log = log;
    this.publish = publish;
    this.peerTimeout = peerTimeout;
    this.agree = agree;
  }

  /** The gate of a member's channel, with its cluster's peer_timeout and agree. */
  public static ClusterGate of(ClusterChannel channel) {
    return new ClusterGate(channel, channel.notifications(), channel::publish, channel.config().peerTimeout(),
        channel.config().agree());
  }

  /** The key an alert has on every member: what it is about and which rule raised it. */
  static String key(Alert a) {
    return a.subject() + "/" + a.rule();
  }

  /** Which step and person a page is, the same on every member ("e0:s1:sms:alice", "resolve:sms:alice"). */
  static String step(OutboxEntry p) {
    String prefix = "a" + p.alertId() + ":";
    if (p.dedupe() != null && p.dedupe().startsWith(prefix)) {
      return p.dedupe().substring(prefix.length());
    }
    return p.event() + ":" + p.channel() + ":" + p.recipient();
  }

  @Override
  public Decision admit(OutboxEntry page, Alert alert, Instant now) {
    String key = key(alert);
    String step = step(page);
    List<String> members = view.members();
    Set<String> present = new HashSet<>(members);
    Instant since = log.incidentStart(key, alert.openedAt(), present);
    Optional<LogEntry> sent = log.sent(key, step, since);
    if (sent.isPresent()) {
      heldBack.incrementAndGet();
      LogEntry e = sent.get();
      return new Decision(Verdict.SKIP, "sent by " + e.member() + (e.detail() == null ? "" : " (" + e.detail() + ")"));
    }
    Instant from = page.createdAt();
    if (!"resolve".equals(page.event())) {
      int need = Math.min(agree, members.size());
      List<Long> seen = new ArrayList<>();
      for (NotificationLog.Episode ep : log.episodes(key)) {
        if (ep.to() == null && present.contains(ep.member()) && !ep.member().equals(view.self())) {
          seen.add(ep.from());
        }
      }
      if (alert.open()) {
        seen.add(alert.openedAt().toEpochMilli());
      }
      if (seen.size() < need) {
        return new Decision(Verdict.HOLD, "seen by " + seen.size() + " of the " + need + " members that must agree");
      }
      seen.sort(null);
      Instant agreed = Instant.ofEpochMilli(seen.get(need - 1));
      from = agreed.isAfter(from) ? agreed : from;
    } else {
      Set<String> others = log.firing(key, present);
      others.remove(view.self());
      if (!others.isEmpty()) {
        return new Decision(Verdict.HOLD, "still firing on " + String.join(", ", others));
      }
    }
    int rank = Math.max(members.indexOf(view.self()), 0);
    Instant turn = from.plus(peerTimeout.multipliedBy(rank));
    if (now.isBefore(turn)) {
      return new Decision(Verdict.HOLD, "left to " + members.get(0) + " (rank 0) for "
          + Durations.format(Duration.between(now, turn)) + "; this member is rank " + rank);
    }
    return Decision.SEND;
  }

  @Override
  public void sent(OutboxEntry page, Alert alert, String sid, Instant at) {
    sentHere.incrementAndGet();
    // with the alert's opening (the sync tells it within a second too): the others tie the page to this incident
    publish.accept(new LogEntry(LogEntry.Type.OPENED, key(alert), view.self(), null, null,
        alert.openedAt().toEpochMilli()));
    publish.accept(new LogEntry(LogEntry.Type.PAGED, key(alert), view.self(), step(page), sid, at.toEpochMilli()));
  }

  /** Pages this member held back because another member had sent them. */
  public long heldBack() {
    return heldBack.get();
  }

  /** Pages (messages and calls, per alert) this member sent. */
  public long sentHere() {
    return sentHere.get();
  }
}
