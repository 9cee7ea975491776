package io.oobwatch.watchdog.page;

import io.oobwatch.watchdog.store.OutboxEntry;
import io.oobwatch.watchdog.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox. The one place where pages are retried: a retryable failure (429, 5xx, network)
 * is tried again with exponential backoff; a permanent one (invalid number, bad credentials) is
 * marked failed and reported, not retried blindly. Pages were written to the store before they
 * reach here, so a crash at any point loses none: after a restart, whatever was not marked sent is
 * sent. The only possible duplicate is a page the channel accepted in the instant before the crash
 * recorded it.
 */
public final class PageDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PageDispatcher.class);
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration MAX_RETRY = Duration.ofMinutes(5);

  private final Store store;
  private final Pager pager;
  private final Clock clock;
  private final Semaphore wake = new Semaphore(0);
  private volatile boolean running;
  private Thread thread;

  public PageDispatcher(Store store, Pager pager, Clock clock) {
    this.store = store;
    this.pager = pager;
    this.clock = clock;
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

  /** New pages are in the outbox: send them now rather than at the next check. */
  public void wake() {
    wake.release();
  }

  /** One pass over the due pages. Returns how many were sent. */
  public int sendDue() {
    int sent = 0;
    for (OutboxEntry e : store.duePages(clock.instant())) {
      Page page = new Page(e.recipient(), e.phone(), e.body());
      try {
        String sid = pager.send(page);
        store.pageSent(e.id(), sid, clock.instant());
        sent++;
        log.info("page {} ({} for alert {}) sent to {}: {}", e.id(), e.event(), e.alertId(), e.recipient(), sid);
      } catch (PageException ex) {
        if (ex.retryable()) {
          Duration wait = backoff(e.attempts() + 1);
          store.pageFailed(e.id(), ex.getMessage(), clock.instant().plus(wait));
          log.warn("page {} to {} not sent (attempt {}), retrying in {}: {}", e.id(), e.recipient(),
              e.attempts() + 1, wait, ex.getMessage());
        } else {
          store.pageFailed(e.id(), ex.getMessage(), null);
          log.error("page {} to {} FAILED for good (alert {}): {}", e.id(), e.recipient(), e.alertId(), ex.getMessage());
        }
      } catch (RuntimeException ex) {
        Duration wait = backoff(e.attempts() + 1);
        store.pageFailed(e.id(), "internal error: " + ex, clock.instant().plus(wait));
        log.error("page {} to {}: internal error, retrying in {}", e.id(), e.recipient(), wait, ex);
      }
    }
    return sent;
  }

  /** 1s, 2s, 4s, ... capped at 5 minutes. */
  static Duration backoff(int attempt) {
    long seconds = FIRST_RETRY.getSeconds() << Math.min(Math.max(attempt - 1, 0), 16);
    return seconds > MAX_RETRY.getSeconds() ? MAX_RETRY : Duration.ofSeconds(seconds);
  }

  private void loop() {
    while (running) {
      try {
        sendDue();
      } catch (RuntimeException e) {
        log.error("outbox pass failed; retrying", e);
      }
      try {
        wake.tryAcquire(1, TimeUnit.SECONDS);
        wake.drainPermits();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Pending pages in the outbox (for status). */
  public long pending(Instant now) {
    return store.duePages(Instant.MAX).size();
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
