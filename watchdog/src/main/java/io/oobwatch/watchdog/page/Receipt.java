package io.oobwatch.watchdog.page;

import io.oobwatch.watchdog.store.Delivery;
import java.util.Locale;

/**
 * Where a sent message or call stands, as the channel reports it (Twilio's {@code status},
 * {@code ErrorCode} and, for calls, {@code AnsweredBy}), judged once for lookups and status
 * callbacks alike.
 *
 * @param status the channel's word ("queued", "sent", "undelivered", "in-progress", ...)
 * @param outcome the final state; null while the message or call is still on its way
 * @param code the channel's error code, 0 when none
 * @param detail the outcome in words ("30034 the sender number is not registered for A2P 10DLC");
 *     the status while there is no outcome
 */
public record Receipt(String status, Delivery.State outcome, int code, String detail) {

  /** What a channel without delivery reports says: accepted, and nothing more will be known. */
  public static final Receipt UNTRACKED =
      new Receipt("accepted", Delivery.State.UNTRACKED, 0, "this channel reports no delivery");

  public boolean isFinal() {
    return outcome != null;
  }

  /**
   * An SMS's status as Twilio reports it. {@code sent} means the carrier took it, not that it
   * arrived: only {@code delivered} (or {@code read}) is a receipt.
   */
  public static Receipt sms(String status, Integer errorCode) {
    String s = word(status);
    int code = errorCode == null ? 0 : errorCode;
    return switch (s) {
      case "delivered", "read" -> new Receipt(s, Delivery.State.DELIVERED, 0, "delivered");
      case "undelivered" -> new Receipt(s, Delivery.State.UNDELIVERED, code, meaning(code));
      case "failed", "canceled" -> new Receipt(s, Delivery.State.FAILED, code, meaning(code));
      default -> new Receipt(s, null, code, s);
    };
  }

  /**
   * A call's status. With answering-machine detection, {@code AnsweredBy} says who picked up: a
   * machine (voicemail, fax) is not an answer, whether the call is still in progress or completed.
   */
  public static Receipt call(String status, Integer errorCode, String answeredBy) {
    String s = word(status);
    int code = errorCode == null ? 0 : errorCode;
    String by = answeredBy == null ? "" : answeredBy.toLowerCase(Locale.ROOT);
    boolean machine = by.startsWith("machine") || by.equals("fax");
    if (machine && (s.equals("in-progress") || s.equals("completed"))) {
      return new Receipt(s, Delivery.State.VOICEMAIL, 0, "answered by " + (by.equals("fax") ? "a fax" : "voicemail")
          + " (" + by + "), not a person");
    }
    return switch (s) {
      case "completed" -> new Receipt(s, Delivery.State.ANSWERED, 0, "answered");
      case "no-answer" -> new Receipt(s, Delivery.State.NO_ANSWER, code, "nobody answered");
      case "busy" -> new Receipt(s, Delivery.State.BUSY, code, "the line was busy");
      case "failed", "canceled" -> new Receipt(s, Delivery.State.FAILED, code,
          code == 0 ? "the call could not be placed" : meaning(code));
      default -> new Receipt(s, null, code, s);
    };
  }

  /** Twilio's delivery error codes in words, as the person paged at night needs them. */
  public static String meaning(int code) {
    String words = switch (code) {
      case 0 -> "no error code given";
      case 30003 -> "unreachable: the phone is off or out of coverage";
      case 30005 -> "unknown number: it does not exist or is no longer in service";
      case 30006 -> "landline or unreachable carrier: the number cannot receive SMS";
      case 30007 -> "the carrier filtered the message as spam";
      case 30008 -> "unknown error from the carrier";
      case 30034 -> "the sender number is not registered for A2P 10DLC";
      case 30450 -> "blocked by Twilio's SMS pumping protection";
      default -> "Twilio error, see https://www.twilio.com/docs/errors/" + code;
    };
    return code == 0 ? words : code + " " + words;
  }

  private static String word(String status) {
    return status == null ? "unknown" : status.strip().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
