package io.oobwatch.watchdog.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.ApiException;
import com.datadog.api.client.v2.api.LogsApi;
import com.datadog.api.client.v2.model.HTTPLogItem;
import com.datadog.api.client.v2.model.Log;
import com.datadog.api.client.v2.model.LogsAggregateRequest;
import com.datadog.api.client.v2.model.LogsAggregateResponse;
import com.datadog.api.client.v2.model.LogsAggregationFunction;
import com.datadog.api.client.v2.model.LogsCompute;
import com.datadog.api.client.v2.model.LogsComputeType;
import com.datadog.api.client.v2.model.LogsListRequest;
import com.datadog.api.client.v2.model.LogsListRequestPage;
import com.datadog.api.client.v2.model.LogsListResponse;
import com.datadog.api.client.v2.model.LogsQueryFilter;
import com.datadog.api.client.v2.model.LogsSort;
import io.oobwatch.testkit.FakeDatadog;
import io.oobwatch.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * FakeDatadog answers Datadog's own Java client (com.datadoghq:datadog-api-client) as Datadog
 * does: the client sends its requests for intake, search and aggregate to the fake and parses its
 * answers into its models, so a mistake in the fake's shapes fails here.
 */
class FakeDatadogClientTest {
  private static final String API_KEY = "dd-api-0123456789abcdef";
  private static final String APP_KEY = "dd-app-0123456789abcdef";
  private final TestClock clock = TestClock.at("2026-11-30T10:00:00Z");
  private final FakeDatadog fake = FakeDatadog.start(API_KEY, APP_KEY, clock);

  @AfterEach
  void stop() {
    fake.close();
  }

  /** The official client pointed at the fake for every operation, the intake's included. */
  private LogsApi logs(String apiKey, String appKey) {
    ApiClient client = new ApiClient() {
      {
        operationServers.clear(); // the intake has its own host at Datadog; here one fake serves both
      }
    };
    client.setServerIndex(1);
    client.setServerVariables(Map.of("protocol", "http", "name", fake.baseUrl().substring("http://".length())));
    client.configureApiKeys(Map.of("apiKeyAuth", apiKey, "appKeyAuth", appKey));
    return new LogsApi(client);
  }

  private LogsApi logs() {
    return logs(API_KEY, APP_KEY);
  }

  private static HTTPLogItem item(String id, boolean synthetic) {
    HTTPLogItem item = new HTTPLogItem().message("inference done").ddsource("oobwatch").service("inference-api")
        .hostname("host-1").ddtags("env:test");
    item.putAdditionalProperty("canary", Map.of("id", id));
    item.putAdditionalProperty("synthetic", synthetic);
    return item;
  }

  @Test
  void theClientsIntakeRequestIsAccepted() throws Exception {
    logs().submitLog(List.of(item("c-1", true), item("c-2", true)));

    assertThat(fake.accepted()).isEqualTo(2);
  }

  @Test
  void theClientsSearchFindsAnIndexedLogAndParsesIt() throws Exception {
    logs().submitLog(List.of(item("c-1", true), item("c-2", true)));
    clock.advance(Duration.ofSeconds(5));

    LogsListResponse r = logs().listLogs(new LogsApi.ListLogsOptionalParameters().body(new LogsListRequest()
        .filter(new LogsQueryFilter().query("@canary.id:(\"c-1\" OR c-9) service:inference-api").from("now-15m").to("now")
            .indexes(List.of("main")))
        .sort(LogsSort.TIMESTAMP_ASCENDING)
        .page(new LogsListRequestPage().limit(10))));

    assertThat(r.getData()).hasSize(1);
    Log log = r.getData().get(0);
    assertThat(log.getAttributes().getService()).isEqualTo("inference-api");
    assertThat(log.getAttributes().getHost()).isEqualTo("host-1");
    assertThat(log.getAttributes().getTags()).containsExactly("env:test");
    assertThat(log.getAttributes().getAttributes()).containsEntry("canary", Map.of("id", "c-1"));
    assertThat(log.getAttributes().getTimestamp().toInstant()).isEqualTo(Instant.parse("2026-11-30T10:00:00Z"));
    assertThat(r.getMeta().getStatus().getValue()).isEqualTo("done");
  }

  @Test
  void theClientPagesThroughTheCursor() throws Exception {
    for (int i = 0; i < 5; i++) {
      fake.log("main", clock.instant(), Map.of("n", i));
    }
    clock.advance(Duration.ofSeconds(5));
    LogsApi api = logs();

    LogsListResponse first = api.listLogs(new LogsApi.ListLogsOptionalParameters().body(new LogsListRequest()
        .filter(new LogsQueryFilter().query("*")).page(new LogsListRequestPage().limit(3))));
    LogsListResponse second = api.listLogs(new LogsApi.ListLogsOptionalParameters().body(new LogsListRequest()
        .filter(new LogsQueryFilter().query("*"))
        .page(new LogsListRequestPage().limit(3).cursor(first.getMeta().getPage().getAfter()))));

    assertThat(first.getData()).hasSize(3);
    assertThat(second.getData()).hasSize(2);
    assertThat(second.getMeta().getPage()).isNull();
  }

  @Test
  void theClientsAggregateCountsRealLogsOnly() throws Exception {
    logs().submitLog(List.of(item("c-1", true), item("r-1", false), item("r-2", false)));
    clock.advance(Duration.ofSeconds(5));

    LogsAggregateResponse r = logs().aggregateLogs(new LogsAggregateRequest()
        .compute(List.of(new LogsCompute().aggregation(LogsAggregationFunction.COUNT).type(LogsComputeType.TOTAL)))
        .filter(new LogsQueryFilter().query("-@synthetic:true").from("now-15m").to("now")));

    Object c0 = r.getData().getBuckets().get(0).getComputes().get("c0").getActualInstance();
    assertThat(((Number) c0).longValue()).isEqualTo(2);
  }

  @Test
  void theClientsTimeseriesAggregateIsParsed() throws Exception {
    fake.log("main", clock.instant().minus(Duration.ofMinutes(3)), Map.of("n", 1));
    clock.advance(Duration.ofSeconds(5));

    LogsAggregateResponse r = logs().aggregateLogs(new LogsAggregateRequest()
        .compute(List.of(new LogsCompute().aggregation(LogsAggregationFunction.COUNT).type(LogsComputeType.TIMESERIES)
            .interval("1m")))
        .filter(new LogsQueryFilter().query("*").from("now-10m").to("now")));

    assertThat(r.getData().getBuckets().get(0).getComputes().get("c0").getActualInstance()).asList().hasSize(1);
  }

  @Test
  void aWrongApplicationKeyIsRefusedWithDatadogs403() {
    assertThatThrownBy(() -> logs(API_KEY, "wrong").listLogs())
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          assertThat(e.getResponseBody()).isEqualTo("{\"errors\":[\"Forbidden\"]}");
        });
  }

  @Test
  void anUnparseableQueryIsA400WithDatadogsErrorShape() {
    assertThatThrownBy(() -> logs().listLogs(new LogsApi.ListLogsOptionalParameters().body(new LogsListRequest()
        .filter(new LogsQueryFilter().query("@canary.id:(a OR")))))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.getCode()).isEqualTo(400);
          assertThat(e.getResponseBody()).startsWith("{\"errors\":[\"");
        });
  }

  @Test
  void aStormAnswers429WithTheRateLimitHeaders() {
    fake.rateLimitStorm(true);

    assertThatThrownBy(() -> logs().listLogs())
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.getCode()).isEqualTo(429);
          // header names are case-insensitive; the JDK's server writes them as X-ratelimit-reset
          assertThat(e.getResponseHeaders().keySet()).map(String::toLowerCase).contains("x-ratelimit-reset",
              "x-ratelimit-remaining", "x-ratelimit-limit", "x-ratelimit-period");
        });
  }
}
