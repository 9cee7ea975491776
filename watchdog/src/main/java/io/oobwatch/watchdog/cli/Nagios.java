package io.oobwatch.watchdog.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Nagios plugin conventions shared by {@code check} and {@code status}: levels, UNKNOWN, JSON output. */
final class Nagios {
  /** The level names by exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
  static final String[] LEVELS = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

  private Nagios() {}

  /** Prints why the result is UNKNOWN (as a Nagios line, or JSON) and returns exit code 3. */
  static int unknown(PrintWriter out, boolean json, String why) {
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("status", "UNKNOWN");
      doc.put("exit", 3);
      doc.put("error", why);
      write(out, doc);
    } else {
      out.println("OOBWATCH UNKNOWN - " + why);
    }
    out.flush();
    return 3;
  }

  /** Prints {@code doc} as indented JSON. */
  static void write(PrintWriter out, Object doc) {
    try {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
    } catch (Exception e) {
      out.println("{\"status\":\"UNKNOWN\",\"exit\":3}");
    }
  }
}
