package io.oobwatch.watchdog.logging;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * How oobwatch's log lines look, chosen once at start before anything logs. The logger
 * (slf4j-simple, configured by simplelogger.properties) writes to standard error.
 *
 * <ul>
 *   <li>In a terminal or a file: {@code 2026-11-30T22:40:01.123Z [WARN] logger - message}.
 *   <li>Under systemd ({@code JOURNAL_STREAM} set: standard error is a journald stream):
 *       {@code <4>[WARN] logger - message}. journald stamps each line itself and reads the
 *       priority prefix, so {@code journalctl -p warning -u oobwatch} shows warnings and worse.
 * </ul>
 */
public final class LogFormat {
  static final String SHOW_DATE_TIME = "org.slf4j.simpleLogger.showDateTime";

  private LogFormat() {}

  /** Whether the environment says standard error goes to the journal. */
  static boolean underJournald(Map<String, String> env) {
    String stream = env.get("JOURNAL_STREAM");
    return stream != null && !stream.isBlank();
  }

  /**
   * Sets the format for this process from its environment; call before the first logger is
   * created (slf4j-simple reads its settings then).
   */
  public static void configure(Map<String, String> env) {
    if (!underJournald(env)) {
      return;
    }
    System.setProperty(SHOW_DATE_TIME, "false");
    // not auto-flushing: a flush ends a record (see JournalLines); each complete line is passed on at once
    System.setErr(new PrintStream(new JournalLines(new FileOutputStream(FileDescriptor.err)), false));
  }
}
