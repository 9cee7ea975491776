package io.oobwatch.watchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** What {@code main} settles before anything else runs. */
class MainTest {
  @Test
  void theCommonPoolGetsTwoThreadsSoHttpAnswersDoNotStartAThreadEach() {
    Properties system = new Properties();
    Main.shareAnswerThreads(system);
    assertThat(system.getProperty(Main.COMMON_POOL_PARALLELISM)).isEqualTo("2");
  }

  @Test
  void aCommonPoolSizeTheUserChoseIsKept() {
    Properties system = new Properties();
    system.setProperty(Main.COMMON_POOL_PARALLELISM, "6");
    Main.shareAnswerThreads(system);
    assertThat(system.getProperty(Main.COMMON_POOL_PARALLELISM)).isEqualTo("6");
  }
}
