package io.oobwatch.watchdog.page;

import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.store.Delivery;
import io.oobwatch.watchdog.store.Outbox;
import io.oobwatch.watchdog.store.OutboxEntry;
import io.oobwatch.watchdog.store.Outgoing;
import io.oobwatch.watchdog.store.TestPage;
import io.oobwatch.watchdog.store.TestPageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every sent message and call to its final status: a 201 from Twilio means queued, not
 * received. Two sources, judged alike ({@link Receipt}): Twilio's status callbacks
 * ({@link #report}, when {@code http.public_url} is set) and a lookup by SID ({@link #check}, always:
 * at the first pass after sending, then after {@link #FIRST_POLL}, doubling to {@link #MAX_POLL}). An SMS with
 * no {@code delivered} within {@code delivery_timeout} counts as not received (some carriers send no
 * receipt); a call with no final status within {@link #CALL_TIMEOUT} too.
 *
 * <p>The final state is recorded on the outbox rows sent under that SID, once. When it reached
 * nobody (undelivered, failed, no-answer, busy, voicemail, no receipt) each of those pages is handed
 * to {@code reachedNobody}, which pages the next route. Thread-safe without a lock held across a
 * lookup (callbacks arrive on the HTTP server's I/O threads and must not wait for one): the store
 * records a SID's final state once ({@link Outbox#delivered}), and only that caller moves the page
 * on. {@link #check} runs on one thread at a time.
 *
 * <p>Test pages ({@code oobwatch page-test} through the daemon) are followed the same way; where one
 * ended is recorded on it, and it moves nothing on.
 */
public final class DeliveryWatch {
  private static final Logger log = LoggerFactory.getLogger(DeliveryWatch.class);
  static final Duration FIRST_POLL = Duration.ofSeconds(2);
  static final Duration MAX_POLL = Duration.ofSeconds(15);
  /** A call rings about a minute and speaks for less; with no final status after this, it reached nobody known. */
  static final Duration CALL_TIMEOUT = Duration.ofMinutes(10);

  private record Poll(Instant next, Duration interval) {}

  /** A message or call followed by its SID: a page's (the outbox) or a test page's. */
  private record Followed(String sid, boolean call, String recipient, Instant sentAt) {}

  private final Outbox outbox;
  private final TestPageStore testPages;
  private final Pager pager;
  private final Clock clock;
  private final Duration deliveryTimeout;
  private final Consumer<OutboxEntry> reachedNobody;
  private final Map<String, Poll> polls = new ConcurrentHashMap<>();

  /**
   * @param testPages test pages, followed alike; where one ended is recorded and moves nothing on
   * @param deliveryTimeout how long an SMS may go without a delivery receipt
   * @param reachedNobody told, for each page of a message or call that reached nobody, after its
   *     state was recorded (the row carries it); must not block
   */
  public DeliveryWatch(Outbox outbox, TestPageStore testPages, Pager pager, Clock clock, Duration deliveryTimeout,
      Consumer<OutboxEntry> reachedNobody) {
    this.outbox = outbox;
    this.testPages = testPages;
    this.pager = pager;
    this.clock = clock;
    this.deliveryTimeout = deliveryTimeout;
    this.reachedNobody = reachedNobody;
  }

  /** One pass: looks up each message and call whose poll is due, and judges the timeouts. */
  public void check() {
    Instant now = clock.instant();
    Instant since = now.minus(followFor(deliveryTimeout));
    Map<String, Followed> bySid = new LinkedHashMap<>();
    for (OutboxEntry e : outbox.awaitingDelivery(since)) {
      bySid.putIfAbsent(e.sid(), new Followed(e.sid(), Outgoing.CALL.equals(e.channel()), e.recipient(),
          e.sentAt() == null ? e.createdAt() : e.sentAt()));
    }
    for (TestPage t : testPages.awaitingDelivery(since)) {
      bySid.putIfAbsent(t.sid(), new Followed(t.sid(), Outgoing.CALL.equals(t.channel()), t.recipient(), t.sentAt()));
    }
    polls.keySet().retainAll(bySid.keySet());
    for (Followed f : bySid.values()) {
      Duration limit = f.call() ? CALL_TIMEOUT : deliveryTimeout;
      boolean timedOut = !now.isBefore(f.sentAt().plus(limit));
      Poll poll = polls.get(f.sid());
      // at the timeout, one last lookup: the receipt may have come since the previous one
      if (poll != null && now.isBefore(poll.next()) && !timedOut) {
        continue;
      }
      Duration wait = poll == null ? FIRST_POLL : min(poll.interval().multipliedBy(2), MAX_POLL);
      polls.put(f.sid(), new Poll(now.plus(wait), wait));
      if (!lookUp(f) && timedOut) {
        record(f.sid(), new Receipt("timeout", Delivery.State.NO_RECEIPT, 0,
            "no delivery receipt within " + Durations.format(limit)));
      }
    }
  }

  /**
   * How long after sending a page is followed: twice its timeout, so a page is judged (at its
   * timeout) before it is dropped; pages sent longer ago than this while oobwatch was down, or by a
   * version that did not follow delivery, are not judged late.
   */
  public static Duration followFor(Duration deliveryTimeout) {
    return (deliveryTimeout.compareTo(CALL_TIMEOUT) > 0 ? deliveryTimeout : CALL_TIMEOUT).multipliedBy(2);
  }

  // true when the lookup gave a final state
  private boolean lookUp(Followed f) {
    try {
      Receipt r = pager.receipt(f.sid(), f.call());
      return r.isFinal() && record(f.sid(), r);
    } catch (PageException ex) {
      log.warn("delivery of the {} to {} not known yet: {}", f.call() ? "call" : "SMS", f.recipient(), ex.getMessage());
      return false;
    }
  }

  /**
   * A status callback: Twilio's {@code MessageStatus} or {@code CallStatus} for {@code sid}, with
   * {@code ErrorCode} and {@code AnsweredBy} when it sent them. Ignored unless it is final and the
   * SID is one of ours still waiting.
   */
  public void report(String sid, boolean call, String status, Integer errorCode, String answeredBy) {
    Receipt r = call ? Receipt.call(status, errorCode, answeredBy) : Receipt.sms(status, errorCode);
    if (r.isFinal()) {
      record(sid, r);
    }
  }

  // Records the final state once; true when it was ours to record.
  private boolean record(String sid, Receipt r) {
    Delivery d = new Delivery(r.outcome(), r.code(), r.detail(), clock.instant());
    List<OutboxEntry> rows = outbox.delivered(sid, d);
    polls.remove(sid);
    if (rows.isEmpty()) {
      return testPages.delivered(sid, d).map(this::testPageEnded).isPresent();
    }
    OutboxEntry first = rows.get(0);
    String what = Outgoing.CALL.equals(first.channel()) ? "call" : "SMS";
    if (!d.state().reachedNobody()) {
      Instant sentAt = first.sentAt() == null ? first.createdAt() : first.sentAt();
      log.info("{} to {} {} in {} ({})", what, first.recipient(), d.state().word(),
          Durations.format(Duration.between(sentAt, d.at())), sid);
      return true;
    }
    log.error("{} to {} REACHED NOBODY: {}: {} ({}); the next route is paged unless the alert was acknowledged or"
        + " resolved", what, first.recipient(),
        d.state().word(), d.detail(), sid);
    for (OutboxEntry e : rows) {
      try {
        reachedNobody.accept(e);
      } catch (RuntimeException ex) {
        log.error("page {}: the next route could not be written", e.id(), ex);
      }
    }
    return true;
  }

  // a test page moves nothing on: its outcome is recorded, and said in the log
  private TestPage testPageEnded(TestPage t) {
    String what = Outgoing.CALL.equals(t.channel()) ? "test call" : "test SMS";
    Delivery d = t.delivery();
    if (d.state().reachedNobody()) {
      log.warn("{} to {} REACHED NOBODY: {}: {} ({}); real pages to {} may not arrive either", what, t.recipient(),
          d.state().word(), d.detail(), t.sid(), t.recipient());
    } else {
      log.info("{} to {} {} in {} ({})", what, t.recipient(), d.state().word(),
          Durations.format(Duration.between(t.sentAt(), d.at())), t.sid());
    }
    return t;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
