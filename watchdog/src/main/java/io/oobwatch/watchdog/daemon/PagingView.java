package io.oobwatch.watchdog.daemon;

import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.page.FailoverPager;
import io.oobwatch.watchdog.page.PageDispatcher;
import io.oobwatch.watchdog.status.AlertStatus;
import io.oobwatch.watchdog.status.PagingStatus;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.Delivery;
import io.oobwatch.watchdog.store.Escalating;
import io.oobwatch.watchdog.store.OutboxEntry;
import io.oobwatch.watchdog.store.Outgoing;
import io.oobwatch.watchdog.store.TestPage;
import io.oobwatch.watchdog.store.TestPageStore;
import io.oobwatch.watchdog.store.Silence;
import io.oobwatch.watchdog.store.AlertStore;
import io.oobwatch.watchdog.store.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts and the paging side as {@code /status} shows them: read from the store by {@link
 * #refresh()} on the daemon's evaluation threads, published whole, so {@link #current()} answers
 * from memory on the HTTP server's I/O thread. Refreshed after an ack or a silence, and on the
 * escalation tick ({@link #tick()}): every second while anything is open, pending, silenced, was
 * just queued or a round judged something ({@link #changed()}), else every {@link #QUIET_REFRESH}
 * (a quiet daemon pays for one reading per period, not one per second; a busy one for one a second,
 * not one per judged canary).
 */
final class PagingView {
  private static final Logger log = LoggerFactory.getLogger(PagingView.class);
  /** How many of the newest pages {@code /status} lists (and paging trouble is judged from). */
  static final int RECENT_PAGES = 20;
  /** How far back resolved alerts and pages that failed for good are listed. */
  static final Duration LOOKBACK = Duration.ofDays(1);
  /** How often a daemon with nothing open or pending reads the paging side again. */
  static final Duration QUIET_REFRESH = Duration.ofSeconds(10);

  /**
   * One published reading.
   *
   * @param alerts firing alerts, and those resolved in the last day
   * @param firing how many alerts fire now
   * @param problem why paging is in trouble, null while it is not
   */
  record Published(List<AlertStatus> alerts, long firing, PagingStatus paging, PagingProblem problem) {}

  /** @param kind "retrying" (a send failed, a retry is due) or "failed" (given up: fix config or number) */
  record PagingProblem(String kind, String text) {}

  private final Clock clock;
  private final AlertStore store;
  private final Outbox outbox;
  private final TestPageStore testPages;
  private final Alerts alerts;
  private final PageDispatcher dispatcher;
  private volatile Published current;
  private volatile boolean changed;
  private Instant refreshedAt = Instant.MIN;

  PagingView(Clock clock, AlertStore store, Outbox outbox, TestPageStore testPages, Alerts alerts,
      PageDispatcher dispatcher) {
    this.clock = clock;
    this.store = store;
    this.outbox = outbox;
    this.testPages = testPages;
    this.alerts = alerts;
    this.dispatcher = dispatcher;
    // until a first reading succeeds: nothing known, nothing shown
    this.current = new Published(List.of(), 0, new PagingStatus(dispatcher.pager().describe(), 0, 0, List.of(), null,
        List.of(), List.of(), List.of(), null, null, null, null), null);
    refresh();
  }

  /** The last published reading. */
  Published current() {
    return current;
  }

  /**
   * Something may have changed (pages were queued, a round judged canaries or signals): the next
   * {@link #tick()} reads again.
   */
  void changed() {
    changed = true;
  }

  /** The escalation tick: refreshes when something may be moving, or the quiet period is over. */
  synchronized void tick() {
    Published p = current;
    boolean busy = changed || p.firing() > 0 || p.problem() != null || p.paging().pending() > 0
        || !p.paging().escalations().isEmpty() || !p.paging().silences().isEmpty()
        || unsettled(p.paging().lastTestSms()) || unsettled(p.paging().lastTestCall());
    if (busy || !clock.instant().isBefore(refreshedAt.plus(QUIET_REFRESH))) {
      refresh();
    }
  }

  /**
   * Reads the alerts, the newest pages, the escalations and the silences, and publishes them.
   * A failing read keeps the previous reading (logged); the next refresh tries again.
   */
  synchronized void refresh() {
    changed = false;
    try {
      Instant now = clock.instant();
      current = read(now);
      refreshedAt = now;
    } catch (RuntimeException e) {
      log.warn("status of alerts and paging not refreshed (showing the previous one): {}", e.toString());
    }
  }

  private Published read(Instant now) {
    List<Alert> recent = store.alerts(now.minus(LOOKBACK));
    long firing = recent.stream().filter(a -> a.state() == Alert.State.FIRING).count();
    List<OutboxEntry> pages = outbox.pages(RECENT_PAGES);
    long pending = pages.stream().filter(e -> e.state() == OutboxEntry.State.PENDING).count();
    long failed = pages.stream().filter(e -> e.state() == OutboxEntry.State.FAILED).count();
    PagingProblem problem = pagingProblem(pages);
    String primaryProblem = dispatcher.pager() instanceof FailoverPager f ? f.problem() : null;
    PagingStatus paging = new PagingStatus(
        dispatcher.pager().describe(),
        pending,
        failed,
        pages.stream().map(PagingView::page).toList(),
        primaryProblem,
        alerts.open().stream().map(this::escalation).toList(),
        alerts.silences().stream().map(PagingView::silence).toList(),
        outbox.failedPages(now.minus(LOOKBACK)).stream().map(PagingView::failedPage).toList(),
        problem == null ? null : problem.text(),
        problem == null ? null : problem.kind(),
        testPages.latest(Outgoing.SMS).map(PagingView::testPage).orElse(null),
        testPages.latest(Outgoing.CALL).map(PagingView::testPage).orElse(null));
    return new Published(recent.stream().map(PagingView::alert).toList(), firing, paging, problem);
  }

  /**
   * Paging is in trouble when a page is waiting for a retry (the channel failed at least once:
   * Twilio unreachable, 5xx, 429) or when the newest page that reached an end failed for good.
   */
  static PagingProblem pagingProblem(List<OutboxEntry> pages) {
    long newestSent = pages.stream().filter(e -> e.state() == OutboxEntry.State.SENT)
        .mapToLong(OutboxEntry::id).max().orElse(0);
    for (OutboxEntry e : pages) {
      if (e.state() == OutboxEntry.State.PENDING && e.attempts() > 0) {
        return new PagingProblem(PagingStatus.RETRYING,
            "page " + e.id() + " to " + e.recipient() + " not sent after " + e.attempts() + " attempt(s): " + e.lastError());
      }
      if (e.state() == OutboxEntry.State.FAILED && e.id() > newestSent) {
        return new PagingProblem(PagingStatus.FAILED, "page " + e.id() + " to " + e.recipient() + " failed: " + e.lastError());
      }
    }
    return null;
  }

  private static String lower(Enum<?> state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  private static AlertStatus alert(Alert a) {
    return new AlertStatus(a.id(), a.subject(), a.rule(), lower(a.state()), a.stage(), a.summary(), a.openedAt(),
        a.resolvedAt());
  }

  private static PagingStatus.Page page(OutboxEntry e) {
    Delivery d = e.delivery();
    Double seconds = d == null || e.sentAt() == null ? null
        : Math.max(0, Duration.between(e.sentAt(), d.at()).toMillis()) / 1000.0;
    return new PagingStatus.Page(e.id(), e.alertId(), e.event(), e.recipient(), lower(e.state()), e.channel(),
        e.attempts(), e.sid(), e.lastError(), d == null ? null : d.state().word(), d == null ? null : d.detail(),
        seconds);
  }

  private static boolean unsettled(PagingStatus.TestPage t) {
    return t != null && !t.settled();
  }

  /** A test page as /status and the test page endpoint show it: the phone masked. */
  static PagingStatus.TestPage testPage(TestPage t) {
    Delivery d = t.delivery();
    String state = t.sending() ? PagingStatus.SENDING : t.sid() != null ? PagingStatus.SENT : PagingStatus.NOT_SENT;
    Double seconds = d == null || t.sentAt() == null ? null
        : Math.max(0, Duration.between(t.sentAt(), d.at()).toMillis()) / 1000.0;
    return new PagingStatus.TestPage(t.id(), t.recipient(), masked(t.phone()), t.channel(), t.requestedAt(), state,
        t.via(), t.sid(), t.error(), d == null ? null : d.state().word(), d == null ? null : d.detail(), seconds);
  }

  /** "+4477…89": enough to tell which number it was, not the whole number, as /status needs no token. */
  static String masked(String phone) {
    return phone.length() <= 8 ? "…" + phone.substring(Math.max(0, phone.length() - 2))
        : phone.substring(0, 5) + "…" + phone.substring(phone.length() - 2);
  }

  private PagingStatus.Escalation escalation(Escalating e) {
    Alert a = e.alert();
    if (e.ackedAt() != null) {
      return new PagingStatus.Escalation(a.id(), a.subject(), lower(a.state()), e.ackedBy(), e.ackedAt(),
          alerts.escalation().rearmAt(e.ackedAt()), null, null, null);
    }
    if (e.silenced()) {
      return new PagingStatus.Escalation(a.id(), a.subject(), lower(a.state()), null, null, null, true, null, null);
    }
    return new PagingStatus.Escalation(a.id(), a.subject(), lower(a.state()), null, null, null, null, e.nextStep(),
        alerts.escalation().nextDue(e.epochAt(), e.nextStep()).orElse(null));
  }

  private static PagingStatus.SilenceStatus silence(Silence s) {
    return new PagingStatus.SilenceStatus(s.id(), s.subject(), s.until(), s.reason(), s.by());
  }

  private static PagingStatus.FailedPage failedPage(OutboxEntry e) {
    return new PagingStatus.FailedPage(e.id(), e.alertId(), e.recipient(), e.channel(), String.valueOf(e.lastError()));
  }
}
