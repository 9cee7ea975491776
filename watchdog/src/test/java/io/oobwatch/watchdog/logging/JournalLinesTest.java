package io.oobwatch.watchdog.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JournalLinesTest {
  final ByteArrayOutputStream journal = new ByteArrayOutputStream();
  final PrintStream err = new PrintStream(new JournalLines(journal), false, StandardCharsets.UTF_8);

  String journal() {
    return journal.toString(StandardCharsets.UTF_8);
  }

  /** One record the way slf4j-simple writes it: the line, the stack trace, then one flush. */
  void record(String line, Throwable t) {
    err.println(line);
    if (t != null) {
      t.printStackTrace(err);
    }
    err.flush();
  }

  @Test
  void eachLevelGetsItsSyslogPriority() {
    record("[ERROR] io.oobwatch.X - e", null);
    record("[WARN] io.oobwatch.X - w", null);
    record("[INFO] io.oobwatch.X - i", null);
    record("[DEBUG] io.oobwatch.X - d", null);
    record("[TRACE] io.oobwatch.X - t", null);
    assertThat(journal()).isEqualTo("<3>[ERROR] io.oobwatch.X - e\n<4>[WARN] io.oobwatch.X - w\n"
        + "<6>[INFO] io.oobwatch.X - i\n<7>[DEBUG] io.oobwatch.X - d\n<7>[TRACE] io.oobwatch.X - t\n");
  }

  @Test
  void theStackTraceOfAWarningIsAWarningLineByLine() {
    record("[WARN] io.oobwatch.X - store unreachable", new IllegalStateException("boom", new RuntimeException("cause")));
    assertThat(journal().lines().toList()).hasSizeGreaterThan(3)
        .allMatch(l -> l.startsWith("<4>"), "starts with <4>")
        .contains("<4>java.lang.IllegalStateException: boom")
        .anyMatch(l -> l.startsWith("<4>Caused by: java.lang.RuntimeException: cause"));
  }

  @Test
  void aLineThatIsNotALogRecordIsAnError() {
    record("[INFO] io.oobwatch.X - started", null);
    err.println("oobwatch not started: port 9107 is in use");
    err.flush();
    assertThat(journal()).endsWith("<3>oobwatch not started: port 9107 is in use\n");
  }

  @Test
  void aLineWaitsForItsEndAndKeepsItsBytes() {
    err.print("[WARN] café ");
    assertThat(journal()).isEmpty();
    err.print("naïve\n[INFO] next");
    assertThat(journal()).isEqualTo("<4>[WARN] café naïve\n");
  }

  @Test
  void aBracketThatIsNotALevelIsNoRecord() {
    assertThat(JournalLines.levelOf("[main] something")).isEqualTo(-1);
    assertThat(JournalLines.levelOf("[WARN]x")).isEqualTo(-1);
    assertThat(JournalLines.levelOf("WARN x")).isEqualTo(-1);
    assertThat(JournalLines.levelOf("[WARN] x")).isEqualTo(JournalLines.WARNING);
  }
}
