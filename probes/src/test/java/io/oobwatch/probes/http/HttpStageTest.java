package io.oobwatch.probes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Lookup.Status;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpStageTest {

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final HttpClient http = HttpClient.newHttpClient();
  private final CanaryRecord canary = CanaryRecord.create(7, NOW, "inference", "oob-1", Map.of());
  private LoopbackHttp server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private HttpStage stage(String url, Duration timeout) {
    return new HttpStage("loki", new HttpStageConfig(url, null, null, Map.of(), timeout), http, clock);
  }

  @Test
  void aResponseThatContainsTheCanaryIdIsFound() {
    server = LoopbackHttp.start(req -> Reply.json(200, "{\"data\":{\"result\":[{\"line\":\"" + canary.id() + "\"}]}}"));

    Lookup lookup = stage(server.url() + "/query?id={canary_id}", Duration.ofSeconds(5)).lookup(canary);

    assertThat(lookup.status()).isEqualTo(Status.FOUND);
    assertThat(lookup.count()).isEqualTo(1);
    assertThat(lookup.seenAt()).isEqualTo(NOW);
  }

  @Test
  void aResponseWithoutTheCanaryIsNotFound() {
    server = LoopbackHttp.start(req -> Reply.json(200, "{\"data\":{\"result\":[]}}"));

    Lookup lookup = stage(server.url() + "/query?id={canary_id}", Duration.ofSeconds(5)).lookup(canary);

    assertThat(lookup.status()).isEqualTo(Status.NOT_FOUND);
    assertThat(lookup.reason()).isEqualTo("response from " + server.url() + "/query?... does not contain the canary");
  }

  @Test
  void http404IsNotFoundWithTheStatusInTheReason() {
    server = LoopbackHttp.start(req -> Reply.json(404, "{}"));

    Lookup lookup = stage(server.url() + "/records/{canary_id}", Duration.ofSeconds(5)).lookup(canary);

    assertThat(lookup.status()).isEqualTo(Status.NOT_FOUND);
    assertThat(lookup.reason()).contains("HTTP 404");
  }

  @Test
  void http500IsUnreachableEvenIfTheErrorPageEchoesTheId() {
    server = LoopbackHttp.start(req -> Reply.json(500, "error looking up " + canary.id()));

    Lookup lookup = stage(server.url() + "/records/{canary_id}", Duration.ofSeconds(5)).lookup(canary);

    assertThat(lookup.status()).isEqualTo(Status.UNREACHABLE);
    assertThat(lookup.reason()).isEqualTo(server.url() + "/records/{canary_id} answered HTTP 500");
  }

  @Test
  void aClosedPortIsUnreachableBecauseTheConnectionWasRefused() {
    String url = LoopbackHttp.closedPortUrl();

    Lookup lookup = stage(url + "/q?id={canary_id}", Duration.ofSeconds(5)).lookup(canary);

    assertThat(lookup.status()).isEqualTo(Status.UNREACHABLE);
    assertThat(lookup.reason()).isEqualTo(url + "/q?... refused the connection");
  }

  @Test
  void aServerThatNeverAnswersIsUnreachableWithinTheTimeout() {
    server = LoopbackHttp.start(req -> Reply.NEVER);
    HttpStage stage = stage(server.url() + "/q?id={canary_id}", Duration.ofMillis(300));

    long t0 = System.nanoTime();
    Lookup lookup = stage.lookup(canary);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(lookup.status()).isEqualTo(Status.UNREACHABLE);
    assertThat(lookup.reason()).isEqualTo(server.url() + "/q?... did not answer within 0.3s");
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void theCanaryIdIsTemplatedIntoTheUrlAndThePostBody() {
    server = LoopbackHttp.start(req -> Reply.json(200, "[\"" + canary.id() + "\"]"));
    // A Loki-style query typed as people write it: quotes, braces, pipe and spaces are encoded.
    String url = server.url() + "/loki/api/v1/query?query={app=\"inference\"} |= \"{canary_id}\"";
    HttpStageConfig cfg =
        new HttpStageConfig(url, "post", "{\"match\":{\"canary.id\":\"{canary_id}\"}}", Map.of(), Duration.ofSeconds(5));

    Lookup lookup = new HttpStage("loki", cfg, http, clock).lookup(canary);

    assertThat(lookup.status()).isEqualTo(Status.FOUND);
    LoopbackHttp.Request req = server.requests().get(0);
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.path()).isEqualTo("/loki/api/v1/query");
    assertThat(URLDecoder.decode(req.rawQuery(), StandardCharsets.UTF_8))
        .isEqualTo("query={app=\"inference\"} |= \"" + canary.id() + "\"");
    assertThat(req.body()).isEqualTo("{\"match\":{\"canary.id\":\"" + canary.id() + "\"}}");
    assertThat(req.header("Content-Type")).isEqualTo("application/json");
  }

  @Test
  void headersAreSentButTheirValuesNeverAppearInToStringOrReasons() {
    server = LoopbackHttp.start(req -> Reply.json(503, "{}"));
    Map<String, String> headers = new HashMap<>();
    headers.put("Authorization", "Bearer s3cr3t-token");
    HttpStageConfig cfg =
        new HttpStageConfig(server.url() + "/q?id={canary_id}", "GET", null, headers, Duration.ofSeconds(5));
    HttpStage stage = new HttpStage("search", cfg, http, clock);

    Lookup lookup = stage.lookup(canary);

    assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Bearer s3cr3t-token");
    assertThat(lookup.status()).isEqualTo(Status.UNREACHABLE);
    assertThat(lookup.reason()).doesNotContain("s3cr3t");
    assertThat(cfg.toString()).contains("Authorization=***").doesNotContain("s3cr3t");
    assertThat(stage.toString()).doesNotContain("s3cr3t");
  }

  @Test
  void aConfigWithoutThePlaceholderOrWithABodyOnGetIsRejected() {
    assertThatThrownBy(() -> new HttpStageConfig("http://127.0.0.1:1/q", null, null, null, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("{canary_id}");
    assertThatThrownBy(() -> new HttpStageConfig("http://127.0.0.1:1/q/{canary_id}", "GET", "{}", null, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("POST");
    assertThatThrownBy(() -> new HttpStageConfig("http://127.0.0.1:1/q/{canary_id}", "PUT", null, null, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
