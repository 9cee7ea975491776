package io.oobwatch.watchdog.page;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsolePagerTest {

  @Test
  void eachPageIsPrintedAsABlockWithRecipientAndBody() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsolePager pager = new ConsolePager(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    String first = pager.send(new Page("alice", "+15550002222", "canary lost at elasticsearch\nACK 17"));
    String second = pager.send(new Page("bob", "+15550003333", "resolved"));

    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(first).isEqualTo("console-1");
    assertThat(second).isEqualTo("console-2");
    assertThat(printed)
        .contains("PAGE → alice (+15550002222)", "  canary lost at elasticsearch", "  ACK 17")
        .contains("PAGE → bob (+15550003333)", "  resolved", "1 SMS segment");
    assertThat(printed.indexOf("alice")).isLessThan(printed.indexOf("bob"));
  }

  @Test
  void describeSaysNothingIsSent() {
    assertThat(new ConsolePager(System.out).describe()).isEqualTo("console (dry run: nothing is sent)");
  }
}
