package io.oobwatch.probes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import io.oobwatch.testkit.TestClock;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthProbeTest {
  private final TestClock clock = TestClock.at("2026-11-27T10:00:00Z");
  private final HttpClient http = HttpClient.newHttpClient();
  private LoopbackHttp server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private HealthProbe probe(String url, Integer status, String body, Duration timeout) {
    return new HealthProbe(new HealthProbeConfig(url, status, body, Map.of(), timeout), http, clock);
  }

  @Test
  void anyTwoHundredIsHealthyWhenNoStatusIsExpected() {
    server = LoopbackHttp.start(req -> Reply.json(204, ""));

    HealthProbe.Result r = probe(server.url() + "/healthz", null, null, Duration.ofSeconds(5)).probe();

    assertThat(r.ok()).isTrue();
    assertThat(r.status()).isEqualTo(204);
    assertThat(r.reason()).isEqualTo("HTTP 204");
    assertThat(r.at()).isEqualTo(clock.instant());
    assertThat(server.requests()).singleElement().satisfies(req -> {
      assertThat(req.method()).isEqualTo("GET");
      assertThat(req.path()).isEqualTo("/healthz");
    });
  }

  @Test
  void aStatusOtherThanTheExpectedOneFailsAndQuotesWhatTheComponentSaid() {
    server = LoopbackHttp.start(req -> Reply.json(503, "{\"status\": \"degraded\",\n \"db\": \"down\"}"));

    HealthProbe.Result r = probe(server.url() + "/healthz", null, null, Duration.ofSeconds(5)).probe();

    assertThat(r.ok()).isFalse();
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.reason()).isEqualTo(server.url()
        + "/healthz answered HTTP 503, expected HTTP 2xx: \"{\"status\": \"degraded\", \"db\": \"down\"}\"");
  }

  @Test
  void anExplicitExpectedStatusMustMatchExactly() {
    server = LoopbackHttp.start(req -> Reply.json(200, "ok"));

    HealthProbe.Result r = probe(server.url() + "/ready", 204, null, Duration.ofSeconds(5)).probe();

    assertThat(r.ok()).isFalse();
    assertThat(r.reason()).isEqualTo(server.url() + "/ready answered HTTP 200, expected HTTP 204: \"ok\"");
  }

  @Test
  void aBodyWithoutTheExpectedTextFailsAndALongBodyIsCut() {
    String page = "<html>" + "x".repeat(200) + "</html>";
    server = LoopbackHttp.start(req -> Reply.json(200, page));

    HealthProbe.Result r = probe(server.url() + "/healthz", 200, "\"ok\":true", Duration.ofSeconds(5)).probe();

    assertThat(r.ok()).isFalse();
    assertThat(r.reason()).isEqualTo(server.url() + "/healthz answered HTTP 200 without \"\"ok\":true\" in the body: \""
        + page.substring(0, HealthProbe.QUOTE) + "...\"");
  }

  @Test
  void aBodyWithTheExpectedTextIsHealthy() {
    server = LoopbackHttp.start(req -> Reply.json(200, "{\"ok\":true,\"model\":\"v7\"}"));

    HealthProbe.Result r = probe(server.url() + "/healthz", 200, "\"ok\":true", Duration.ofSeconds(5)).probe();

    assertThat(r.ok()).isTrue();
  }

  @Test
  void aRefusedConnectionIsAFailureWithAReasonNotAnException() {
    String url = LoopbackHttp.closedPortUrl();

    HealthProbe.Result r = probe(url + "/healthz", null, null, Duration.ofSeconds(5)).probe();

    assertThat(r.ok()).isFalse();
    assertThat(r.status()).isEqualTo(-1);
    assertThat(r.reason()).isEqualTo(url + "/healthz refused the connection");
  }

  @Test
  void aHangingServerIsBoundedByTheTimeout() {
    server = LoopbackHttp.start(req -> Reply.NEVER);

    long t0 = System.nanoTime();
    HealthProbe.Result r = probe(server.url() + "/healthz", null, null, Duration.ofMillis(300)).probe();
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(r.ok()).isFalse();
    assertThat(r.reason()).isEqualTo(server.url() + "/healthz did not answer within 0.3s");
    assertThat(took).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void theQueryStringAndHeaderValuesNeverAppearInReasonsOrToString() {
    server = LoopbackHttp.start(req -> Reply.json(500, ""));
    HealthProbeConfig cfg = new HealthProbeConfig(server.url() + "/healthz?key=s3cr3t", null, null,
        Map.of("Authorization", "Bearer t0ken"), Duration.ofSeconds(5));
    HealthProbe probe = new HealthProbe(cfg, http, clock);

    HealthProbe.Result r = probe.probe();

    assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Bearer t0ken");
    assertThat(r.reason()).isEqualTo(server.url() + "/healthz?... answered HTTP 500, expected HTTP 2xx");
    assertThat(probe.toString()).doesNotContain("s3cr3t").doesNotContain("t0ken");
  }

  @Test
  void anImpossibleExpectedStatusIsRejected() {
    assertThatThrownBy(() -> new HealthProbeConfig("http://127.0.0.1:1/", 42, null, null, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 100 and 599");
  }
}
