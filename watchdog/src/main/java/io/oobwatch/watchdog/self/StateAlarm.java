package io.oobwatch.watchdog.self;

import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.page.Page;
import io.oobwatch.watchdog.page.PageException;
import io.oobwatch.watchdog.page.Pager;
import io.oobwatch.watchdog.store.WriteFailure;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * oobwatch's own state cannot be written (a full or broken disk): then no alert can be recorded and
 * no page can go through the outbox, so this says so without either. {@link #check()}, run every
 * second, logs one line a minute while writes fail, and pages the first on-call straight through
 * the channel, once per outage (remembered in memory, the only place that still works), at most
 * once per {@link #REPAGE_AFTER}; {@link #trouble()} is what /healthz, systemd's watchdog and the
 * dead man's switch report meanwhile. Recovery is the next write that succeeds.
 */
public final class StateAlarm {
  private static final Logger log = LoggerFactory.getLogger(StateAlarm.class);
  static final Duration LOG_EVERY = Duration.ofMinutes(1);
  /** A disk that comes and goes pages at most this often. */
  static final Duration REPAGE_AFTER = Duration.ofHours(1);
  static final Duration RETRY_PAGE = Duration.ofSeconds(30);

  private final String host;
  private final Path file;
  private final Supplier<Optional<WriteFailure>> writes;
  private final Pager pager;
  private final Page to;
  private final Clock clock;
  private volatile String trouble;
  private Instant since;
  private Instant loggedAt;
  private Instant pagedAt;
  private Instant pageTriedAt;

  /**
   * @param host this machine's name, as the page says it
   * @param file the state file, named in the log line
   * @param writes whether writes fail now
   * @param to the first on-call (its body unused), or null when nobody is configured
   */
  public StateAlarm(String host, Path file, Supplier<Optional<WriteFailure>> writes, Pager pager, Page to, Clock clock) {
    this.host = host;
    this.file = file;
    this.writes = writes;
    this.pager = pager;
    this.to = to;
    this.clock = clock;
  }

  /** Why oobwatch cannot keep its state ("cannot write its state ...: disk full since ..."), or null. */
  public String trouble() {
    return trouble;
  }

  /** Looks at the store's writes once: logs, pages or recovers. Never throws. */
  public synchronized void check() {
    try {
      Instant now = clock.instant();
      Optional<WriteFailure> failure = writes.get();
      if (failure.isEmpty()) {
        if (since != null) {
          log.warn("state writable again: {} after {} of failed writes", file, Durations.format(Duration.between(since, now)));
        }
        since = null;
        loggedAt = null;
        trouble = null;
        return;
      }
      WriteFailure f = failure.get();
      if (since == null) {
        since = now;
      }
      trouble = "cannot write its state in " + file + ": " + f.reason() + " since " + since;
      if (loggedAt == null || !now.isBefore(loggedAt.plus(LOG_EVERY))) {
        loggedAt = now;
        log.error("STATE NOT WRITABLE: {} for {} ({} writes failed; SQLite: {}); alerts cannot be recorded, "
            + "/healthz is 503 and the systemd watchdog is not pinged; free space or fix the disk of {}",
            f.reason(), Durations.format(Duration.between(since, now)), f.failedWrites(), f.detail(), file.getParent());
      }
      page(f, now);
    } catch (RuntimeException e) {
      log.error("state alarm: {}", e.toString());
    }
  }

  private void page(WriteFailure f, Instant now) {
    if (to == null || (pagedAt != null && now.isBefore(pagedAt.plus(REPAGE_AFTER)))
        || (pageTriedAt != null && now.isBefore(pageTriedAt.plus(RETRY_PAGE)))) {
      return;
    }
    pageTriedAt = now;
    String text = "oobwatch cannot write its state on " + host + ": " + f.reason();
    try {
      String id = pager.send(new Page(to.to(), to.phone(), text));
      pagedAt = now;
      log.error("paged {} directly, without the outbox: {} ({})", to.to(), text, id);
    } catch (PageException | RuntimeException e) {
      log.error("could not page {} that the state is not writable (retrying in {}): {}", to.to(),
          Durations.format(RETRY_PAGE), e.getMessage());
    }
  }
}
