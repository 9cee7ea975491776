package io.oobwatch.watchdog.page;

/** A page that was not sent. {@link #retryable()} says whether sending it again may succeed. */
public final class PageException extends Exception {
  private final boolean retryable;
  private final int code;
  private final java.time.Duration retryWithin;

  /**
   * @param message what went wrong, for the log and status; never contains a secret
   * @param retryable true for 429, 5xx and network errors; false for errors a retry cannot fix
   *     (invalid number, unsubscribed, bad credentials)
   * @param code the channel's error code (Twilio's, such as 21211), or 0 when there is none
   */
  public PageException(String message, boolean retryable, int code, Throwable cause) {
    this(message, retryable, code, cause, null);
  }

  /**
   * @param retryWithin the latest a retry should come (the fallback bound runs out then); null
   *     leaves the dispatcher's backoff alone
   */
  public PageException(String message, boolean retryable, int code, Throwable cause, java.time.Duration retryWithin) {
    super(message, cause);
    this.retryable = retryable;
    this.code = code;
    this.retryWithin = retryWithin;
  }

  public PageException(String message, boolean retryable, int code) {
    this(message, retryable, code, null);
  }

  public boolean retryable() {
    return retryable;
  }

  public int code() {
    return code;
  }

  /** The latest a retry should come, or null. */
  public java.time.Duration retryWithin() {
    return retryWithin;
  }

  /** Twilio's errors that concern one recipient (a retry cannot fix them, another person can be paged). */
  public boolean recipientProblem() {
    return !retryable && (code == 21211 || code == 21610 || code == 21614 || code == 21408 || code == 21612);
  }
}
