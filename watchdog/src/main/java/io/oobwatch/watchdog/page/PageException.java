package io.oobwatch.watchdog.page;

/** A page that was not sent. {@link #retryable()} says whether sending it again may succeed. */
public final class PageException extends Exception {
  private final boolean retryable;
  private final int code;

  /**
   * @param message what went wrong, for the log and status; never contains a secret
   * @param retryable true for 429, 5xx and network errors; false for errors a retry cannot fix
   *     (invalid number, unsubscribed, bad credentials)
   * @param code the channel's error code (Twilio's, such as 21211), or 0 when there is none
   */
  public PageException(String message, boolean retryable, int code, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
    this.code = code;
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
}
