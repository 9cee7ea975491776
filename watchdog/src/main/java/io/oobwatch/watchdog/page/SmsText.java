package io.oobwatch.watchdog.page;

import java.text.Normalizer;
import java.util.Map;

/**
 * SMS text in the GSM-7 alphabet (GSM 03.38), so that a page costs one segment and arrives
 * readable: any character outside GSM-7 switches the whole message to UCS-2, which cuts a
 * segment from 160 to 70 characters, and some handsets show such characters as boxes.
 *
 * <p>Counting: a basic-table character is one septet, an extension-table character ({@code ^ { } \
 * [ ~ ] | €} and form feed) two. One segment holds 160 septets; a concatenated message holds 153
 * per segment, and an extension character's two septets are never split across segments.
 */
public final class SmsText {
  /** Septets in a single-segment message. */
  public static final int SINGLE_SEGMENT_SEPTETS = 160;
  /**
   * Septets {@link #fit} leaves free in a segment for the outbox key the dispatcher ends a text with:
   * " (pzzzzz)", the page's id in base 36, up to 60 million pages. The rare "(repeat) " after a
   * crash may cost a second segment.
   */
  public static final int SEND_RESERVE_SEPTETS = 9;
  /** Septets per segment once a message is concatenated (the rest is the segmenting header). */
  public static final int CONCATENATED_SEGMENT_SEPTETS = 153;

  // GSM 03.38 basic table, without ESC (0x1B), which only introduces the extension table.
  private static final String BASIC =
      "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
          + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  private static final String EXTENSION = "\f^{}\\[~]|€";

  // Look-alikes for what alert texts typically contain; accented letters are handled generically.
  private static final Map<Integer, String> REPLACEMENTS =
      Map.ofEntries(
          Map.entry(0x2014, "-"), // em dash
          Map.entry(0x2013, "-"), // en dash
          Map.entry(0x2012, "-"), // figure dash
          Map.entry(0x2015, "-"), // horizontal bar
          Map.entry(0x2010, "-"), // hyphen
          Map.entry(0x2011, "-"), // non-breaking hyphen
          Map.entry(0x2212, "-"), // minus sign
          Map.entry(0x2018, "'"),
          Map.entry(0x2019, "'"),
          Map.entry(0x201A, "'"),
          Map.entry(0x201B, "'"),
          Map.entry(0x2032, "'"), // prime
          Map.entry(0x00B4, "'"), // acute accent
          Map.entry(0x0060, "'"), // grave accent (not in GSM-7)
          Map.entry(0x201C, "\""),
          Map.entry(0x201D, "\""),
          Map.entry(0x201E, "\""),
          Map.entry(0x201F, "\""),
          Map.entry(0x2033, "\""), // double prime
          Map.entry(0x00AB, "\""), // «
          Map.entry(0x00BB, "\""), // »
          Map.entry(0x2026, "..."),
          Map.entry(0x2192, "->"),
          Map.entry(0x2190, "<-"),
          Map.entry(0x2194, "<->"),
          Map.entry(0x21D2, "=>"),
          Map.entry(0x00D7, "x"), // multiplication sign
          Map.entry(0x00F7, "/"), // division sign
          Map.entry(0x2264, "<="),
          Map.entry(0x2265, ">="),
          Map.entry(0x2260, "!="),
          Map.entry(0x2248, "~"),
          Map.entry(0x00B1, "+/-"),
          Map.entry(0x03C3, " sigma"), // Greek small sigma, as in "32σ above"
          Map.entry(0x2022, "*"), // bullet
          Map.entry(0x00B7, "."), // middle dot
          Map.entry(0x00B5, "u"), // micro sign, as in "µs"
          Map.entry(0x03BC, "u"), // Greek small mu, as in "μs"
          Map.entry(0x00B0, " deg"),
          Map.entry(0x00A9, "(c)"),
          Map.entry(0x00AE, "(R)"),
          Map.entry(0x2122, "TM"),
          Map.entry(0x00A2, "c"),
          Map.entry(0x0009, " "), // tab
          Map.entry(0x0153, "oe"),
          Map.entry(0x0152, "OE"),
          Map.entry(0x00E7, "c"), // ç: only capital Ç is in GSM-7
          Map.entry(0x00F0, "d"), // ð
          Map.entry(0x00D0, "D"), // Ð
          Map.entry(0x00FE, "th"), // þ
          Map.entry(0x00DE, "Th"), // Þ
          Map.entry(0x0142, "l"), // ł
          Map.entry(0x0141, "L"), // Ł
          Map.entry(0x0111, "d"), // đ
          Map.entry(0x0110, "D"), // Đ
          Map.entry(0x0131, "i")); // dotless i

  private SmsText() {}

  /**
   * The text in GSM-7: GSM characters are kept; typographic ones become their ASCII look-alikes
   * ("—" → "-", "“" → "\"", "…" → "...", "→" → "->", "×" → "x"); accented letters outside GSM-7
   * lose their accent; spaces of any width become a space, CR LF becomes LF; invisible format
   * and control characters are dropped; anything else becomes "?".
   */
  public static String toGsm7(String s) {
    String text = Normalizer.normalize(s, Normalizer.Form.NFC).replace("\r\n", "\n");
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(cp -> out.append(gsm(cp)));
    return out.toString();
  }

  /** Septets the text takes; characters outside GSM-7 count as what {@link #toGsm7} makes them. */
  public static int septets(String gsm) {
    int septets = 0;
    for (int i = 0; i < gsm.length(); i++) {
      int w = width(gsm.charAt(i));
      if (w == 0) {
        return septets(toGsm7(gsm));
      }
      septets += w;
    }
    return septets;
  }

  /** SMS segments the text takes in GSM-7 (at least 1, even when empty). */
  public static int segments(String gsm) {
    String text = isGsm7(gsm) ? gsm : toGsm7(gsm);
    if (septets(text) <= SINGLE_SEGMENT_SEPTETS) {
      return 1;
    }
    int segments = 1;
    int used = 0;
    for (int i = 0; i < text.length(); i++) {
      int w = width(text.charAt(i));
      if (used + w > CONCATENATED_SEGMENT_SEPTETS) {
        segments++;
        used = 0;
      }
      used += w;
    }
    return segments;
  }

  /** Whether every character is in the GSM-7 basic or extension table. */
  public static boolean isGsm7(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (width(s.charAt(i)) == 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The first variant that fits one segment (with {@link #SEND_RESERVE_SEPTETS} to spare), converted to GSM-7; if none does, the last variant
   * converted, whole and never truncated (it then goes out as several segments). Callers pass
   * the full text first and shorter fallbacks after it.
   *
   * @throws IllegalArgumentException when no variant is given
   */
  public static String fit(String... variants) {
    if (variants.length == 0) {
      throw new IllegalArgumentException("fit needs at least one text variant");
    }
    for (String v : variants) {
      String gsm = toGsm7(v);
      if (septets(gsm) <= SINGLE_SEGMENT_SEPTETS - SEND_RESERVE_SEPTETS) {
        return gsm;
      }
    }
    return toGsm7(variants[variants.length - 1]);
  }

  /** 1 for the basic table, 2 for the extension table, 0 for characters outside GSM-7. */
  private static int width(char c) {
    if (BASIC.indexOf(c) >= 0) {
      return 1;
    }
    return EXTENSION.indexOf(c) >= 0 ? 2 : 0;
  }

  private static String gsm(int cp) {
    if (cp < 0x10000 && width((char) cp) > 0) {
      return String.valueOf((char) cp);
    }
    String replacement = REPLACEMENTS.get(cp);
    if (replacement != null) {
      return replacement;
    }
    if (Character.isSpaceChar(cp)) {
      return " ";
    }
    int type = Character.getType(cp);
    if (type == Character.FORMAT
        || type == Character.CONTROL
        || type == Character.NON_SPACING_MARK
        || type == Character.ENCLOSING_MARK
        || type == Character.COMBINING_SPACING_MARK) {
      return "";
    }
    // An accented letter: its base letter, when that one is in GSM-7 (ő → o, ș → s, Ą → A).
    String base =
        Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFD)
            .replaceAll("\\p{M}+", "");
    if (base.length() == 1 && width(base.charAt(0)) > 0) {
      return base;
    }
    return "?";
  }
}
