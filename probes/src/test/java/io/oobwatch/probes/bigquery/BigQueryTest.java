package io.oobwatch.probes.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.QueryBytes;
import io.oobwatch.probes.Stage;
import io.oobwatch.testkit.FakeBigQuery;
import io.oobwatch.testkit.FakeBigQuery.Row;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.TestClock;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bigquery stage, freshness and volume against FakeBigQuery, on a test clock. */
class BigQueryTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PROJECT = "oobwatch-test";
  static final String EMAIL = "oobwatch@oobwatch-test.iam.gserviceaccount.com";
  static final KeyPair KEYS = FakeBigQuery.rsaKeyPair();
  static final long MIB = 1 << 20;

  @TempDir Path dir;
  final TestClock clock = new TestClock(Instant.parse("2026-12-01T01:00:00Z"));
  final ProbeContext ctx = new ProbeContext(HttpClient.newHttpClient(), clock);
  FakeBigQuery fake;
  String keyJson;

  @BeforeEach
  void start() throws Exception {
    fake = FakeBigQuery.start(PROJECT, "logs.inference", "EU", EMAIL, KEYS.getPublic());
    keyJson = Files.readString(fake.writeKeyFile(dir.resolve("key.json"), KEYS));
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  BigQueryConfig table(String url, long maxBytes) {
    return new BigQueryConfig(ServiceAccount.parse(keyJson), PROJECT, "EU", url, "logs.inference", "timestamp",
        maxBytes, Duration.ofSeconds(3));
  }

  Stage stage() {
    return new BigQueryStageConfig(table(fake.url(), 1L << 30), "canary.id", Duration.ofSeconds(10)).open("bigquery", ctx);
  }

  CanaryRecord canary(long seq) {
    return CanaryRecord.create(seq, clock.instant(), "inference-logs", "wd-1", Map.of());
  }

  /** The canary as the pipeline would have loaded it, a second after its emission. */
  void land(CanaryRecord c) {
    fake.insert(new Row(c.emittedAt().plusSeconds(1), c.id(), true));
  }

  /** A canary armed at {@code s}, landed in the table (or not), looked for {@code seconds} after its emission. */
  Lookup lookAfter(Stage s, boolean landed, long seconds) {
    CanaryRecord c = canary(1);
    s.arm(c);
    if (landed) {
      land(c);
    }
    clock.advance(Duration.ofSeconds(seconds));
    return s.lookup(c);
  }

  List<LoopbackHttp.Request> queries() {
    return fake.requests().stream().filter(r -> r.path().endsWith("/queries")).toList();
  }

  @Test
  void oneQueryLooksForEveryCanaryInFlightWithTheIdsAsAnArrayParameterInABoundedWindow() throws Exception {
    Stage s = stage();
    CanaryRecord first = canary(1);
    s.arm(first);
    land(first);
    clock.advance(Duration.ofSeconds(5));
    CanaryRecord second = canary(2);
    s.arm(second);
    land(second);
    clock.advance(Duration.ofSeconds(10));

    Lookup a = s.lookup(first);
    Lookup b = s.lookup(second);

    assertThat(a.status()).as(a.reason()).isEqualTo(Lookup.Status.FOUND);
    assertThat(b.status()).as(b.reason()).isEqualTo(Lookup.Status.FOUND);
    assertThat(a.count()).isEqualTo(1);
    assertThat(a.seenAt()).isEqualTo(clock.instant());
    assertThat(a.bytes()).isEqualTo(new QueryBytes(2 * FakeBigQuery.BYTES_PER_ROW, 10 * MIB));
    assertThat(queries()).hasSize(1);
    LoopbackHttp.Request q = queries().get(0);
    assertThat(q.line()).isEqualTo("POST /bigquery/v2/projects/" + PROJECT + "/queries");
    assertThat(q.header("Authorization")).startsWith("Bearer ya29.fake-1-");
    JsonNode body = JSON.readTree(q.body());
    assertThat(body.path("useLegacySql").asBoolean(true)).isFalse();
    assertThat(body.path("maximumBytesBilled").asText()).isEqualTo(Long.toString(1L << 30));
    assertThat(body.path("location").asText()).isEqualTo("EU");
    assertThat(body.path("timeoutMs").asLong()).isBetween(100L, 3000L);
    assertThat(body.path("query").asText()).isEqualTo("SELECT CAST(`canary`.`id` AS STRING) AS canary_id, COUNT(*)"
        + " AS copies FROM `oobwatch-test.logs.inference` WHERE `timestamp` BETWEEN @from AND @to AND"
        + " CAST(`canary`.`id` AS STRING) IN UNNEST(@ids) GROUP BY canary_id");
    JsonNode params = body.path("queryParameters");
    assertThat(params.toString()).contains("{\"name\":\"from\",\"parameterType\":{\"type\":\"TIMESTAMP\"},"
        + "\"parameterValue\":{\"value\":\"2026-12-01 00:55:00.000000+00:00\"}}");
    assertThat(params.toString()).contains("{\"name\":\"to\",\"parameterType\":{\"type\":\"TIMESTAMP\"},"
        + "\"parameterValue\":{\"value\":\"2026-12-01 01:05:15.000000+00:00\"}}");
    assertThat(params.toString()).contains("{\"name\":\"ids\",\"parameterType\":{\"type\":\"ARRAY\",\"arrayType\":"
        + "{\"type\":\"STRING\"}},\"parameterValue\":{\"arrayValues\":[{\"value\":\"" + first.id() + "\"},{\"value\":\""
        + second.id() + "\"}]}}");
  }

  @Test
  void noCanaryIsQueriedBeforeItIsOnePollOldAndTheTokenIsExchangedOnceForManyQueries() {
    Stage s = stage();
    CanaryRecord c = canary(1);
    s.arm(c);

    Lookup early = s.lookup(c);
    clock.advance(Duration.ofSeconds(10));
    s.lookup(c);
    clock.advance(Duration.ofSeconds(10));
    s.lookup(c);

    assertThat(early.status()).isEqualTo(Lookup.Status.NOT_FOUND);
    assertThat(early.reason()).startsWith("not queried in bigquery yet");
    assertThat(queries()).hasSize(2);
    assertThat(fake.tokensIssued()).isEqualTo(1);
  }

  @Test
  void theTokenIsRenewedFiveMinutesBeforeItExpiresAndServesWhileARenewalFails() {
    Stage s = stage();
    lookAfter(s, false, 10);
    fake.rejectTokens(true); // from now on the endpoint refuses; the issued token still works
    clock.advance(Duration.ofMinutes(56)); // inside the renewal window: a renewal is tried, and fails
    Lookup whileRenewing = lookAfter(s, false, 10);
    fake.rejectTokens(false);
    clock.advance(Duration.ofSeconds(10));
    lookAfter(s, false, 10);

    assertThat(whileRenewing.status()).as(whileRenewing.reason()).isEqualTo(Lookup.Status.NOT_FOUND);
    assertThat(fake.requests().stream().filter(r -> r.path().equals(FakeBigQuery.TOKEN_PATH)).count()).isEqualTo(3);
    assertThat(fake.tokensIssued()).isEqualTo(2);
  }

  @Test
  void rowsHeldBackAreNotFoundNamingTheTableAndHowLongAfterEmission() {
    fake.holdBack(true);

    Lookup l = lookAfter(stage(), true, 12);

    assertThat(l.status()).isEqualTo(Lookup.Status.NOT_FOUND);
    assertThat(l.reason()).isEqualTo("not in bigquery table logs.inference 12s after emission");
    assertThat(l.bytes()).isEqualTo(new QueryBytes(0, 10 * MIB));
  }

  @Test
  void anIncompleteJobIsFollowedWithGetQueryResultsInItsLocation() {
    fake.incompleteFirst(2);

    Lookup l = lookAfter(stage(), true, 10);

    assertThat(l.status()).as(l.reason()).isEqualTo(Lookup.Status.FOUND);
    List<String> gets = fake.requests().stream().filter(r -> r.method().equals("GET")).map(LoopbackHttp.Request::line)
        .toList();
    assertThat(gets).hasSize(2).allSatisfy(g -> assertThat(g)
        .matches("GET /bigquery/v2/projects/oobwatch-test/queries/job_[a-z0-9]+\\?timeoutMs=[0-9]+"
            + "&formatOptions.useInt64Timestamp=true&location=EU"));
    assertThat(l.bytes()).isEqualTo(new QueryBytes(FakeBigQuery.BYTES_PER_ROW, 10 * MIB));
  }

  Lookup lookupWhile(int status, String reason) {
    fake.failWith(status, reason, "the fake says " + reason);
    return lookAfter(stage(), false, 10);
  }

  @Test
  void aServerErrorIsUnreachableNeverLost() {
    Lookup l = lookupWhile(503, "backendError");

    assertThat(l.status()).isEqualTo(Lookup.Status.UNREACHABLE);
    assertThat(l.reason()).isEqualTo("bigquery at " + fake.url() + " (project oobwatch-test) answered the query with"
        + " HTTP 503 backendError: the fake says backendError");
  }

  @Test
  void aRateLimitOrASpentQuotaIsLateNeverLostAndHoldsTheNextQueryBack() {
    for (String reason : List.of("rateLimitExceeded", "quotaExceeded")) {
      Lookup l = lookupWhile(403, reason);
      assertThat(l.status()).as(reason).isEqualTo(Lookup.Status.RATE_LIMITED);
      assertThat(l.reason()).contains("limited the query (HTTP 403 " + reason);
    }
    Lookup tooMany = lookupWhile(429, "rateLimitExceeded");
    assertThat(tooMany.status()).isEqualTo(Lookup.Status.RATE_LIMITED);

    Stage s = stage();
    CanaryRecord c = canary(9);
    s.arm(c);
    clock.advance(Duration.ofSeconds(10));
    int before = queries().size();
    assertThat(s.lookup(c).status()).isEqualTo(Lookup.Status.RATE_LIMITED);
    clock.advance(Duration.ofSeconds(10));
    Lookup held = s.lookup(c);
    assertThat(held.status()).isEqualTo(Lookup.Status.RATE_LIMITED);
    assertThat(held.reason()).contains("next query in 20s");
    assertThat(queries()).hasSize(before + 1);
  }

  @Test
  void aRefusedAccountIsUnreachableWithItsOwnReasonAndNoKey() {
    Lookup denied = lookupWhile(403, "accessDenied");
    fake.failWith(0, null, null);
    fake.rejectTokens(true);
    Lookup badKey = lookAfter(stage(), false, 10);

    assertThat(denied.status()).isEqualTo(Lookup.Status.UNREACHABLE);
    assertThat(denied.reason()).contains("rejected service account " + EMAIL + " (HTTP 403 accessDenied")
        .contains("roles/bigquery.jobUser");
    assertThat(badKey.status()).isEqualTo(Lookup.Status.UNREACHABLE);
    assertThat(badKey.reason()).isEqualTo("google's token endpoint " + fake.tokenUri() + " rejected service account "
        + EMAIL + " (HTTP 400: invalid_grant, Invalid JWT Signature.); check that the key in credentials_file is still"
        + " active and this host's clock is right");
    assertThat(denied.reason() + badKey.reason()).doesNotContain("PRIVATE KEY");
  }

  @Test
  void aQueryOverMaximumBytesBilledIsUnreachableSayingWhatToRaise() {
    for (int i = 0; i < 20_481; i++) { // one row over 10 MiB at 512 bytes a row
      fake.insert(new Row(clock.instant(), null, false));
    }
    Stage s = new BigQueryStageConfig(table(fake.url(), 10 * MIB), "canary.id", Duration.ofSeconds(10))
        .open("bigquery", ctx);

    Lookup l = lookAfter(s, false, 10);

    assertThat(l.status()).isEqualTo(Lookup.Status.UNREACHABLE);
    assertThat(l.reason()).contains("would bill more than maximum_bytes_billed (10485760 bytes)")
        .contains("bytesBilledLimitExceeded").endsWith("or raise maximum_bytes_billed");
  }

  @Test
  void aBigQueryThatIsDownIsUnreachable() {
    Stage s = new BigQueryStageConfig(table(LoopbackHttp.closedPortUrl(), 1L << 30), "canary.id",
        Duration.ofSeconds(10)).open("bigquery", ctx);

    Lookup l = lookAfter(s, false, 10);

    assertThat(l.status()).isEqualTo(Lookup.Status.UNREACHABLE);
    assertThat(l.reason()).contains("refused the connection");
  }

  BigQuerySignalConfig signals() {
    return new BigQuerySignalConfig(table(fake.url(), 1L << 30), "synthetic", Duration.ofHours(1), Duration.ofMinutes(1));
  }

  @Test
  void freshnessIsTheNewestRealRowAndSaysWhatItBilled() {
    fake.insert(new Row(clock.instant().minusSeconds(90), null, false));
    fake.insert(new Row(clock.instant().minusSeconds(30), null, false));
    fake.insert(new Row(clock.instant().minusSeconds(5), "c-1", true));

    Observation o = signals().freshness(ctx).observe();

    assertThat(o.kind()).as(o.note()).isEqualTo(Observation.Kind.VALUE);
    assertThat(o.value()).isEqualTo(clock.instant().minusSeconds(30).toEpochMilli());
    assertThat(o.note()).isEqualTo("billed 10485760 bytes (1536 processed)");
  }

  @Test
  void freshnessWithNoRealRowInTheLookbackIsNoneNeverAZero() {
    fake.insert(new Row(clock.instant().minusSeconds(5), "c-1", true));
    fake.insert(new Row(clock.instant().minus(Duration.ofHours(2)), null, false));

    Observation o = signals().freshness(ctx).observe();

    assertThat(o.kind()).isEqualTo(Observation.Kind.NONE);
    assertThat(o.note()).isEqualTo("no real (non-synthetic) row in bigquery table logs.inference in the last 1h");
  }

  @Test
  void volumeCountsTheRealRowsOfTheMinuteThatEndedTheDelayAgo() {
    clock.set(Instant.parse("2026-12-01T01:00:30Z"));
    Instant minute = Instant.parse("2026-12-01T00:58:00Z");
    for (int i = 0; i < 7; i++) {
      fake.insert(new Row(minute.plusSeconds(i * 8), null, false));
    }
    fake.insert(new Row(minute.plusSeconds(3), "c-1", true));
    fake.insert(new Row(minute.plusSeconds(60), null, false)); // the next minute

    Observation o = signals().volume(ctx).observe();

    assertThat(o.kind()).as(o.note()).isEqualTo(Observation.Kind.VALUE);
    assertThat(o.value()).isEqualTo(7);
  }

  @Test
  void signalsOfABigQueryThatCannotBeQueriedAreUnknown() {
    fake.failWith(500, "internalError", "Internal error");

    Observation o = signals().volume(ctx).observe();

    assertThat(o.kind()).isEqualTo(Observation.Kind.UNKNOWN);
    assertThat(o.note()).contains("answered the query with HTTP 500 internalError");
  }

  @Test
  void aKeyFileThatIsNotAServiceAccountKeyIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> ServiceAccount.parse("{\"type\":\"authorized_user\",\"refresh_token\":\"1//secret\"}"))
        .hasMessageContaining("not a service account key").hasMessageNotContaining("1//secret");
    assertThatThrownBy(() -> ServiceAccount.parse(keyJson.replace("MII", "XXX")))
        .hasMessageContaining("private_key is not a PKCS#8 RSA key").hasMessageNotContaining("PRIVATE KEY");
    assertThat(ServiceAccount.parse(keyJson).toString()).doesNotContain("PRIVATE").contains(EMAIL);
  }

  /**
   * One simulated hour at {@code every: 30s}, the default {@code poll: 10s} and deadline 90s, the
   * tracker asking every second, each canary landing in the table {@code landing} seconds after its
   * emission (3600: never, the pipeline losing every canary) among a real row a second: how many
   * queries the stage sends and what they bill. The numbers go into benchmarks/results.md. A
   * benchmark (about 45 s: each query is a loopback round trip); BigQueryPipelineTest bounds the
   * queries in every build.
   */
  @Tag("benchmark")
  @ParameterizedTest(name = "landing after {0}s")
  @ValueSource(ints = {1, 8, 15, 3600})
  void atEvery30sTheStageQueriesOncePerCanaryThatLandsWithinAPollAndNeverMoreThanOncePerPoll(int landing) {
    Stage stage = stage();
    List<CanaryRecord> inFlight = new ArrayList<>();
    List<CanaryRecord> toLand = new ArrayList<>();
    int canaries = 0;
    Instant start = clock.instant();
    for (int second = 0; second < 3600; second++) {
      fake.insert(new Row(clock.instant(), null, false));
      if (second % 30 == 0) {
        CanaryRecord c = canary(canaries++);
        stage.arm(c);
        inFlight.add(c);
        toLand.add(c);
      }
      toLand.removeIf(c -> {
        boolean due = !clock.instant().isBefore(c.emittedAt().plusSeconds(landing));
        if (due) {
          fake.insert(new Row(c.emittedAt().plusSeconds(landing), c.id(), true));
        }
        return due;
      });
      inFlight.removeIf(c -> {
        boolean done = stage.lookup(c).status() == Lookup.Status.FOUND
            || !clock.instant().isBefore(c.emittedAt().plusSeconds(90));
        if (done) {
          stage.forget(c);
        }
        return done;
      });
      clock.advance(Duration.ofSeconds(1));
    }

    int queries = fake.queries();
    System.out.printf("bigquery stage at every 30s, poll 10s, landing after %ds, from %s: %d canaries, %d queries,"
        + " %d MiB billed in one simulated hour%n", landing, start, canaries, queries, fake.bytesBilled() / MIB);
    assertThat(queries).isLessThanOrEqualTo(Math.min(360, canaries * (landing / 10 + 1)));
    // each query reads a few minutes of the table: under BigQuery's 10 MiB minimum, so billed exactly that
    assertThat(fake.bytesBilled()).isEqualTo(queries * 10 * MIB);
  }
}
