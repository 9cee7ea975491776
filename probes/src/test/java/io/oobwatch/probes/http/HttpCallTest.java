package io.oobwatch.probes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpCallTest {

  @Test
  void redactionDropsUserInfoAndQueryButKeepsHostAndPath() {
    assertThat(HttpCall.redact("https://u:p@es.example:9200/prefix/_search?api_key=k#x"))
        .isEqualTo("https://es.example:9200/prefix/_search?...");
    assertThat(HttpCall.redact("http://es:9200")).isEqualTo("http://es:9200");
    assertThat(HttpCall.redact("http://es:9200/")).isEqualTo("http://es:9200/");
  }

  @Test
  void aUrlTypedWithSpacesAndQuotesBecomesAValidUri() {
    assertThat(HttpCall.uri("http://127.0.0.1:3100/q?query={a=\"b\"} |= \"x%41\"").toString())
        .isEqualTo("http://127.0.0.1:3100/q?query=%7Ba=%22b%22%7D%20%7C=%20%22x%41%22");
    assertThatThrownBy(() -> HttpCall.uri("ftp://127.0.0.1/x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRestrictedHeaderIsRejectedWithoutShowingItsValue() {
    assertThatThrownBy(() -> HttpCall.checkHeaders(Map.of("Host", "secret-host")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Host")
        .hasMessageNotContaining("secret-host");
  }
}
