package io.oobwatch.watchdog.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable page outbox: pages written with the alert change that caused them, before any
 * attempt to send them, and marked sent, failed or suppressed afterwards. Every method is durable
 * when it returns.
 */
public interface Outbox {

  /** Pending pages whose next attempt is due at {@code now}, oldest first. */
  List<OutboxEntry> duePages(Instant now);

  /** Every page not yet sent (pending or failed) plus the newest sent ones, newest first. */
  List<OutboxEntry> pages(int limit);

  void pageSent(long pageId, String sid, Instant at);

  /**
   * The channel is about to be asked to send these pages (one message or call): recorded before the
   * request, so that after a crash the next run knows the request may have reached the channel.
   */
  void pagesSending(List<Long> pageIds, Instant at);

  /** Records a failed attempt: retried at {@code retryAt}, or given up when it is null. */
  void pageFailed(long pageId, String error, Instant retryAt);

  /** How many pages the outbox holds in each state (for metrics); absent states count 0. */
  Map<OutboxEntry.State, Long> pageCounts();

  /** Writes pages for an alert outside its escalation (reroutes); rows whose dedupe key exists are skipped. */
  void enqueue(long alertId, List<Outgoing> pages, Instant at);

  /** Marks every row of a grouped send with the one id the channel gave it. */
  void pagesSent(List<Long> pageIds, String sid, Instant at);

  /** Holds pages back because of the hourly cap. */
  void pagesSuppressed(List<Long> pageIds, String why);

  /**
   * Cancels pages another member of the cluster already sent (or is to send): they are not this
   * member's to send. {@code why} says who sent them.
   */
  void pagesHeldBack(List<Long> pageIds, String why);

  /** Distinct messages and calls sent to {@code phone} since {@code since}. */
  Sent sentTo(String phone, Instant since);

  /** What the hourly cap held back from {@code phone} since the last text message that reached it. */
  Held heldSinceLastSent(String phone);

  /**
   * Messages and calls sent to one phone.
   *
   * @param all every one of them
   * @param alerts those that carried an alert, not only resolve notices
   */
  record Sent(int all, int alerts) {}

  /**
   * Pages the hourly cap held back.
   *
   * @param alerts alerts whose pages were suppressed
   * @param notices alerts whose resolve notices were held back
   */
  record Held(int alerts, int notices) {}

  /** Pages that failed for good since {@code since}, newest first. */
  List<OutboxEntry> failedPages(Instant since);

  /** Pages sent since {@code since} whose final delivery state is not known yet, oldest first. */
  List<OutboxEntry> awaitingDelivery(Instant since);

  /**
   * Records where the message or call {@code sid} ended, on every row sent under it; a state
   * recorded before is kept (the first final report wins). Returns the rows it changed.
   */
  List<OutboxEntry> delivered(String sid, Delivery delivery);

  /** How many sent messages and calls ended in each delivery state (for metrics); absent states count 0. */
  Map<Delivery.State, Long> deliveryCounts();

  /** The alert a page was written for (its subject and summary word a grouped page). */
  Optional<Alert> alert(long id);
}
