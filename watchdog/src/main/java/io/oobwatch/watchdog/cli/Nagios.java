package io.oobwatch.watchdog.cli;

import io.oobwatch.watchdog.status.StatusJson;
import java.io.PrintWriter;

/** Nagios plugin conventions shared by {@code check} and {@code status}: levels, UNKNOWN, JSON output. */
final class Nagios {
  /** The level names by exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
  static final String[] LEVELS = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

  private Nagios() {}

  /** Prints why the result is UNKNOWN (as a Nagios line, or JSON) and returns exit code 3. */
  static int unknown(PrintWriter out, boolean json, String why) {
    if (json) {
      write(out, new Unknown(LEVELS[3], 3, why));
    } else {
      out.println("OOBWATCH UNKNOWN - " + why);
    }
    out.flush();
    return 3;
  }

  /** What {@code --json} prints when there is no result: why. */
  record Unknown(String status, int exit, String error) {}

  /** Prints {@code doc} (one of the result records) as indented JSON; UNKNOWN when it cannot be written. */
  static void write(PrintWriter out, Object doc) {
    String text;
    try {
      text = StatusJson.write(doc);
    } catch (IllegalStateException e) {
      text = "{\"status\":\"UNKNOWN\",\"exit\":3}";
    }
    out.println(text);
  }
}
