package io.oobwatch.probes.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Lookup.Status;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import io.oobwatch.testkit.LoopbackHttp.Request;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the real node cannot be made to do on demand (check credentials, fail shards, answer 503,
 * hang), against a loopback stub that checks the Authorization header the way Elasticsearch's
 * security layer does and answers with Elasticsearch's own JSON shapes.
 */
class ElasticsearchStageProtocolTest {

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
  private static final String API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";
  private static final String PASSWORD = "pa55-w0rd-s3cret";

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final HttpClient http = HttpClient.newHttpClient();
  private final CanaryRecord canary = CanaryRecord.create(1, NOW, "inference", "oob-1", Map.of());
  private LoopbackHttp es;

  @AfterEach
  void stopStub() {
    if (es != null) {
      es.close();
    }
  }

  private static String hits(long n) {
    return "{\"took\":1,\"timed_out\":false,\"_shards\":{\"total\":3,\"successful\":3,\"skipped\":0,\"failed\":0},"
        + "\"hits\":{\"total\":{\"value\":" + n + ",\"relation\":\"eq\"},\"max_score\":null,\"hits\":[]}}";
  }

  private static final String UNAUTHORIZED =
      "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\"unable to authenticate\"}],"
          + "\"type\":\"security_exception\",\"reason\":\"unable to authenticate\"},\"status\":401}";

  /** Answers like a secured cluster: 401 unless the Authorization header is exactly {@code expected}. */
  private static Function<Request, Reply> securedBy(String expected, String answer) {
    return req -> expected.equals(req.header("Authorization")) ? Reply.json(200, answer) : Reply.json(401, UNAUTHORIZED);
  }

  private ElasticsearchStage stage(String apiKey, String user, String password, Duration timeout) {
    return stage("inference-logs-*", apiKey, user, password, timeout);
  }

  private ElasticsearchStage stage(String index, String apiKey, String user, String password, Duration timeout) {
    return new ElasticsearchStage(
        "elasticsearch", new ElasticsearchConfig(es.url(), index, apiKey, user, password, timeout), http, clock);
  }

  @Test
  void anApiKeyIsSentAsApiKeyAuthorization() {
    es = LoopbackHttp.start(securedBy("ApiKey " + API_KEY, hits(1)));

    Lookup lookup = stage(API_KEY, null, null, Duration.ofSeconds(5)).lookup(canary);

    assertThat(lookup).isEqualTo(Lookup.found(1, NOW));
  }

  @Test
  void usernameAndPasswordAreSentAsBasicAuthorization() {
    String basic = Base64.getEncoder().encodeToString(("oobwatch:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    es = LoopbackHttp.start(securedBy("Basic " + basic, hits(2)));

    Lookup lookup = stage(null, "oobwatch", PASSWORD, Duration.ofSeconds(5)).lookup(canary);

    assertThat(lookup).isEqualTo(Lookup.found(2, NOW));
  }

  @Test
  void rejectedCredentialsAreUnreachableAndTheSecretStaysOutOfTheReason() {
    es = LoopbackHttp.start(securedBy("ApiKey something-else", hits(1)));

    Lookup withKey = stage(API_KEY, null, null, Duration.ofSeconds(5)).lookup(canary);
    Lookup withPassword = stage(null, "oobwatch", PASSWORD, Duration.ofSeconds(5)).lookup(canary);

    assertThat(withKey.status()).isEqualTo(Status.UNREACHABLE);
    assertThat(withKey.reason()).isEqualTo("elasticsearch at " + es.url() + " rejected the credentials (HTTP 401)");
    assertThat(withKey.reason()).doesNotContain(API_KEY);
    assertThat(withPassword.reason()).contains("rejected the credentials").doesNotContain(PASSWORD);
  }

  @Test
  void theSearchIsAPlainJsonPostOnTheEncodedPatternWithoutCompatibilityHeaders() throws Exception {
    es = LoopbackHttp.start(req -> Reply.json(200, hits(0)));

    stage("inference-logs-*,audit logs", null, null, null, Duration.ofSeconds(5)).lookup(canary);

    Request req = es.requests().get(0);
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.path()).isEqualTo("/inference-logs-*,audit logs/_search");
    assertThat(req.rawQuery()).isEqualTo("allow_no_indices=true&ignore_unavailable=true");
    assertThat(req.header("Content-Type")).isEqualTo("application/json");
    assertThat(req.header("Authorization")).isNull();
    var query = new ObjectMapper().readTree(req.body());
    assertThat(query.path("track_total_hits").asBoolean()).isTrue();
    assertThat(query.path("query").path("bool").path("should").toString())
        .contains("canary.id.keyword", "match_phrase", canary.id());
  }

  @Test
  void anIndexNotFoundErrorIsNotFoundWithTheIndexInTheReason() {
    // what an alias or a concrete name on a server ignoring ignore_unavailable answers
    es = LoopbackHttp.start(req -> Reply.json(404,
        "{\"error\":{\"root_cause\":[{\"type\":\"index_not_found_exception\",\"reason\":\"no such index [logs]\"}],"
            + "\"type\":\"index_not_found_exception\",\"reason\":\"no such index [logs]\"},\"status\":404}"));

    Lookup lookup = stage("logs", null, null, null, Duration.ofSeconds(5)).lookup(canary);

    assertThat(lookup.status()).isEqualTo(Status.NOT_FOUND);
    assertThat(lookup.reason()).isEqualTo("no index matches logs");
  }

  @Test
  void anOverloadedClusterIsUnreachableWithTheStatusAndErrorType() {
    es = LoopbackHttp.start(req -> Reply.json(503,
        "{\"error\":{\"root_cause\":[],\"type\":\"search_phase_execution_exception\",\"reason\":\"all shards failed\","
            + "\"phase\":\"query\",\"grouped\":true,\"failed_shards\":[]},\"status\":503}"));

    Lookup lookup = stage(null, null, null, Duration.ofSeconds(5)).lookup(canary);

    assertThat(lookup.status()).isEqualTo(Status.UNREACHABLE);
    assertThat(lookup.reason())
        .isEqualTo("elasticsearch at " + es.url() + " answered HTTP 503 (search_phase_execution_exception)");
  }

  @Test
  void tooManyRequestsIsUnreachable() {
    es = LoopbackHttp.start(req -> Reply.json(429,
        "{\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"rejected execution\"},\"status\":429}"));

    Lookup lookup = stage(null, null, null, Duration.ofSeconds(5)).lookup(canary);

    assertThat(lookup.status()).isEqualTo(Status.UNREACHABLE);
    assertThat(lookup.reason()).contains("HTTP 429 (es_rejected_execution_exception)");
  }

  @Test
  void noHitWhileShardsFailedIsUnreachableNotLost() {
    es = LoopbackHttp.start(req -> Reply.json(200,
        "{\"took\":1,\"timed_out\":false,\"_shards\":{\"total\":3,\"successful\":2,\"skipped\":0,\"failed\":1},"
            + "\"hits\":{\"total\":{\"value\":0,\"relation\":\"eq\"},\"hits\":[]}}"));

    Lookup lookup = stage(null, null, null, Duration.ofSeconds(5)).lookup(canary);

    assertThat(lookup.status()).isEqualTo(Status.UNREACHABLE);
    assertThat(lookup.reason()).isEqualTo(
        "elasticsearch at " + es.url() + " searched inference-logs-* but 1 of 3 shards failed");
  }

  @Test
  void canariesInFlightAreAskedForInOneSearchAndAShardFailureLeavesOnlyTheUnseenUnreachable() throws Exception {
    CanaryRecord seen = CanaryRecord.create(2, NOW, "inference", "oob-1", Map.of());
    es = LoopbackHttp.start(req -> Reply.json(200,
        "{\"took\":1,\"timed_out\":false,\"_shards\":{\"total\":3,\"successful\":2,\"skipped\":0,\"failed\":1},"
            + "\"hits\":{\"total\":{\"value\":1,\"relation\":\"eq\"},\"hits\":[{\"_index\":\"inference-logs-1\","
            + "\"_id\":\"x\",\"_score\":1.0,\"_source\":{\"canary\":{\"id\":\"" + seen.id() + "\"}}}]}}"));

    Map<String, Lookup> found = stage(null, null, null, Duration.ofSeconds(5)).lookupAll(java.util.List.of(canary, seen));

    assertThat(es.requests()).hasSize(1);
    var query = new ObjectMapper().readTree(es.requests().get(0).body());
    assertThat(query.path("query").path("bool").path("should").get(0).path("terms").path("canary.id.keyword"))
        .extracting(n -> n.asText()).containsExactly(canary.id(), seen.id());
    assertThat(query.path("_source").get(0).asText()).isEqualTo("canary.id");
    assertThat(found.get(seen.id())).isEqualTo(Lookup.found(1, NOW));
    assertThat(found.get(canary.id()).status()).isEqualTo(Status.UNREACHABLE);
    assertThat(found.get(canary.id()).reason()).isEqualTo(
        "elasticsearch at " + es.url() + " searched inference-logs-* but 1 of 3 shards failed");
  }

  @Test
  void aBatchToAClusterThatNeverAnswersCostsOneTimeoutForEveryCanary() {
    es = LoopbackHttp.start(req -> Reply.NEVER);
    CanaryRecord other = CanaryRecord.create(2, NOW, "inference", "oob-1", Map.of());

    Map<String, Lookup> found =
        stage(null, null, null, Duration.ofMillis(300)).lookupAll(java.util.List.of(canary, other));

    assertThat(es.requests()).hasSize(1);
    assertThat(found.values()).extracting(Lookup::reason)
        .containsOnly("elasticsearch at " + es.url() + " did not answer within 0.3s");
  }

  @Test
  void aClusterThatNeverAnswersIsUnreachableWithinTheTimeout() {
    es = LoopbackHttp.start(req -> Reply.NEVER);
    ElasticsearchStage stage = stage(null, null, null, Duration.ofMillis(300));

    long t0 = System.nanoTime();
    Lookup lookup = stage.lookup(canary);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(lookup.reason()).isEqualTo("elasticsearch at " + es.url() + " did not answer within 0.3s");
    assertThat(lookup.status()).isEqualTo(Status.UNREACHABLE);
    assertThat(took).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void aBodyThatIsNotJsonIsUnreachable() {
    es = LoopbackHttp.start(req -> Reply.json(200, "<html>proxy login</html>"));

    Lookup lookup = stage(null, null, null, Duration.ofSeconds(5)).lookup(canary);

    assertThat(lookup.status()).isEqualTo(Status.UNREACHABLE);
    assertThat(lookup.reason()).contains("not JSON");
  }

  @Test
  void secretsAreMaskedInToString() {
    ElasticsearchConfig cfg =
        new ElasticsearchConfig("https://es:9200", "logs-*", API_KEY, "oobwatch", PASSWORD, Duration.ofSeconds(5));

    assertThat(cfg.toString()).doesNotContain(API_KEY).doesNotContain(PASSWORD).contains("apiKey=***", "password=***");
    assertThat(new ElasticsearchStage("es", cfg, http, clock).toString()).doesNotContain(API_KEY).doesNotContain(PASSWORD);
  }
}
