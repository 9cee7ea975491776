package io.oobwatch.watchdog.page;

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

  /** What this channel is, for logs and status ("twilio SMS from +1555...", "console"). */
  String describe();
}
