package io.oobwatch.watchdog.page;

import java.util.Objects;

/**
 * One message to one person.
 *
 * @param to the on-call person's name from the config (for logs and status)
 * @param phone E.164 number ("+15550002222")
 * @param body the text, already fitted for SMS (GSM-7, one segment where possible)
 */
public record Page(String to, String phone, String body) {
  public Page {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(phone, "phone");
    Objects.requireNonNull(body, "body");
  }
}
