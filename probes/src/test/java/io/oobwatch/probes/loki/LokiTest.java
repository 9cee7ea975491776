package io.oobwatch.probes.loki;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.Stage;
import io.oobwatch.testkit.FakeLoki;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.TestClock;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The loki entry, stage and freshness against a loopback Loki that follows the HTTP API reference. */
class LokiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SELECTOR = "{service=\"inference\", env=\"prod\"}";
  static final Map<String, String> LABELS = Map.of("service", "inference", "env", "prod");

  final TestClock clock = new TestClock(Instant.parse("2026-11-30T10:00:00Z"));
  final ProbeContext ctx = new ProbeContext(HttpClient.newHttpClient(), clock);
  FakeLoki loki = FakeLoki.basic("team-a", "oobwatch", "s3cret");

  @AfterEach
  void stop() {
    loki.close();
  }

  LokiConfig cfg(String url, String password) {
    return new LokiConfig(url, "team-a", "oobwatch", password, null, Duration.ofSeconds(2));
  }

  static final Duration POLL = Duration.ofSeconds(5);

  Stage stage(LokiStageConfig.Match match) {
    return new LokiStageConfig(cfg(loki.url(), "s3cret"), SELECTOR, match, POLL).open("loki", ctx);
  }

  CanaryRecord canary() {
    return CanaryRecord.create(1, clock.instant(), "inference-logs", "wd-1", Map.of());
  }

  Injection push(CanaryRecord c) {
    return new LokiEntryConfig(cfg(loki.url(), "s3cret"), LABELS).open(ctx).inject(c);
  }

  static Map<String, String> params(String raw) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (String kv : raw.split("&")) {
      String[] p = kv.split("=", 2);
      out.put(p[0], URLDecoder.decode(p[1], StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void aPushedCanaryCarriesItsIdInStructuredMetadataNotInALabelAndIsFoundByLineOrByMetadata() throws Exception {
    CanaryRecord c = canary();

    Injection injection = push(c);

    assertThat(injection.ok()).as(injection.reason()).isTrue();
    LoopbackHttp.Request pushed = loki.requests().get(0);
    assertThat(pushed.line()).isEqualTo("POST /loki/api/v1/push");
    assertThat(pushed.header("X-Scope-OrgID")).isEqualTo("team-a");
    assertThat(pushed.header("Authorization")).startsWith("Basic ");
    JsonNode stream = JSON.readTree(pushed.body()).path("streams").get(0);
    assertThat(stream.path("stream").toString()).isEqualTo("{\"env\":\"prod\",\"service\":\"inference\"}");
    JsonNode entry = stream.path("values").get(0);
    assertThat(entry.get(0).asText()).isEqualTo(Long.toString(LokiApi.nanos(c.emittedAt())));
    assertThat(JSON.readTree(entry.get(1).asText()).path("canary").path("id").asText()).isEqualTo(c.id());
    assertThat(entry.get(2).path("canary_id").asText()).isEqualTo(c.id());
    assertThat(loki.entries()).singleElement().satisfies(e -> assertThat(e.stream()).doesNotContainKey("canary_id"));

    clock.advance(Duration.ofSeconds(2));
    Lookup byLine = stage(LokiStageConfig.Match.LINE).lookup(c);
    Lookup byMetadata = stage(LokiStageConfig.Match.METADATA).lookup(c);

    assertThat(byLine.status()).as(byLine.reason()).isEqualTo(Lookup.Status.FOUND);
    assertThat(byLine.count()).isEqualTo(1);
    assertThat(byMetadata.status()).as(byMetadata.reason()).isEqualTo(Lookup.Status.FOUND);
    Map<String, String> q = params(loki.requests().get(1).rawQuery());
    assertThat(q).containsEntry("query", SELECTOR + " |= \"" + c.id() + "\"")
        .containsEntry("direction", "backward").containsEntry("limit", "20")
        .containsEntry("start", Long.toString(LokiApi.nanos(c.emittedAt().minus(Duration.ofMinutes(5)))))
        .containsEntry("end", Long.toString(LokiApi.nanos(clock.instant().plus(Duration.ofMinutes(5)))));
    assertThat(params(loki.requests().get(2).rawQuery()))
        .containsEntry("query", SELECTOR + " | canary_id=\"" + c.id() + "\"");
  }

  Map<String, Lookup> armedAndLookedUp(Stage s, List<CanaryRecord> canaries) {
    canaries.forEach(s::arm);
    return s.lookupAll(canaries);
  }

  @Test
  void canariesInFlightAreAskedForInOneQueryByLineAndByMetadata() {
    CanaryRecord first = canary();
    clock.advance(Duration.ofSeconds(10));
    CanaryRecord second = CanaryRecord.create(2, clock.instant(), "inference-logs", "wd-1", Map.of());
    CanaryRecord never = CanaryRecord.create(3, clock.instant(), "inference-logs", "wd-1", Map.of());
    push(first);
    push(second);
    push(second);
    clock.advance(Duration.ofSeconds(2));
    int before = loki.requests().size();

    List<CanaryRecord> all = List.of(first, second, never);
    Map<String, Lookup> byLine = armedAndLookedUp(stage(LokiStageConfig.Match.LINE), all);
    Map<String, Lookup> byMetadata = armedAndLookedUp(stage(LokiStageConfig.Match.METADATA), all);

    for (Map<String, Lookup> found : List.of(byLine, byMetadata)) {
      assertThat(found.get(first.id()).count()).isEqualTo(1);
      assertThat(found.get(second.id()).count()).isEqualTo(2);
      assertThat(found.get(never.id()).status()).isEqualTo(Lookup.Status.NOT_FOUND);
    }
    assertThat(loki.requests()).hasSize(before + 2);
    String any = first.id() + "|" + second.id() + "|" + never.id();
    assertThat(params(loki.requests().get(before).rawQuery()))
        .containsEntry("query", SELECTOR + " |~ \"" + any + "\"").containsEntry("limit", "60")
        .containsEntry("start", Long.toString(LokiApi.nanos(first.emittedAt().minus(Duration.ofMinutes(5)))));
    assertThat(params(loki.requests().get(before + 1).rawQuery()))
        .containsEntry("query", SELECTOR + " | canary_id=~\"" + any + "\"");
  }

  @Test
  void aLokiThatAcceptsPushesButLosesThemIsNotFoundNamingTheSelector() {
    loki.dropPushes(true);
    CanaryRecord c = canary();
    assertThat(push(c).ok()).isTrue();
    clock.advance(Duration.ofSeconds(2));

    Lookup l = stage(LokiStageConfig.Match.METADATA).lookup(c);

    assertThat(l.status()).isEqualTo(Lookup.Status.NOT_FOUND);
    assertThat(l.reason()).isEqualTo("not in loki " + SELECTOR + " (loki at " + loki.url() + " (tenant team-a))"
        + " 2s after emission");
  }

  @Test
  void aStageQueriesAtMostOncePerPollForEveryCanaryInFlight() {
    Stage s = stage(LokiStageConfig.Match.LINE);
    CanaryRecord first = canary();
    s.arm(first);
    assertThat(s.lookup(first).status()).isEqualTo(Lookup.Status.NOT_FOUND);
    clock.advance(Duration.ofSeconds(1));
    CanaryRecord second = CanaryRecord.create(2, clock.instant(), "inference-logs", "wd-1", Map.of());
    s.arm(second);
    push(first);
    push(second);

    // four tracker rounds within the poll: answered from the first query
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofMillis(250));
      assertThat(s.lookupAll(List.of(first, second))).allSatisfy((id, l) -> assertThat(l.status())
          .isEqualTo(Lookup.Status.NOT_FOUND));
    }
    assertThat(loki.requests().stream().filter(r -> r.path().endsWith("/query_range"))).hasSize(1);
    assertThat(s.lookup(second).reason()).isEqualTo("not queried in loki yet (at most every 5s)");

    clock.advance(POLL);
    Map<String, Lookup> found = s.lookupAll(List.of(first, second));

    assertThat(found).allSatisfy((id, l) -> assertThat(l.status()).isEqualTo(Lookup.Status.FOUND));
    assertThat(loki.requests().stream().filter(r -> r.path().endsWith("/query_range"))).hasSize(2);
  }

  @Test
  void aLokiThatIsDownIsUnreachableNeverLost() {
    String down = LoopbackHttp.closedPortUrl();
    Stage s = new LokiStageConfig(cfg(down, "s3cret"), SELECTOR, LokiStageConfig.Match.LINE, POLL).open("loki", ctx);

    Lookup l = s.lookup(canary());

    assertThat(l.status()).isEqualTo(Lookup.Status.UNREACHABLE);
    assertThat(l.reason()).isEqualTo("loki at " + down + " (tenant team-a) refused the connection");
  }

  @Test
  void rejectedCredentialsAreTheirOwnReasonAndTheSecretIsNeverInIt() {
    Stage s = new LokiStageConfig(cfg(loki.url(), "wrong-password"), SELECTOR, LokiStageConfig.Match.LINE, POLL).open("loki", ctx);

    Lookup l = s.lookup(canary());
    Injection i = new LokiEntryConfig(cfg(loki.url(), "wrong-password"), LABELS).open(ctx).inject(canary());

    assertThat(l.status()).isEqualTo(Lookup.Status.UNREACHABLE);
    assertThat(l.reason()).contains("rejected the credentials (HTTP 401) for the query").doesNotContain("wrong-password");
    assertThat(i.ok()).isFalse();
    assertThat(i.reason()).contains("rejected the credentials (HTTP 401) for the push");
  }

  @Test
  void aRateLimitIsRateLimitedNeverNotFoundAndHoldsTheNextQueriesBack() {
    loki.answerEverything(429, "too many outstanding requests");
    Stage s = stage(LokiStageConfig.Match.LINE);
    CanaryRecord c = canary();

    Lookup limited = s.lookup(c);
    clock.advance(Duration.ofSeconds(3));
    Lookup held = s.lookup(c);

    assertThat(limited.status()).isEqualTo(Lookup.Status.RATE_LIMITED);
    assertThat(limited.reason()).endsWith("limited the query (HTTP 429: too many outstanding requests); next query in 10s");
    assertThat(held.status()).isEqualTo(Lookup.Status.RATE_LIMITED);
    assertThat(held.reason()).endsWith("; next query in 7s");
    assertThat(loki.requests()).hasSize(1);

    loki.answerEverything(0, "");
    assertThat(push(c).ok()).isTrue();
    clock.advance(Duration.ofSeconds(8));
    assertThat(s.lookup(c).status()).isEqualTo(Lookup.Status.FOUND);
  }

  @Test
  void aRetryAfterFromAGatewayHoldsTheQueriesBackThatLong() {
    loki.rateLimit("rate limited", 30);
    Stage s = stage(LokiStageConfig.Match.LINE);
    CanaryRecord c = canary();

    assertThat(s.lookup(c).status()).isEqualTo(Lookup.Status.RATE_LIMITED);
    clock.advance(Duration.ofSeconds(20));
    Lookup held = s.lookup(c);

    assertThat(held.status()).isEqualTo(Lookup.Status.RATE_LIMITED);
    assertThat(held.reason()).endsWith("limited the query (HTTP 429: rate limited); next query in 10s");
    assertThat(loki.requests()).hasSize(1);

    loki.answerEverything(0, "");
    push(c);
    clock.advance(Duration.ofSeconds(10));
    assertThat(s.lookup(c).status()).isEqualTo(Lookup.Status.FOUND);
    assertThat(loki.requests().stream().filter(r -> r.path().endsWith("/query_range"))).hasSize(2);
  }

  @Test
  void lokisMaxQueryLengthAnswerIsALimitNotAnOutage() {
    loki.answerEverything(400, "the query time range exceeds the limit (query length: 745h0m0s, limit: 721h0m0s)");

    Lookup l = stage(LokiStageConfig.Match.LINE).lookup(canary());

    assertThat(l.status()).isEqualTo(Lookup.Status.RATE_LIMITED);
    assertThat(l.reason()).contains("limited the query (HTTP 400: the query time range exceeds the limit");
  }

  @Test
  void badLogQlIsLokisParseErrorAndUnreachable() {
    loki.close();
    loki = FakeLoki.open();
    var api = new LokiApi(new LokiConfig(loki.url(), null, null, null, null, Duration.ofSeconds(2)), ctx.http());

    LokiApi.Reply r = api.queryRange("{service=\"inference\" |= \"x\"", clock.instant().minusSeconds(60), clock.instant(), 10,
        clock.instant());
    LokiApi.Reply empty = api.queryRange("{service=~\".*\"}", clock.instant().minusSeconds(60), clock.instant(), 10,
        clock.instant());

    assertThat(r.outcome()).isEqualTo(LokiApi.Outcome.FAILED);
    assertThat(r.reason()).endsWith("answered the query with HTTP 400: parse error at line 1, col 22: syntax error: unexpected |");
    assertThat(empty.reason()).contains("HTTP 400: parse error : queries require at least one regexp or equality matcher");
  }

  @Test
  void freshnessIsTheNewestRealLineCanariesExcludedAndARateLimitRepeatsTheLastOneSeen() {
    LokiFreshnessConfig f = new LokiFreshnessConfig(cfg(loki.url(), "s3cret"), SELECTOR, Duration.ofHours(1));
    var probe = f.freshness(ctx);
    assertThat(probe.observe().kind()).isEqualTo(Observation.Kind.NONE);
    assertThat(probe.observe().note()).isEqualTo("no real (non-synthetic) line in loki " + SELECTOR + " in the last 1h");

    Instant real = clock.instant().minus(Duration.ofMinutes(3));
    loki.add(LABELS, LokiApi.nanos(real), "{\"msg\":\"inference done\",\"model\":\"m-1\"}");
    loki.add(Map.of("service", "other"), LokiApi.nanos(clock.instant()), "{\"msg\":\"another service\"}");
    push(canary()); // newer, but synthetic

    Observation o = probe.observe();
    assertThat(o.kind()).isEqualTo(Observation.Kind.VALUE);
    assertThat((long) o.value()).isEqualTo(real.toEpochMilli());

    loki.answerEverything(429, "Ingestion rate limit exceeded");
    clock.advance(Duration.ofMinutes(1));
    Observation limited = probe.observe();
    assertThat(limited.kind()).isEqualTo(Observation.Kind.VALUE);
    assertThat((long) limited.value()).isEqualTo(real.toEpochMilli());
    assertThat(limited.note()).contains("limited the query (HTTP 429");

    loki.answerEverything(503, "");
    clock.advance(Duration.ofMinutes(1));
    assertThat(probe.observe().kind()).isEqualTo(Observation.Kind.UNKNOWN);
  }

  @Test
  void aStagesRealTrafficIsItsNewestRealLineMovingWithRealLinesOnlyNeverWithCanaries() {
    var real = new LokiStageConfig(cfg(loki.url(), "s3cret"), SELECTOR, LokiStageConfig.Match.LINE, POLL)
        .realTraffic(ctx).orElseThrow();
    assertThat(real.arrived()).isEqualTo("ingested");
    var traffic = real.newest();
    Instant first = clock.instant().minusSeconds(3);
    loki.add(LABELS, LokiApi.nanos(first), "{\"msg\":\"inference done\"}");
    assertThat((long) traffic.observe().value()).isEqualTo(first.toEpochMilli());

    clock.advance(Duration.ofSeconds(2));
    push(canary()); // a canary arriving is not real traffic
    assertThat((long) traffic.observe().value()).isEqualTo(first.toEpochMilli());

    Instant second = clock.instant().minusSeconds(1);
    loki.add(LABELS, LokiApi.nanos(second), "{\"msg\":\"inference done\"}");
    assertThat((long) traffic.observe().value()).isEqualTo(second.toEpochMilli());
  }
}
