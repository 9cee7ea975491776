package io.oobwatch.watchdog.page;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary channel, and a fallback used when the primary cannot be: at once when it rejects its
 * credentials (Twilio 20003), and when it has failed retryably (unreachable, timeouts, 5xx, 429)
 * for longer than {@code after}. Each page is still one attempt per channel; the dispatcher retries.
 * While the fallback is in use the primary is tried again at most once a minute, and used again as
 * soon as it works.
 *
 * <p>The primary's failure is itself reported: logged, shown by {@link #problem()} (status), and
 * said in the first line of every page the fallback carries. Errors about one recipient (invalid
 * number, STOP) are not the channel's fault and are passed on unchanged. Thread-safe.
 */
public final class FailoverPager implements Pager {
  private static final Logger log = LoggerFactory.getLogger(FailoverPager.class);
  static final Duration PROBE_EVERY = Duration.ofMinutes(1);
  private static final String FALLBACK = "fallback:";

  private interface Attempt {
    String run(Pager pager, Page page) throws PageException;
  }

  private final Pager primary;
  private final Pager fallback;
  private final Duration after;
  private final Clock clock;

  private Instant failingSince;
  private String problem;
  private boolean failedOver;
  private Instant lastProbe;

  public FailoverPager(Pager primary, Pager fallback, Duration after, Clock clock) {
    this.primary = primary;
    this.fallback = fallback;
    this.after = after;
    this.clock = clock;
  }

  @Override
  public String send(Page page) throws PageException {
    return attempt(page, Pager::send);
  }

  @Override
  public String call(Page page, String ackUrl) throws PageException {
    return attempt(page, (p, pg) -> p.call(pg, ackUrl));
  }

  /** Asks the channel that sent it: ids of pages the fallback carried begin "fallback:". */
  @Override
  public Receipt receipt(String id, boolean call) throws PageException {
    return id.startsWith(FALLBACK) ? fallback.receipt(id.substring(FALLBACK.length()), call) : primary.receipt(id, call);
  }

  private String attempt(Page page, Attempt how) throws PageException {
    Instant now = clock.instant();
    if (usePrimary(now)) {
      try {
        String id = how.run(primary, page);
        recovered();
        return id;
      } catch (PageException e) {
        if (e.recipientProblem()) {
          throw e;
        }
        if (!primaryFailed(e, now)) {
          Duration left = Duration.between(now, failingSince().plus(after));
          throw new PageException(e.getMessage() + "; fallback in " + io.oobwatch.probes.canary.Durations.format(left)
              + " if this persists", true, e.code(), e, left);
        }
      }
    }
    String note = "[oobwatch paging via fallback: primary channel failed: " + problemText() + "] ";
    return FALLBACK + how.run(fallback, new Page(page.to(), page.phone(), note + page.body()));
  }

  private synchronized boolean usePrimary(Instant now) {
    if (!failedOver || lastProbe == null || !now.isBefore(lastProbe.plus(PROBE_EVERY))) {
      lastProbe = now;
      return true;
    }
    return false;
  }

  private synchronized String problemText() {
    return problem;
  }

  private synchronized Instant failingSince() {
    return failingSince;
  }

  /** Records a failure of the primary; true when the fallback is to be used now. */
  private synchronized boolean primaryFailed(PageException e, Instant now) {
    if (failingSince == null) {
      failingSince = now;
    }
    boolean credentials = e.code() == 20003;
    problem = credentials ? "credentials rejected (20003)" : e.getMessage();
    boolean use = credentials || !e.retryable() || !now.isBefore(failingSince.plus(after));
    if (use && !failedOver) {
      failedOver = true;
      log.error("PAGING CHANNEL FAILED: {} failing since {}: {}; paging through the fallback {}", primary.describe(),
          failingSince, problem, fallback.describe());
    }
    return use;
  }

  private synchronized void recovered() {
    if (failingSince != null) {
      log.warn("paging channel {} works again (failing since {}); fallback no longer used", primary.describe(),
          failingSince);
    }
    failingSince = null;
    problem = null;
    failedOver = false;
  }

  /** The primary's current failure ("credentials rejected (20003)", since when), or null when it works. */
  public synchronized String problem() {
    return problem == null ? null : problem + " (failing since " + failingSince + (failedOver ? ", fallback in use)" : ")");
  }

  /** Either channel may have taken the page before a crash: both are asked. */
  @Override
  public java.util.Optional<String> sentBefore(String phone, java.time.Instant since, String key) throws PageException {
    PageException unsure = null;
    for (Pager p : java.util.List.of(primary, fallback)) {
      try {
        java.util.Optional<String> id = p.sentBefore(phone, since, key);
        if (id.isPresent()) {
          return id;
        }
      } catch (PageException e) {
        unsure = e;
      }
    }
    if (unsure != null) {
      throw unsure;
    }
    return java.util.Optional.empty();
  }

  @Override
  public String describe() {
    return primary.describe() + "; fallback: " + fallback.describe();
  }

  /** Which of the two took {@code id}; the fallback with why the primary was not used. */
  @Override
  public String describe(String id) {
    if (!id.startsWith(FALLBACK)) {
      return primary.describe();
    }
    String why = problem();
    return "the FALLBACK " + fallback.describe() + (why == null ? "" : ", as the primary failed: " + why);
  }
}
