package io.oobwatch.watchdog.server;

import io.oobwatch.watchdog.status.PagingStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the paging endpoints ask of the daemon. Called on a netty I/O thread; each call is a quick
 * store update. Secrets it hands out (Twilio's auth token, the API token) are used to check
 * requests and never echoed.
 */
public interface PagingControl {
  /**
   * The auth token of the configured Twilio account (the primary or the fallback) with this
   * account SID: Twilio signs a webhook with the token of the account that sent the page, and
   * posts that account's {@code AccountSid}. Null when no configured account has this SID.
   */
  String twilioAuthToken(String accountSid);

  /** {@code http.public_url}: what Twilio signed the webhook URL against; null when not set. */
  String publicUrl();

  /** The bearer token of the ack, silence and test page endpoints; null disables them. */
  String apiToken();

  /** The SMS answer to a text from {@code from}; acknowledges when it is an ack from someone on call. */
  String smsReply(String from, String text);

  /** The spoken answer after the callee of a page call pressed {@code digits} (null: none). */
  String voiceReply(String callee, List<Long> alertIds, String digits);

  /**
   * A status callback from Twilio for the message or call {@code sid} ({@code MessageStatus} or
   * {@code CallStatus}, with {@code ErrorCode} and {@code AnsweredBy} when sent; null otherwise).
   */
  void deliveryReport(String sid, boolean call, String status, Integer errorCode, String answeredBy);

  /** The outcome of an acknowledgement through the API. */
  enum AckStatus {
    ACKNOWLEDGED,
    ALREADY_ACKNOWLEDGED,
    ALREADY_RESOLVED,
    UNKNOWN
  }

  /** @param message one line for the person who asked */
  record Ack(AckStatus status, String message) {}

  Ack ack(long alertId, String by);

  /** The outcome of starting or ending a silence. */
  enum SilenceStatus {
    SILENCED,
    ENDED,
    ALREADY_OVER,
    /** No such silence, or (when silencing) nothing watched by that name. */
    UNKNOWN
  }

  /** @param message one line for the person who asked */
  record SilenceChange(SilenceStatus status, String message) {}

  /** Silences a watched subject (a pipeline, a heartbeat, a peer); UNKNOWN for any other name. */
  SilenceChange silence(String subject, Duration length, String reason, String by);

  /** Ends a silence now; its subject's alerts that still fire are paged again. */
  SilenceChange endSilence(long silenceId, String by);

  /** The outcome of asking for a test page. */
  enum TestPageStatus {
    /** Recorded, and being sent: follow it by its id. */
    SENDING,
    /** Nobody in {@code paging.oncall} by that name. */
    UNKNOWN_PERSON,
    /** No {@code paging.oncall} configured: nobody to send it to. */
    NO_ONCALL
  }

  /**
   * @param message one line for the person who asked
   * @param tests the SMS (and the call) as recorded, being sent; empty unless SENDING
   */
  record TestPageRequest(TestPageStatus status, String message, List<PagingStatus.TestPage> tests) {}

  /**
   * Sends a test SMS (and with {@code call}, places a test call) through the daemon's own pager to the
   * on-call person {@code to} (null: the first); returns without waiting for the channel.
   */
  TestPageRequest testPage(String to, boolean call, String by);

  /** A test page as recorded now: whether the channel took it, and where it ended. */
  Optional<PagingStatus.TestPage> testPage(long id);
}
