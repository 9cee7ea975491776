package io.oobwatch.probes.langfuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.Stage;
import io.oobwatch.testkit.FakeLangfuse;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.TestClock;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The langfuse entry, stage and freshness against a loopback Langfuse that follows its public API reference. */
class LangfuseTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PK = "pk-lf-1234";
  static final String SK = "sk-lf-s3cret-5678";
  static final Duration POLL = Duration.ofSeconds(1);

  final TestClock clock = new TestClock(Instant.parse("2026-11-30T10:00:00Z"));
  final ProbeContext ctx = new ProbeContext(HttpClient.newHttpClient(), clock);
  FakeLangfuse langfuse = FakeLangfuse.start(PK, SK, clock);

  @AfterEach
  void stop() {
    langfuse.close();
  }

  LangfuseConfig cfg(String url, String secret) {
    return new LangfuseConfig(url, PK, secret, Duration.ofSeconds(2));
  }

  Stage stage(LangfuseStageConfig.Api api) {
    return new LangfuseStageConfig(cfg(langfuse.url(), SK), api, POLL).open("langfuse", ctx);
  }

  /** A canary emitted one poll ago: the stage looks it up at once. */
  CanaryRecord canary() {
    return CanaryRecord.create(7, clock.instant().minus(POLL), "llm-traces", "wd-1", Map.of("service", "support-bot"));
  }

  Injection send(CanaryRecord c) {
    return new LangfuseEntryConfig(cfg(langfuse.url(), SK)).open(ctx).inject(c);
  }

  static Map<String, String> params(String raw) {
    Map<String, String> out = new TreeMap<>();
    for (String kv : raw.split("&")) {
      String[] p = kv.split("=", 2);
      out.put(p[0], URLDecoder.decode(p[1], StandardCharsets.UTF_8));
    }
    return out;
  }

  static String attribute(JsonNode span, String key) {
    for (JsonNode kv : span.path("attributes")) {
      if (kv.path("key").asText().equals(key)) {
        return kv.path("value").toString();
      }
    }
    return null;
  }

  @Test
  void aCanaryGoesInAsOneOtlpSpanWhoseTraceIdIsTheCanaryIdWithoutDashesAndCarriesTheCanaryFields() throws Exception {
    CanaryRecord c = canary();

    Injection injection = send(c);

    assertThat(injection.ok()).as(injection.reason()).isTrue();
    LoopbackHttp.Request sent = langfuse.requests().get(0);
    assertThat(sent.line()).isEqualTo("POST /api/public/otel/v1/traces");
    assertThat(sent.header("Content-Type")).isEqualTo("application/json");
    assertThat(sent.header("x-langfuse-ingestion-version")).isEqualTo("4");
    assertThat(new String(Base64.getDecoder().decode(sent.header("Authorization").substring("Basic ".length())),
        StandardCharsets.UTF_8)).isEqualTo(PK + ":" + SK);
    JsonNode span = JSON.readTree(sent.body()).path("resourceSpans").get(0).path("scopeSpans").get(0).path("spans").get(0);
    String traceId = c.id().replace("-", "");
    assertThat(span.path("traceId").asText()).isEqualTo(traceId).hasSize(32);
    assertThat(span.path("spanId").asText()).matches("[0-9a-f]{16}");
    long start = c.emittedAt().getEpochSecond() * 1_000_000_000L + c.emittedAt().getNano();
    assertThat(span.path("startTimeUnixNano").isTextual()).isTrue();
    assertThat(span.path("startTimeUnixNano").asText()).isEqualTo(Long.toString(start));
    assertThat(Long.parseLong(span.path("endTimeUnixNano").asText())).isGreaterThan(start);
    assertThat(attribute(span, "canary.id")).isEqualTo("{\"stringValue\":\"" + c.id() + "\"}");
    assertThat(attribute(span, "canary.seq")).isEqualTo("{\"intValue\":\"7\"}");
    assertThat(attribute(span, "synthetic")).isEqualTo("{\"boolValue\":true}");
    assertThat(attribute(span, "service")).isEqualTo("{\"stringValue\":\"support-bot\"}");
    assertThat(langfuse.traces()).singleElement().satisfies(t -> {
      assertThat(t.id()).isEqualTo(traceId);
      assertThat(t.name()).isEqualTo("oobwatch-canary");
      assertThat(t.tags()).contains("synthetic");
    });
  }

  @Test
  void theTraceIsFoundThroughBothApiGenerationsOnlyOnceLangfuseHasIngestedIt() {
    langfuse.ingestionDelay(Duration.ofSeconds(3));
    CanaryRecord c = canary();
    assertThat(send(c).ok()).isTrue();
    Stage v2 = stage(LangfuseStageConfig.Api.V2);
    Stage v1 = stage(LangfuseStageConfig.Api.V1);

    Lookup earlyV2 = v2.lookup(c);
    Lookup earlyV1 = v1.lookup(c);
    clock.advance(Duration.ofSeconds(3));
    Lookup laterV2 = v2.lookup(c);
    Lookup laterV1 = v1.lookup(c);

    String traceId = c.id().replace("-", "");
    assertThat(earlyV2.status()).isEqualTo(Lookup.Status.NOT_FOUND);
    assertThat(earlyV2.reason()).isEqualTo("no observation of trace " + traceId + " in langfuse at " + langfuse.url()
        + " (v2 observations) yet");
    assertThat(earlyV1.status()).isEqualTo(Lookup.Status.NOT_FOUND);
    assertThat(earlyV1.reason()).contains("not in langfuse at " + langfuse.url() + " (v1 traces) yet (HTTP 404)");
    assertThat(laterV2.status()).as(laterV2.reason()).isEqualTo(Lookup.Status.FOUND);
    assertThat(laterV2.count()).isEqualTo(1);
    assertThat(laterV1.status()).as(laterV1.reason()).isEqualTo(Lookup.Status.FOUND);
    List<LoopbackHttp.Request> reads = langfuse.requests().stream().filter(r -> r.method().equals("GET")).toList();
    assertThat(reads.get(0).path()).isEqualTo("/api/public/v2/observations");
    assertThat(params(reads.get(0).rawQuery())).containsEntry("traceId", traceId).containsEntry("fields", "core")
        .containsEntry("fromStartTime", c.emittedAt().minus(Duration.ofMinutes(5)).toString());
    assertThat(reads.get(1).line()).isEqualTo("GET /api/public/traces/" + traceId);
  }

  @Test
  void aStalledWorkerLeavesTheTraceUnreadableWhileTheExportIsAccepted() {
    langfuse.stallWorker(true);
    CanaryRecord c = canary();
    assertThat(send(c).ok()).isTrue();
    clock.advance(Duration.ofMinutes(2));

    Lookup stuck = stage(LangfuseStageConfig.Api.V2).lookup(c);
    langfuse.stallWorker(false);
    clock.advance(Duration.ofSeconds(1));
    Lookup after = stage(LangfuseStageConfig.Api.V2).lookup(c);

    assertThat(stuck.status()).isEqualTo(Lookup.Status.NOT_FOUND);
    assertThat(after.status()).isEqualTo(Lookup.Status.FOUND);
  }

  @Test
  void eachCanaryIsLookedUpFirstOnePollAfterEmissionThenAtMostOncePerPollAndStaysFoundUntilForgotten() {
    langfuse.ingestionDelay(Duration.ofMillis(1500));
    CanaryRecord c = CanaryRecord.create(1, clock.instant(), "llm-traces", "wd-1", Map.of());
    send(c);
    Stage s = stage(LangfuseStageConfig.Api.V2);

    Lookup tooEarly = s.lookup(c);
    clock.advance(POLL);
    Lookup first = s.lookup(c);
    clock.advance(Duration.ofMillis(600));
    Lookup repeated = s.lookup(c);
    clock.advance(Duration.ofMillis(400));
    Lookup second = s.lookup(c);
    clock.advance(Duration.ofSeconds(5));
    Lookup kept = s.lookup(c);
    long reads = langfuse.requests().stream().filter(r -> r.method().equals("GET")).count();
    s.forget(c);
    s.lookup(c);

    assertThat(tooEarly.status()).isEqualTo(Lookup.Status.NOT_FOUND);
    assertThat(tooEarly.reason()).isEqualTo("not looked up in langfuse yet (first 1s after emission, then at most every 1s)");
    assertThat(first.status()).isEqualTo(Lookup.Status.NOT_FOUND);
    assertThat(repeated).isEqualTo(first);
    assertThat(second.status()).isEqualTo(Lookup.Status.FOUND);
    assertThat(second.seenAt()).isEqualTo(c.emittedAt().plus(Duration.ofSeconds(2)));
    assertThat(kept).isEqualTo(second);
    assertThat(reads).isEqualTo(2);
    assertThat(langfuse.requests().stream().filter(r -> r.method().equals("GET")).count()).isEqualTo(3);
  }

  @Test
  void a207WithErrorsIsAFailureToQueryNotASuccess() {
    CanaryRecord c = canary();
    send(c);
    clock.advance(Duration.ofSeconds(2));
    langfuse.answerPartially("ClickHouse query timed out");

    Lookup l = stage(LangfuseStageConfig.Api.V2).lookup(c);

    assertThat(l.status()).isEqualTo(Lookup.Status.UNREACHABLE);
    assertThat(l.reason()).isEqualTo("langfuse at " + langfuse.url()
        + " answered the observation lookup only in part (HTTP 207, 1 error: ClickHouse query timed out)");
  }

  @Test
  void rejectedKeysAreTheirOwnReasonAndNeitherKeyIsInIt() {
    Stage s = new LangfuseStageConfig(cfg(langfuse.url(), "sk-lf-wrong"), LangfuseStageConfig.Api.V2, POLL).open("langfuse", ctx);

    Lookup l = s.lookup(canary());
    Injection i = new LangfuseEntryConfig(cfg(langfuse.url(), "sk-lf-wrong")).open(ctx).inject(canary());

    assertThat(l.status()).isEqualTo(Lookup.Status.UNREACHABLE);
    assertThat(l.reason()).startsWith("langfuse at " + langfuse.url() + " rejected the API keys (HTTP 401")
        .endsWith("for the observation lookup; check public_key_file and secret_key_file (one key pair of the project)")
        .doesNotContain("sk-lf-wrong").doesNotContain(PK);
    assertThat(i.ok()).isFalse();
    assertThat(i.reason()).contains("rejected the API keys (HTTP 401").contains("for the trace export");
  }

  @Test
  void aRateLimitIsRateLimitedNeverLostAndHoldsTheNextQueriesBack() {
    langfuse.failReads(429, "Rate limit exceeded");
    Stage s = stage(LangfuseStageConfig.Api.V2);
    CanaryRecord c = canary();

    Lookup limited = s.lookup(c);
    clock.advance(Duration.ofSeconds(4));
    Lookup held = s.lookup(c);

    assertThat(limited.status()).isEqualTo(Lookup.Status.RATE_LIMITED);
    assertThat(limited.reason()).isEqualTo("langfuse rate-limited the observation lookup (HTTP 429: Rate limit exceeded)");
    assertThat(held.status()).isEqualTo(Lookup.Status.RATE_LIMITED);
    assertThat(held.reason()).endsWith("; next query in 6s");
    assertThat(langfuse.requests()).hasSize(1);
  }

  @Test
  void anApiThatAnswers503OrRefusesIsUnreachableNeverLost() {
    langfuse.failReads(503, "upstream unavailable");
    String down = LoopbackHttp.closedPortUrl();

    Lookup failing = stage(LangfuseStageConfig.Api.V1).lookup(canary());
    Lookup refused = new LangfuseStageConfig(cfg(down, SK), LangfuseStageConfig.Api.V2, POLL).open("langfuse", ctx).lookup(canary());

    assertThat(failing.status()).isEqualTo(Lookup.Status.UNREACHABLE);
    assertThat(failing.reason()).isEqualTo("langfuse at " + langfuse.url()
        + " answered the trace lookup with HTTP 503: upstream unavailable");
    assertThat(refused.status()).isEqualTo(Lookup.Status.UNREACHABLE);
    assertThat(refused.reason()).isEqualTo("langfuse at " + down + " refused the connection");
  }

  @Test
  void anOtlpPartialSuccessIsAFailedInjectionWithLangfusesMessage() {
    langfuse.rejectSpans("span attributes too large");

    Injection i = send(canary());

    assertThat(i.ok()).isFalse();
    assertThat(i.reason()).isEqualTo("langfuse at " + langfuse.url()
        + " rejected the canary span (OTLP partial success, 1 rejected: span attributes too large)");
    assertThat(langfuse.traces()).isEmpty();
  }

  @Test
  void theV2ApiOnASelfHostedV3SaysToUseV1() {
    langfuse.close();
    langfuse = FakeLangfuse.selfHostedV3(PK, SK, clock);

    Lookup l = stage(LangfuseStageConfig.Api.V2).lookup(canary());

    assertThat(l.status()).isEqualTo(Lookup.Status.UNREACHABLE);
    assertThat(l.reason()).contains("HTTP 404").endsWith("this Langfuse has no v2 observations API (self-hosted v3?);"
        + " write api: v1 for it");
  }

  @Test
  void freshnessIsTheNewestRealTraceWithCanariesLeftOut() {
    var probe = new LangfuseFreshnessConfig(cfg(langfuse.url(), SK), Duration.ofHours(1)).freshness(ctx);
    Observation empty = probe.observe();
    Instant real = clock.instant().minus(Duration.ofMinutes(3));
    langfuse.addTrace("a".repeat(32), "chat-completion", real, List.of("prod"));
    langfuse.addTrace("b".repeat(32), "chat-completion", clock.instant().minus(Duration.ofHours(2)), List.of());
    send(canary());
    clock.advance(Duration.ofSeconds(2));

    Observation o = probe.observe();

    assertThat(empty.kind()).isEqualTo(Observation.Kind.NONE);
    assertThat(empty.note()).isEqualTo("no real (non-synthetic) trace in langfuse traces at " + langfuse.url()
        + " in the last 1h");
    assertThat(o.kind()).isEqualTo(Observation.Kind.VALUE);
    assertThat(o.value()).isEqualTo((double) real.toEpochMilli());
    LoopbackHttp.Request list = langfuse.requests().get(langfuse.requests().size() - 1);
    assertThat(list.path()).isEqualTo("/api/public/traces");
    assertThat(params(list.rawQuery())).containsEntry("orderBy", "timestamp.desc").containsEntry("limit", "50")
        .containsEntry("filter", "[{\"type\":\"arrayOptions\",\"column\":\"tags\",\"operator\":\"none of\",\"value\":[\"synthetic\"]}]");
  }

  @Test
  void freshnessSkipsCanariesItselfWhenLangfuseIgnoresTheFilter() throws Exception {
    Instant real = clock.instant().minus(Duration.ofMinutes(1));
    String answer = "{\"data\":[{\"id\":\"c1\",\"name\":\"oobwatch-canary\",\"tags\":[\"synthetic\"],\"timestamp\":\""
        + clock.instant() + "\"},{\"id\":\"r1\",\"name\":\"chat\",\"tags\":[],\"timestamp\":\"" + real + "\"}],"
        + "\"meta\":{\"page\":1,\"limit\":50,\"totalItems\":2,\"totalPages\":1}}";
    try (LoopbackHttp old = LoopbackHttp.start(req -> new LoopbackHttp.Reply(200, answer))) {
      Observation o = new LangfuseFreshnessConfig(cfg(old.url(), SK), Duration.ofHours(1)).freshness(ctx).observe();

      assertThat(o.value()).isEqualTo((double) real.toEpochMilli());
    }
  }
}
