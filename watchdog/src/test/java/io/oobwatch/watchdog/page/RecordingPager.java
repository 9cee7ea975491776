package io.oobwatch.watchdog.page;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A pager that keeps what it was asked to send and answers SM1, SM2, ... (for tests of the send loop). */
public final class RecordingPager implements Pager {
  private final List<Page> sent = new CopyOnWriteArrayList<>();

  @Override
  public String send(Page page) {
    sent.add(page);
    return "SM" + sent.size();
  }

  @Override
  public String describe() {
    return "recording";
  }

  /** What was sent, oldest first (a live view). */
  public List<Page> sent() {
    return sent;
  }
}
