package io.oobwatch.watchdog.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The log format of a real process (slf4j-simple with oobwatch's settings), with and without journald. */
class LogFormatTest {
  static List<String> stderrOf(Map<String, String> env) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        LogEveryLevel.class.getName());
    pb.environment().remove("JOURNAL_STREAM");
    pb.environment().putAll(env);
    Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err).isZero();
    return err.lines().toList();
  }

  @Test
  void underJournaldEachLineCarriesItsPriorityAndNoTimestamp() throws Exception {
    List<String> lines = stderrOf(Map.of("JOURNAL_STREAM", "8:123456"));
    assertThat(lines).contains("<6>[INFO] io.oobwatch.watchdog.test - info line",
            "<4>[WARN] io.oobwatch.watchdog.test - warning line", "<4>java.lang.IllegalStateException: boom",
            "<3>[ERROR] io.oobwatch.watchdog.test - error line", "<3>oobwatch not started: example")
        .allMatch(l -> l.matches("<[3467]>.*"), "has a priority prefix")
        .noneMatch(l -> l.contains("debug line"))
        .noneMatch(l -> l.matches(".*\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d.*"));
  }

  @Test
  void elsewhereLinesKeepTodaysTimestampedFormatWithoutPrefixes() throws Exception {
    List<String> lines = stderrOf(Map.of());
    assertThat(lines).anyMatch(l -> l.matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\[INFO\\] io\\.oobwatch\\.watchdog\\.test - info line"))
        .anyMatch(l -> l.matches(".*Z \\[WARN\\] io\\.oobwatch\\.watchdog\\.test - warning line"))
        .contains("java.lang.IllegalStateException: boom", "oobwatch not started: example")
        .noneMatch(l -> l.startsWith("<"));
  }

  @Test
  void anEmptyJournalStreamIsNotJournald() {
    assertThat(LogFormat.underJournald(Map.of("JOURNAL_STREAM", ""))).isFalse();
    assertThat(LogFormat.underJournald(Map.of())).isFalse();
    assertThat(LogFormat.underJournald(Map.of("JOURNAL_STREAM", "8:123456"))).isTrue();
  }
}
