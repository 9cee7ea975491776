package io.oobwatch.testkit;

/**
 * How many SMS segments Twilio bills for a body, as {@code num_segments} in its Message resource:
 * GSM-7 when every character is in the GSM 03.38 basic or extension table (extension characters
 * take two septets; 160 septets fit one segment, 153 per segment when concatenated), otherwise
 * UCS-2 (70 UTF-16 units in one segment, 67 per segment when concatenated).
 *
 * <p>Kept apart from the watchdog's own SMS code on purpose: the fake is an independent check.
 */
final class FakeTwilioSegments {
  private static final String BASIC =
      "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
          + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  private static final String EXTENSION = "\f^{}\\[~]|€";

  private FakeTwilioSegments() {}

  static int count(String body) {
    int septets = 0;
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (BASIC.indexOf(c) >= 0) {
        septets += 1;
      } else if (EXTENSION.indexOf(c) >= 0) {
        septets += 2;
      } else {
        int units = body.length();
        return units <= 70 ? 1 : (units + 66) / 67;
      }
    }
    return septets <= 160 ? 1 : (septets + 152) / 153;
  }
}
