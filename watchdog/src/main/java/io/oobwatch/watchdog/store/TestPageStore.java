package io.oobwatch.watchdog.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Test pages sent by the daemon and where each ended, on oobwatch's own disk: the last one is part
 * of paging health, and must survive a restart. Every method is durable when it returns.
 */
public interface TestPageStore {

  /** Records that a test page was asked for; the channel is asked afterwards. */
  TestPage add(String recipient, String phone, String channel, String requestedBy, Instant at);

  /** The channel {@code via} accepted it as {@code sid}. */
  void sent(long id, String via, String sid, Instant at);

  /** The channel {@code via} refused it, or could not be reached: {@code error} says why. */
  void notSent(long id, String via, String error);

  /**
   * Marks every test page still being sent as not sent, with {@code error}: at start, for the ones
   * a previous run was sending when it stopped (the channel may or may not have taken them).
   */
  void abandonSending(String error);

  /**
   * Records where the message or call {@code sid} ended, unless a final state was recorded before.
   * Returns the test page it changed, empty when none (not a test page, or already known).
   */
  Optional<TestPage> delivered(String sid, Delivery delivery);

  Optional<TestPage> testPage(long id);

  /** The newest test page on {@code channel} ({@link Outgoing#SMS} or {@link Outgoing#CALL}). */
  Optional<TestPage> latest(String channel);

  /** Deletes test pages asked for before {@code before}, except the newest on each channel. */
  void prune(Instant before);

  /** Test pages accepted since {@code since} whose final state is not known yet, oldest first. */
  List<TestPage> awaitingDelivery(Instant since);
}
