package io.oobwatch.watchdog.logging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Standard error for journald: every line gets the sd-daemon priority prefix ({@code <3>} error,
 * {@code <4>} warning, {@code <6>} info, {@code <7>} debug), so {@code journalctl -p warning}
 * selects by level.
 *
 * <p>A line that starts with a logger level ({@code [WARN] ...}, slf4j-simple's format without a
 * timestamp) opens a record; the lines written after it until the next flush (slf4j-simple flushes
 * once per record, after the stack trace) belong to it and carry its priority. Any other line on
 * standard error is the program telling an operator something went wrong ("oobwatch not started:
 * ..."), so it is an error. Complete lines are passed on at once; a partial line waits for its end.
 */
final class JournalLines extends OutputStream {
  static final int ERROR = 3;
  static final int WARNING = 4;
  static final int INFO = 6;
  static final int DEBUG = 7;

  private final OutputStream out;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  /** The priority of the record being written, or -1 between records. */
  private int record = -1;

  JournalLines(OutputStream out) {
    this.out = out;
  }

  @Override
  public synchronized void write(int b) throws IOException {
    if (b == '\n') {
      emit();
    } else {
      line.write(b);
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    int start = off;
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        line.write(b, start, i - start);
        emit();
        start = i + 1;
      }
    }
    line.write(b, start, off + len - start);
  }

  /** Passes the buffered line on, prefixed, bytes unchanged (the level words are ASCII in any charset). */
  private void emit() throws IOException {
    int level = levelOf(line.toString(StandardCharsets.ISO_8859_1));
    if (level >= 0) {
      record = level;
    }
    int priority = record >= 0 ? record : ERROR;
    out.write(("<" + priority + ">").getBytes(StandardCharsets.US_ASCII));
    line.writeTo(out);
    out.write('\n');
    out.flush();
    line.reset();
  }

  /** The end of a record: lines after this one no longer inherit its priority. */
  @Override
  public synchronized void flush() throws IOException {
    record = -1;
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    if (line.size() > 0) {
      emit();
    }
    out.close();
  }

  /** The priority of a logger line ("[WARN] ..."), -1 for any other line. */
  static int levelOf(String text) {
    if (!text.startsWith("[")) {
      return -1;
    }
    int end = text.indexOf("] ");
    String level = end < 0 ? "" : text.substring(1, end);
    return switch (level) {
      case "ERROR" -> ERROR;
      case "WARN" -> WARNING;
      case "INFO" -> INFO;
      case "DEBUG", "TRACE" -> DEBUG;
      default -> -1;
    };
  }
}
