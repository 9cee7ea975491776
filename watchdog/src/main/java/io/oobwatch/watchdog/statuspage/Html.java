package io.oobwatch.watchdog.statuspage;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** A string builder for HTML that escapes every text and attribute value it is given. */
final class Html {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  private final StringBuilder b = new StringBuilder(16 * 1024);

  /** Markup written as is: only for literals of this package. */
  Html raw(String markup) {
    b.append(markup);
    return this;
  }

  /** Text, escaped. */
  Html text(Object text) {
    b.append(escape(String.valueOf(text)));
    return this;
  }

  /** {@code <tag class="cls">text</tag>}, text escaped. */
  Html el(String tag, String cls, Object text) {
    b.append('<').append(tag);
    if (cls != null) {
      b.append(" class=\"").append(escape(cls)).append('"');
    }
    b.append('>').append(escape(String.valueOf(text))).append("</").append(tag).append('>');
    return this;
  }

  /** {@code name="value"} with a leading space, value escaped. */
  Html attr(String name, Object value) {
    b.append(' ').append(name).append("=\"").append(escape(String.valueOf(value))).append('"');
    return this;
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** "14:03:07Z", or "-" for none. */
  static String clock(Instant t) {
    return t == null ? "-" : CLOCK.format(t);
  }

  static String hhmm(Instant t) {
    return SHORT.format(t);
  }

  /** "3m 12s ago" style age of {@code t} at {@code now}; "-" for none. */
  static String ago(Instant t, Instant now) {
    if (t == null) {
      return "-";
    }
    return span(Duration.between(t, now)) + " ago";
  }

  static String span(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m " + (s % 60) + "s";
    }
    if (s < 86400) {
      return (s / 3600) + "h " + (s % 3600 / 60) + "m";
    }
    return (s / 86400) + "d " + (s % 86400 / 3600) + "h";
  }

  static String ms(long ms) {
    return ms < 1000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  @Override
  public String toString() {
    return b.toString();
  }
}
