package io.oobwatch.watchdog.page;

import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.OutboxEntry;
import java.time.Instant;

/**
 * Whether a due page is this oobwatch's to send now. Alone ({@link #ALONE}) every page is; in a
 * cluster, the member of rank i leaves a page step to the members before it for i × peer_timeout
 * and drops it when the replicated notification log shows another member sent it.
 */
public interface PageGate {
  /** What the dispatcher does with a due page. */
  enum Verdict {
    /** Send it now. */
    SEND,
    /** Leave it pending and ask again at the next pass (another member may send it first). */
    HOLD,
    /** Another member sent it: cancel it here, it is not sent again. */
    SKIP
  }

  /**
   * @param why for HOLD and SKIP, what the log and /status say ("sent by wd-us-1 (SM…)")
   */
  record Decision(Verdict verdict, String why) {
    public static final Decision SEND = new Decision(Verdict.SEND, "");
  }

  /**
   * Whether to send {@code page} of {@code alert} now.
   */
  Decision admit(OutboxEntry page, Alert alert, Instant now);

  /** The channel took {@code page} under {@code sid}: tell the other members. */
  void sent(OutboxEntry page, Alert alert, String sid, Instant at);

  /** An oobwatch running alone: every due page is its own to send. */
  PageGate ALONE = new PageGate() {
    @Override
    public Decision admit(OutboxEntry page, Alert alert, Instant now) {
      return Decision.SEND;
    }

    @Override
    public void sent(OutboxEntry page, Alert alert, String sid, Instant at) {}
  };
}
