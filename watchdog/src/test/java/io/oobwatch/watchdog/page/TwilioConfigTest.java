package io.oobwatch.watchdog.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TwilioConfigTest {
  private static final String SID = "AC0123456789abcdef0123456789abcdef";
  private static final String TOKEN = "s3cr3t-token-0123456789abcdef0123";

  @Test
  void toStringShowsNeitherTheTokenNorTheWholeAccountSid() {
    String shown = new TwilioConfig(SID, TOKEN, "+15550001111").toString();

    assertThat(shown).doesNotContain(TOKEN, SID).contains("cdef", "+15550001111", "https://api.twilio.com");
  }

  @Test
  void theApiBaseDefaultsToTwilioAndLosesATrailingSlash() {
    assertThat(new TwilioConfig(SID, TOKEN, "+1", null).apiBase()).isEqualTo("https://api.twilio.com");
    assertThat(new TwilioConfig(SID, TOKEN, "+1", "https://api.dublin.ie1.twilio.com/").apiBase())
        .isEqualTo("https://api.dublin.ie1.twilio.com");
  }

  @Test
  void plainHttpIsAllowedOnlyToLoopback() {
    assertThat(new TwilioConfig(SID, TOKEN, "+1", "http://127.0.0.1:8080").apiBase())
        .isEqualTo("http://127.0.0.1:8080");
    assertThatThrownBy(() -> new TwilioConfig(SID, TOKEN, "+1", "http://proxy.internal:8080"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clear text");
  }

  @Test
  void anApiBaseWithCredentialsIsRejectedWithoutEchoingThem() {
    assertThatThrownBy(() -> new TwilioConfig(SID, TOKEN, "+1", "https://u:" + TOKEN + "@api.twilio.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain(TOKEN);
    assertThatThrownBy(() -> new TwilioConfig(SID, TOKEN, "+1", "ftp://u:" + TOKEN + "@api.twilio.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .contains("http(s)")
        .doesNotContain(TOKEN);
  }

  @Test
  void aBlankTokenIsRejected() {
    assertThatThrownBy(() -> new TwilioConfig(SID, " ", "+1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("auth token");
  }
}
