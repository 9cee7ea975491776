package io.oobwatch.probes.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpInjectorTest {

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final HttpClient http = HttpClient.newHttpClient();
  private final CanaryRecord canary = CanaryRecord.create(3, NOW, "inference", "oob-1", Map.of());
  private LoopbackHttp server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private HttpInjector injector(String url, Map<String, String> headers, Duration timeout) {
    return new HttpInjector(new HttpInjectorConfig(url, headers, timeout), http, clock);
  }

  @Test
  void theCanaryJsonIsPostedAndA2xxIsAccepted() throws Exception {
    server = LoopbackHttp.start(req -> Reply.json(202, ""));
    HttpInjector injector = injector(server.url() + "/ingest", Map.of("Authorization", "Bearer tok-123"), Duration.ofSeconds(5));

    Injection injection = injector.inject(canary);

    assertThat(injector.kind()).isEqualTo("http");
    assertThat(injection.ok()).isTrue();
    assertThat(injection.reason()).isEqualTo("HTTP 202");
    LoopbackHttp.Request req = server.requests().get(0);
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.path()).isEqualTo("/ingest");
    assertThat(req.header("Content-Type")).isEqualTo("application/json");
    assertThat(req.header("Authorization")).isEqualTo("Bearer tok-123");
    JsonNode doc = new ObjectMapper().readTree(req.body());
    assertThat(doc.path("canary").path("id").asText()).isEqualTo(canary.id());
    assertThat(doc.path("synthetic").asBoolean()).isTrue();
  }

  @Test
  void aNon2xxAnswerFailsWithTheStatusInWords() {
    server = LoopbackHttp.start(req -> Reply.json(503, "{\"error\":\"overloaded\"}"));

    Injection injection = injector(server.url() + "/ingest", Map.of(), Duration.ofSeconds(5)).inject(canary);

    assertThat(injection.ok()).isFalse();
    assertThat(injection.reason()).isEqualTo("collector at " + server.url() + "/ingest answered HTTP 503");
  }

  @Test
  void aClosedPortFailsBecauseTheConnectionWasRefused() {
    String url = LoopbackHttp.closedPortUrl() + "/ingest";

    Injection injection = injector(url, Map.of(), Duration.ofSeconds(5)).inject(canary);

    assertThat(injection.ok()).isFalse();
    assertThat(injection.reason()).isEqualTo("collector at " + url + " refused the connection");
  }

  @Test
  void aCollectorThatNeverAnswersFailsWithinTheTimeout() {
    server = LoopbackHttp.start(req -> Reply.NEVER);
    HttpInjector injector = injector(server.url() + "/ingest", Map.of(), Duration.ofMillis(300));

    long t0 = System.nanoTime();
    Injection injection = injector.inject(canary);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(injection.ok()).isFalse();
    assertThat(injection.reason()).isEqualTo("collector at " + server.url() + "/ingest did not answer within 0.3s");
    assertThat(took).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void headerValuesAndUrlCredentialsStayOutOfToString() {
    HttpInjectorConfig cfg =
        new HttpInjectorConfig("http://user:pw-secret@127.0.0.1:1/ingest?token=t-secret",
            Map.of("Authorization", "Bearer b-secret"), Duration.ofSeconds(1));

    assertThat(cfg.toString()).doesNotContain("secret").contains("http://127.0.0.1:1/ingest?...");
    assertThat(new HttpInjector(cfg, http, clock).toString()).doesNotContain("secret");
  }
}
