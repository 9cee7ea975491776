package io.oobwatch.watchdog.page;

import java.time.Instant;
import java.util.Optional;

/**
 * A channel that reaches a person: Twilio SMS, or the console for dry runs.
 *
 * <p>Contract: {@link #send} makes exactly one attempt. It returns the channel's id for the message
 * (Twilio's SID) or throws {@link PageException} saying whether a retry can help. Retrying happens
 * in one place only, the dispatcher, never inside a pager.
 */
public interface Pager {
  /** Sends one SMS; returns the channel's message id. */
  String send(Page page) throws PageException;

  /**
   * Places one call that says {@code page.body()} and, when {@code ackUrl} is given, offers "press 1
   * to acknowledge" posting the keypress to {@code ackUrl}; returns the channel's call id. A channel
   * that cannot call sends the text instead (the default).
   */
  default String call(Page page, String ackUrl) throws PageException {
    return send(page);
  }

  /**
   * Where the message or call {@code id} (as {@link #send} or {@link #call} returned it) stands now:
   * one lookup, no retry. A channel that reports no delivery answers {@link Receipt#UNTRACKED} (the
   * default).
   *
   * @param call true for a call, false for an SMS
   */
  default Receipt receipt(String id, boolean call) throws PageException {
    return Receipt.UNTRACKED;
  }

  /**
   * A text message this channel already accepted for {@code phone} since {@code since} whose body
   * holds {@code key}: its id, or empty when there is none. Throws when it cannot tell (it keeps no
   * list, or the lookup failed); a page that may have gone out is then sent again marked "(repeat)".
   */
  default Optional<String> sentBefore(String phone, Instant since, String key) throws PageException {
    throw new PageException(describe() + " cannot list the messages it sent", false, 0);
  }

  /** What this channel is, for logs and status ("twilio SMS from +1555...", "console"). */
  String describe();

  /**
   * The channel that took the message or call {@code id}, for the person checking a test page: this
   * one ({@link #describe()}), unless a fallback in front of it carried it.
   */
  default String describe(String id) {
    return describe();
  }
}
