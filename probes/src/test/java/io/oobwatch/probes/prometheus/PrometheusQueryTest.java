package io.oobwatch.probes.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Observation;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import io.oobwatch.testkit.TestClock;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Against a loopback server that answers like Prometheus' HTTP API: {@code GET /api/v1/query} with
 * the expression in {@code query}, answers in Prometheus' JSON envelope, errors as 400 with
 * {@code errorType}, 401 without the bearer token when one is required.
 */
class PrometheusQueryTest {
  private static final String QUERY = "sum(rate(inference_requests_total{service=\"support-bot\"}[5m]))";
  private final TestClock clock = TestClock.at("2025-03-03T08:00:00Z");
  private final HttpClient http = HttpClient.newHttpClient();
  private LoopbackHttp server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** A stub Prometheus whose query endpoint answers {@code answer(query)}; anything else is a 404. */
  private String prometheus(String token, Function<String, Reply> answer) {
    server = LoopbackHttp.start(req -> {
      if (!req.method().equals("GET") || !req.path().equals("/api/v1/query")) {
        return Reply.json(404, "404 page not found");
      }
      if (token != null && !("Bearer " + token).equals(req.header("Authorization"))) {
        return Reply.json(401, "Unauthorized");
      }
      String q = params(req.rawQuery()).get("query");
      if (q == null || q.isBlank()) {
        return Reply.json(400, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"query\\\": unknown\"}");
      }
      return answer.apply(q);
    });
    return server.url();
  }

  private static Map<String, String> params(String raw) {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    if (raw == null) {
      return out;
    }
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      out.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static Reply vector(String... values) {
    StringBuilder b = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[");
    for (int i = 0; i < values.length; i++) {
      b.append(i == 0 ? "" : ",").append("{\"metric\":{\"instance\":\"i").append(i)
          .append("\"},\"value\":[1741000000.123,\"").append(values[i]).append("\"]}");
    }
    return Reply.json(200, b.append("]}}").toString());
  }

  private Observation observe(String url, String token) {
    return new PrometheusQuery(new PrometheusConfig(url, QUERY, token, Duration.ofSeconds(2)), http, clock).observe();
  }

  @Test
  void aOneSeriesVectorPerSecondIsObservedPerMinuteAndTheQueryArrivesIntact() {
    String url = prometheus(null, q -> q.equals(QUERY) ? vector("6.87") : vector());

    Observation o = observe(url, null);

    assertThat(o.kind()).isEqualTo(Observation.Kind.VALUE);
    assertThat(o.value()).isCloseTo(412.2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(o.at()).isEqualTo(clock.instant());
  }

  @Test
  void aScalarResultIsAValueToo() {
    String url = prometheus(null, q -> Reply.json(200,
        "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1741000000.1,\"2\"]}}"));

    assertThat(observe(url, null).value()).isEqualTo(120.0);
  }

  @Test
  void noSeriesIsNoneNeverZero() {
    String url = prometheus(null, q -> vector());

    Observation o = observe(url, null);

    assertThat(o.kind()).isEqualTo(Observation.Kind.NONE);
    assertThat(o.note()).startsWith("the query returned no series");
  }

  @Test
  void severalSeriesAreUnknownWithTheFix() {
    String url = prometheus(null, q -> vector("1", "2", "3"));

    Observation o = observe(url, null);

    assertThat(o.kind()).isEqualTo(Observation.Kind.UNKNOWN);
    assertThat(o.note()).contains("returned 3 series; wrap it in sum(...)");
  }

  @Test
  void aNanSampleIsNone() {
    String url = prometheus(null, q -> vector("NaN"));

    assertThat(observe(url, null).kind()).isEqualTo(Observation.Kind.NONE);
  }

  @Test
  void aRejectedQueryIsUnknownWithPrometheusOwnError() {
    String url = prometheus(null, q -> Reply.json(400,
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:5: parse error: unexpected end of input\"}"));

    Observation o = observe(url, null);

    assertThat(o.kind()).isEqualTo(Observation.Kind.UNKNOWN);
    assertThat(o.note()).isEqualTo("prometheus at " + url + " rejected the query (bad_data: 1:5: parse error: unexpected end of input)");
  }

  @Test
  void theBearerTokenIsSentAndAMissingOneIsUnknownNotZero() {
    String url = prometheus("s3cr3t", q -> vector("1"));

    assertThat(observe(url, "s3cr3t").value()).isEqualTo(60.0);
    Observation rejected = observe(url, null);
    assertThat(rejected.kind()).isEqualTo(Observation.Kind.UNKNOWN);
    assertThat(rejected.note()).contains("rejected the credentials (HTTP 401)");
  }

  @Test
  void aRangeVectorIsUnknownWithTheFix() {
    String url = prometheus(null, q -> Reply.json(200,
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}"));

    assertThat(observe(url, null).note()).contains("returned a matrix, not one number");
  }

  @Test
  void aRefusedConnectionIsUnknownWithTheReason() {
    String url = LoopbackHttp.closedPortUrl();

    Observation o = observe(url, null);

    assertThat(o.kind()).isEqualTo(Observation.Kind.UNKNOWN);
    assertThat(o.note()).isEqualTo("prometheus at " + url + " refused the connection");
  }

  @Test
  void theTokenNeverAppearsInToString() {
    assertThat(new PrometheusConfig("http://u:pw@p:9090", QUERY, "s3cr3t", Duration.ofSeconds(1)).toString())
        .doesNotContain("s3cr3t").doesNotContain("pw");
  }
}
