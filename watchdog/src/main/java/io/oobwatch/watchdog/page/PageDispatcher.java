package io.oobwatch.watchdog.page;

import io.oobwatch.watchdog.store.Outbox;
import io.oobwatch.watchdog.store.OutboxEntry;
import io.oobwatch.watchdog.store.Outgoing;
import io.oobwatch.watchdog.store.StateStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox. The one place where pages are retried: a retryable failure (429, 5xx, network)
 * is tried again with exponential backoff; a permanent one is marked failed and reported, not
 * retried blindly, and when it concerns the recipient (invalid number, STOP, not a mobile) the page
 * goes to the next person instead. Pages were written to the store before they reach here, so a
 * crash at any point loses none: after a restart, whatever was not marked sent is sent. Before each
 * request the pages are marked as being sent, and a text carries its outbox key (" (p16)"); a page
 * found so marked after a restart is first looked up in the channel's list of sent messages, and
 * marked sent with the id found there instead of going again. Only when that cannot be told (the
 * lookup fails; calls are not looked up) does it go again, marked "(repeat)".
 *
 * <p>Grouping and wording are {@link PageWording}'s: all due pages to one phone on one channel go
 * out as one message (or one call). A pass waits while an evaluation round is still queueing
 * pages ({@link #holdWhile}), so one round's alerts are always sent together; and after a wake it
 * waits until pages have stopped arriving for {@link #GROUP_QUIET} (at most {@link #GROUP_MAX}),
 * so bursts from rounds on several threads at once are grouped too. Cap: at most
 * {@code maxPerHour} messages and calls per phone per hour, alerts first: resolve notices never
 * count against an alert, and are held back themselves once the cap is full; pages beyond it are
 * marked suppressed, and the next message that reaches the person says how many alerts and notices
 * were held back.
 */
public final class PageDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PageDispatcher.class);
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  /** How often an idle dispatcher looks at the outbox anyway (pages written by another process). */
  static final Duration IDLE_CHECK = Duration.ofSeconds(10);
  /** Later than any page's next attempt, and still representable in epoch milliseconds. */
  static final Instant FAR_FUTURE = Instant.ofEpochMilli(Long.MAX_VALUE);
  static final Duration MAX_RETRY = Duration.ofMinutes(5);
  static final Duration GROUP_QUIET = Duration.ofMillis(100);
  static final Duration GROUP_MAX = Duration.ofSeconds(3);
  /** How far before the interrupted attempt the channel's list is read (its clock may differ from ours). */
  static final Duration LOOKUP_SLACK = Duration.ofMinutes(5);
  /** How a text starts that may reach its person a second time. */
  static final String REPEAT = "(repeat) ";

  /**
   * How pages are put together and rerouted.
   *
   * @param instance this oobwatch's name, for grouped texts and calls
   * @param maxPerHour messages and calls per phone per hour; 0 for no cap
   * @param publicUrl where Twilio posts "press 1" of a page call; null: calls offer no keypress ack
   * @param nextPerson the person to page instead of one who cannot be reached (name → a page whose
   *     {@code to} and {@code phone} say who), or empty
   */
  public record Settings(String instance, int maxPerHour, String publicUrl, Function<String, Optional<Page>> nextPerson) {
    public static Settings plain(String instance) {
      return new Settings(instance, 0, null, name -> Optional.empty());
    }
  }

  private final Outbox outbox;
  private final Pager pager;
  private final Clock clock;
  private final Settings settings;
  private final PageWording wording;
  private final Pauses pauses;
  private final PageGate gate;
  private final Semaphore wake = new Semaphore(0);
  private volatile BooleanSupplier roundOpen = () -> false;
  private volatile boolean running;
  private Thread thread;

  public PageDispatcher(Outbox outbox, Pager pager, Clock clock) {
    this(outbox, pager, clock, Settings.plain("oobwatch"));
  }

  public PageDispatcher(Outbox outbox, Pager pager, Clock clock, Settings settings) {
    this(outbox, pager, clock, settings, Pauses.NONE);
  }

  /** @param pauses where sending may be held (a crash test's); {@link Pauses#NONE} in the daemon */
  public PageDispatcher(Outbox outbox, Pager pager, Clock clock, Settings settings, Pauses pauses) {
    this(outbox, pager, clock, settings, pauses, PageGate.ALONE);
  }

  /**
   * @param gate whether a due page is this member's to send ({@link PageGate#ALONE} without a cluster)
   */
  public PageDispatcher(Outbox outbox, Pager pager, Clock clock, Settings settings, Pauses pauses, PageGate gate) {
    this.outbox = outbox;
    this.gate = gate;
    this.pager = pager;
    this.clock = clock;
    this.settings = settings;
    this.wording = new PageWording(settings.instance(), settings.publicUrl(), outbox::alert);
    this.pauses = pauses;
  }

  public Pager pager() {
    return pager;
  }

  /** Starts the sending thread; it sends at once whatever a previous run left unsent. */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    running = true;
    thread = new Thread(this::loop, "oobwatch-pager");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Passes wait while {@code roundOpen} says an evaluation round is still queueing pages (at most
   * {@link #GROUP_MAX}), so a round's pages go out together; the round wakes the dispatcher when
   * it ends. Call before {@link #start}.
   */
  public void holdWhile(BooleanSupplier roundOpen) {
    this.roundOpen = roundOpen;
  }

  /** New pages are in the outbox: send them now rather than at the next check. */
  public void wake() {
    wake.release();
  }

  /** One pass over the due pages, grouped per phone and channel. Returns how many messages/calls were sent. */
  public int sendDue() {
    return sendDue(Instant.MAX);
  }

  /** Sends the due pages written before {@code writtenBefore} (later ones may be part of a burst still arriving). */
  private int sendDue(Instant writtenBefore) {
    Instant now = clock.instant();
    int sent = 0;
    for (List<OutboxEntry> due : PageWording.groups(outbox.duePages(now), writtenBefore)) {
      try {
        List<OutboxEntry> group = admitted(due, now);
        if (group.isEmpty()) {
          continue;
        }
        sent += send(group, now) ? 1 : 0;
      } catch (StateStoreException ex) {
        throw ex; // marking the pages failed would fail too
      } catch (RuntimeException ex) {
        for (OutboxEntry e : due) {
          Duration wait = backoff(e.attempts() + 1);
          outbox.pageFailed(e.id(), "internal error: " + ex, clock.instant().plus(wait));
        }
        log.error("pages to {}: internal error, retrying", due.get(0).recipient(), ex);
      }
    }
    return sent;
  }

  /**
   * The pages of a group that are this oobwatch's to send now ({@link PageGate}): those another
   * member sent are cancelled here; those left to a member of lower rank wait for the next pass.
   */
  private List<OutboxEntry> admitted(List<OutboxEntry> due, Instant now) {
    List<OutboxEntry> mine = new java.util.ArrayList<>();
    for (OutboxEntry e : due) {
      Optional<io.oobwatch.watchdog.store.Alert> alert = outbox.alert(e.alertId());
      PageGate.Decision d = alert.isEmpty() ? PageGate.Decision.SEND : gate.admit(e, alert.get(), now);
      switch (d.verdict()) {
        case SEND -> mine.add(e);
        case SKIP -> {
          outbox.pagesHeldBack(List.of(e.id()), d.why());
          log.info("{} to {} for alert {} not sent here: {}", Outgoing.CALL.equals(e.channel()) ? "call" : "page",
              e.recipient(), e.alertId(), d.why());
        }
        case HOLD -> { }
      }
    }
    return mine;
  }

  // the other members learn what was sent, so that they hold it back
  private void told(List<OutboxEntry> group, String sid) {
    for (OutboxEntry e : group) {
      outbox.alert(e.alertId()).ifPresent(a -> gate.sent(e, a, sid, clock.instant()));
    }
  }

  private boolean send(List<OutboxEntry> group, Instant now) {
    OutboxEntry first = group.get(0);
    List<Long> ids = group.stream().map(OutboxEntry::id).collect(Collectors.toList());
    boolean call = Outgoing.CALL.equals(first.channel());
    // alerts come before resolve notices: an alert counts only the messages that carried alerts, a
    // notice on its own goes out only while everything sent stays under the cap (it rides along free
    // in a message that carries an alert), so notices can never crowd out the next alert
    boolean alerting = group.stream().anyMatch(e -> !e.event().equals("resolve"));
    int cap = settings.maxPerHour();
    Outbox.Sent lastHour = null;
    if (cap > 0) {
      lastHour = outbox.sentTo(first.phone(), now.minus(Duration.ofHours(1)));
      if ((alerting ? lastHour.alerts() : lastHour.all()) >= cap) {
        String why = "hourly cap of " + cap + " pages to " + first.recipient() + " reached";
        outbox.pagesSuppressed(ids, alerting ? why : "resolve notice held back: " + why + "; alerts still page");
        log.warn("{} {} to {} held back: hourly cap of {} reached (alerts {})", ids.size(),
            alerting ? "page(s)" : "resolve notice(s)", first.recipient(), cap, PageWording.alertIds(group));
        return false;
      }
    }
    String body = call ? wording.spoken(group) : wording.text(group);
    if (!call && cap > 0) {
      body = PageWording.capped(body, outbox.heldSinceLastSent(first.phone()), alerting && lastHour.alerts() == cap - 1, cap);
    }
    boolean repeat = false;
    List<OutboxEntry> interrupted = group.stream().filter(e -> e.sendingAt() != null).toList();
    if (!interrupted.isEmpty()) {
      Optional<Boolean> taken = takenBefore(interrupted, call);
      if (taken.isEmpty()) {
        return true;
      }
      repeat = taken.get();
    }
    if (!call) {
      body = (repeat ? REPEAT : "") + body + key(first.id());
    } else if (repeat) {
      body = "This may repeat an earlier call. " + body;
    }
    Page page = new Page(first.recipient(), first.phone(), body);
    // recorded before the request: a crash from here on leaves a page that the next run looks up
    outbox.pagesSending(ids, clock.instant());
    pauses.at(Pauses.Point.BEFORE_SEND);
    try {
      String sid = call ? pager.call(page, wording.ackUrl(group)) : pager.send(page);
      pauses.at(Pauses.Point.AFTER_SEND);
      outbox.pagesSent(ids, sid, clock.instant());
      told(group, sid);
      log.info("{} to {} sent ({} for alert{} {}): {}", call ? "call" : "page", first.recipient(), PageWording.events(group),
          group.size() == 1 ? "" : "s", PageWording.alertIds(group), sid);
      return true;
    } catch (PageException ex) {
      failed(group, ex);
      return false;
    }
  }

  /**
   * Pages whose last send was cut short (a crash between asking the channel and recording its
   * answer): empty when the channel's list shows the message, now marked sent with its id; else
   * whether the page must go again marked "(repeat)": false when the list shows it was never taken,
   * true when nobody can tell (the lookup failed, or a call, which is not looked up).
   */
  private Optional<Boolean> takenBefore(List<OutboxEntry> interrupted, boolean call) {
    OutboxEntry oldest = interrupted.get(0);
    if (call) {
      return Optional.of(true);
    }
    Instant since = interrupted.stream().map(OutboxEntry::sendingAt).min(Instant::compareTo).orElseThrow()
        .minus(LOOKUP_SLACK);
    List<Long> ids = interrupted.stream().map(OutboxEntry::id).toList();
    try {
      Optional<String> sid = pager.sentBefore(oldest.phone(), since, key(oldest.id()).strip());
      if (sid.isPresent()) {
        outbox.pagesSent(ids, sid.get(), clock.instant());
        told(interrupted, sid.get());
        log.info("page to {} was taken before the last run ended (alerts {}): {}; not sent again", oldest.recipient(),
            PageWording.alertIds(interrupted), sid.get());
        return Optional.empty();
      }
      log.info("page to {} was cut short by the last run's end and never taken (alerts {}); sending it",
          oldest.recipient(), PageWording.alertIds(interrupted));
      return Optional.of(false);
    } catch (PageException e) {
      log.warn("page to {} was cut short by the last run's end; cannot tell whether it was taken ({}); sending it"
          + " again marked (repeat)", oldest.recipient(), e.getMessage());
      return Optional.of(true);
    }
  }

  /**
   * The outbox key a text carries, so that a restart can find it in the channel's list: the page's
   * id in base 36, short enough for {@link SmsText#SEND_RESERVE_SEPTETS} (" (p16)" for page 42).
   */
  static String key(long pageId) {
    return " (p" + Long.toString(pageId, 36) + ")";
  }

  private void failed(List<OutboxEntry> group, PageException ex) {
    OutboxEntry first = group.get(0);
    if (ex.retryable()) {
      int attempts = group.stream().mapToInt(OutboxEntry::attempts).max().orElse(0) + 1;
      Duration wait = backoff(attempts);
      if (ex.retryWithin() != null && ex.retryWithin().compareTo(wait) < 0) {
        wait = ex.retryWithin().isNegative() ? Duration.ZERO : ex.retryWithin();
      }
      for (OutboxEntry e : group) {
        outbox.pageFailed(e.id(), ex.getMessage(), clock.instant().plus(wait));
      }
      log.warn("page to {} not sent (attempt {}), retrying in {}: {}", first.recipient(), attempts, wait, ex.getMessage());
      return;
    }
    for (OutboxEntry e : group) {
      outbox.pageFailed(e.id(), ex.getMessage(), null);
    }
    log.error("page to {} FAILED for good (alerts {}): {}", first.recipient(), PageWording.alertIds(group), ex.getMessage());
    if (ex.recipientProblem()) {
      reroute(group, ex);
    }
  }

  /** The pages go to the next person; written once per failed page (its id is the dedupe key). */
  private void reroute(List<OutboxEntry> group, PageException ex) {
    OutboxEntry first = group.get(0);
    Optional<Page> next = settings.nextPerson().apply(first.recipient());
    if (next.isEmpty() || next.get().phone().equals(first.phone())) {
      log.error("nobody else to page instead of {}; see oobwatch status", first.recipient());
      return;
    }
    String why = "(" + first.recipient() + " could not be reached: code " + ex.code() + ") ";
    for (OutboxEntry e : group) {
      if (e.event().equals("resolve")) {
        continue;
      }
      outbox.enqueue(e.alertId(), List.of(new Outgoing("reroute", next.get().to(), next.get().phone(), why + e.body(),
          e.channel(), "reroute:" + e.id())), clock.instant());
    }
    log.error("paging {} instead of {} for alerts {}", next.get().to(), first.recipient(), PageWording.alertIds(group));
    wake.release();
  }

  /** 1s, 2s, 4s, ... capped at 5 minutes. */
  static Duration backoff(int attempt) {
    long seconds = FIRST_RETRY.getSeconds() << Math.min(Math.max(attempt - 1, 0), 16);
    return seconds > MAX_RETRY.getSeconds() ? MAX_RETRY : Duration.ofSeconds(seconds);
  }

  // A woken pass comes after the burst settled and sends everything due; a periodic pass (retries,
  // pages left by a previous run) leaves pages written in the last GROUP_QUIET to the woken pass that
  // follows them, so it never splits a burst that is still arriving.
  private void loop() {
    boolean woken = false;
    while (running) {
      long waitMs = 1000;
      try {
        // after a round the pages it queued are complete: send everything due
        woken |= awaitRound();
        sendDue(woken ? Instant.MAX : clock.instant().minus(GROUP_QUIET));
        // pages waiting for a retry are checked every second; with none, new pages wake the loop
        // (Alerts and the escalation call wake()), so an idle dispatcher looks only every IDLE_CHECK
        if (outbox.duePages(FAR_FUTURE).isEmpty()) {
          waitMs = IDLE_CHECK.toMillis();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (StateStoreException e) {
        // the outbox cannot be written: the state alarm says it once a minute and pages directly
      } catch (RuntimeException e) {
        // never let the one thread that sends pages die: log, wait, try again
        log.error("outbox pass failed; retrying", e);
      }
      try {
        woken = wake.tryAcquire(waitMs, TimeUnit.MILLISECONDS);
        if (woken) {
          settle();
        }
        wake.drainPermits();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Waits, at most GROUP_MAX, while an evaluation round is open; true when it waited. */
  private boolean awaitRound() throws InterruptedException {
    if (!roundOpen.getAsBoolean()) {
      return false;
    }
    long deadline = System.nanoTime() + GROUP_MAX.toNanos();
    while (roundOpen.getAsBoolean() && System.nanoTime() < deadline) {
      wake.tryAcquire(5, TimeUnit.MILLISECONDS);
    }
    wake.drainPermits();
    return true;
  }

  // pages arriving in a burst from several threads are sent together
  private void settle() throws InterruptedException {
    long deadline = System.nanoTime() + GROUP_MAX.toNanos();
    while (System.nanoTime() < deadline && wake.tryAcquire(GROUP_QUIET.toMillis(), TimeUnit.MILLISECONDS)) {
      wake.drainPermits();
    }
  }

  @Override
  public synchronized void close() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      thread = null;
    }
  }
}
