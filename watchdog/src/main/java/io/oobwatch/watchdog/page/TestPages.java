package io.oobwatch.watchdog.page;

import io.oobwatch.watchdog.store.Outgoing;
import io.oobwatch.watchdog.store.TestPage;
import io.oobwatch.watchdog.store.TestPageStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test pages sent by the daemon itself ({@code oobwatch page-test} against a running daemon): through
 * the pager real pages go through, so the test covers what a page at night covers (the account, the
 * sender number, the fallback in front of it, the status callbacks to {@code http.public_url}).
 * Each SMS or call is recorded before the channel is asked, then with the channel's answer; where it
 * ended is recorded by {@link DeliveryWatch}, like a page's. A test page is sent once and never
 * retried: it reports how the channel answers now. It does not go through the outbox, so it is
 * neither grouped with pages nor counted against {@code max_pages_per_hour}.
 */
public final class TestPages {
  private static final Logger log = LoggerFactory.getLogger(TestPages.class);

  private final String instance;
  private final TestPageStore store;
  private final Pager pager;
  private final Clock clock;
  private final Executor sender;

  /**
   * @param sender where the channel is asked (a request to Twilio takes up to its timeout; the
   *     caller, an HTTP I/O thread, must not wait for it)
   */
  public TestPages(String instance, TestPageStore store, Pager pager, Clock clock, Executor sender) {
    this.instance = instance;
    this.store = store;
    this.pager = pager;
    this.clock = clock;
    this.sender = sender;
    // a previous run stopped between asking the channel and recording its answer
    store.abandonSending("oobwatch stopped before the channel answered; the test page may or may not have gone out");
  }

  /** The text of a test SMS to {@code name} asked for at {@code at}. */
  public static String smsText(String instance, String name, Instant at) {
    return "oobwatch " + instance + ": test page to " + name + " at " + at + ". No action needed.";
  }

  /** What a test call says. */
  public static String spokenText(String instance) {
    return "This is a test call from oobwatch " + instance + ". No action is needed.";
  }

  /**
   * Records a test SMS (and with {@code call}, a test call) to {@code name} at {@code phone}, and
   * hands the sending to the sender; returns the records as written, still being sent.
   */
  public List<TestPage> request(String name, String phone, boolean call, String by) {
    Instant at = clock.instant();
    List<TestPage> out = new ArrayList<>();
    TestPage sms = store.add(name, phone, Outgoing.SMS, by, at);
    out.add(sms);
    Page text = new Page(name, phone, smsText(instance, name, at));
    TestPage spoken = call ? store.add(name, phone, Outgoing.CALL, by, at) : null;
    if (spoken != null) {
      out.add(spoken);
    }
    sender.execute(() -> {
      send(sms, () -> pager.send(text));
      if (spoken != null) {
        send(spoken, () -> pager.call(new Page(name, phone, spokenText(instance)), null));
      }
    });
    return out;
  }

  /** The test page {@code id} as recorded now. */
  public java.util.Optional<TestPage> testPage(long id) {
    return store.testPage(id);
  }

  private interface Send {
    String run() throws PageException;
  }

  private void send(TestPage t, Send send) {
    String what = Outgoing.CALL.equals(t.channel()) ? "test call" : "test SMS";
    try {
      String sid = send.run();
      String via = pager.describe(sid);
      store.sent(t.id(), via, sid, clock.instant());
      log.info("{} to {} accepted by {}: {}", what, t.recipient(), via, sid);
    } catch (PageException e) {
      String error = e.getMessage() + (e.code() != 0 ? " [twilio error " + e.code() + "]" : "");
      store.notSent(t.id(), pager.describe(), error);
      log.error("{} to {} NOT sent through {}: {}", what, t.recipient(), pager.describe(), error);
    } catch (RuntimeException e) {
      store.notSent(t.id(), pager.describe(), "internal error: " + e);
      log.error("{} to {}: internal error", what, t.recipient(), e);
    }
  }
}
