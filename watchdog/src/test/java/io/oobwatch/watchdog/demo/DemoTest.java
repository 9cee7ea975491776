package io.oobwatch.watchdog.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {
  @TempDir Path dir;

  @Test
  void theDemoShowsThePageNamingTheStalledHopAndThenTheResolve() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Demo.Timing fast = new Demo.Timing(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
        Duration.ofSeconds(1), Duration.ofSeconds(60));
    int code = new Demo(out, Clock.systemUTC()).run(dir, fast);
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).as(text).isZero();
    assertThat(text).contains("ALERT 1 inference-logs: canary lost between queue and store")
        .contains("RESOLVED 1 inference-logs: canaries flow again")
        .contains("the connector stalls");
    assertThat(text.indexOf("ALERT 1")).isLessThan(text.indexOf("RESOLVED 1"));
    assertThat(text.split("ALERT 1", -1)).hasSize(2);
  }
}
