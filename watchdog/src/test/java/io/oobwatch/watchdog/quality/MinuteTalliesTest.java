package io.oobwatch.watchdog.quality;

import io.oobwatch.watchdog.config.QualitySpec;

import io.oobwatch.watchdog.config.Pricing;

import io.oobwatch.watchdog.config.FieldPath;

import io.oobwatch.watchdog.config.Signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Records into minute tallies: selectors, sums, the price table, top requests, bad records. */
class MinuteTalliesTest {
  static final Instant T = Instant.parse("2026-11-30T10:15:20Z");

  final QualitySpec spec = QualitySpec.of(List.of(
      new Signal.Rate("refusal_rate", FieldPath.of("finish_reason"), Set.of("content_filter"), false, 5, 10,
          Duration.ofMinutes(5)),
      new Signal.Rate("safety_rate", FieldPath.of("safety.flag"), Set.of("none"), true, 5, 10, Duration.ofMinutes(5)),
      new Signal.Mean("cost_per_request", FieldPath.of("cost_usd"), Signal.Bound.ABOVE, 0.02, null, 1,
          Duration.ofMinutes(2)),
      new Signal.RequestMax("request_tokens", List.of(FieldPath.of("usage.in"), FieldPath.of("usage.out")), 50_000)),
      new Pricing(FieldPath.of("cost_usd"), FieldPath.of("model.id"), FieldPath.of("usage.in"), FieldPath.of("usage.out"),
          java.util.Map.of("small", new Pricing.Price(0.5, 1.0))));
  final MinuteTallies tallies = new MinuteTallies(spec);

  void offer(String json) {
    tallies.offer(json.getBytes(StandardCharsets.UTF_8), T);
  }

  Tally minute() {
    return tallies.minutes().get(Instant.parse("2026-11-30T10:15:00Z"));
  }

  @Test
  void selectorsCountMatchesOnNestedFieldsAndKeepExampleRequestIds() {
    offer("{\"request_id\":\"req_1\",\"finish_reason\":\"content_filter\",\"safety\":{\"flag\":\"none\"},\"cost_usd\":0.01,"
        + "\"usage\":{\"in\":10,\"out\":5}}");
    offer("{\"request_id\":\"req_2\",\"finish_reason\":\"stop\",\"safety\":{\"flag\":\"violence\"},\"cost_usd\":0.03,"
        + "\"usage\":{\"in\":10,\"out\":5}}");

    Tally t = minute();
    assertThat(t.records()).isEqualTo(2);
    assertThat(t.matches("refusal_rate")).isEqualTo(1);
    assertThat(t.examples("refusal_rate")).containsExactly("req_1");
    assertThat(t.matches("safety_rate")).isEqualTo(1);
    assertThat(t.examples("safety_rate")).containsExactly("req_2");
    assertThat(t.measure("cost_usd").mean()).isCloseTo(0.02, within(1e-12));
    assertThat(t.problems()).isEmpty();
  }

  @Test
  void aRecordWithTokensButNoCostIsPricedByItsModel() {
    offer("{\"request_id\":\"r\",\"finish_reason\":\"stop\",\"safety\":{\"flag\":\"none\"},\"model\":{\"id\":\"small\"},"
        + "\"usage\":{\"in\":2000,\"out\":1000}}");

    assertThat(minute().measure("cost_usd").sum()).isCloseTo(2000 / 1000.0 * 0.5 + 1.0, within(1e-12));
  }

  @Test
  void theLargestRequestsAreKeptWithTheirSessions() {
    for (int i = 1; i <= 15; i++) {
      offer("{\"request_id\":\"req_" + i + "\",\"session_id\":\"s" + (i % 2) + "\",\"finish_reason\":\"stop\","
          + "\"safety\":{\"flag\":\"none\"},\"cost_usd\":0,\"usage\":{\"in\":" + (i * 1000) + ",\"out\":0}}");
    }

    List<Tally.Request> top = minute().top("request_tokens");
    assertThat(top).hasSize(QualitySpec.TOP_REQUESTS);
    assertThat(top.get(0)).isEqualTo(new Tally.Request("req_15", "s1", 15_000, T.getEpochSecond()));
  }

  @Test
  void badRecordsAreCountedByProblemAndNeverThrow() {
    offer("not json at all");
    offer("[1,2,3]");
    offer("{\"request_id\":\"r\",\"finish_reason\":\"stop\",\"safety\":{\"flag\":\"none\"},\"cost_usd\":\"cheap\","
        + "\"usage\":{\"in\":1,\"out\":1}}");
    offer("{\"request_id\":\"r2\",\"safety\":{\"flag\":\"none\"},\"cost_usd\":1,\"usage\":{\"in\":1,\"out\":1}}");
    byte[] huge = new byte[QualitySpec.MAX_RECORD_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) ' ');
    tallies.offer(huge, T);
    tallies.offer(null, T);

    Tally t = minute();
    assertThat(t.records()).isEqualTo(2);
    assertThat(t.problemsInWords()).isEqualTo("3 not JSON, 1 over 1 MB, 1 missing finish_reason, 1 wrong type cost_usd");
  }

  @Test
  void syntheticRecordsAreLeftOut() {
    offer("{\"request_id\":\"canary\",\"synthetic\":true,\"finish_reason\":\"content_filter\"}");

    assertThat(minute().records()).isZero();
    assertThat(minute().synthetic()).isEqualTo(1);
    assertThat(minute().matches("refusal_rate")).isZero();
  }

  @Test
  void aTallyReadBackFromItsStoredFormIsTheSame() {
    offer("{\"request_id\":\"req_1\",\"session_id\":\"s\",\"finish_reason\":\"content_filter\",\"safety\":{\"flag\":\"x\"},"
        + "\"cost_usd\":0.5,\"usage\":{\"in\":100,\"out\":7}}");
    offer("oops");
    Tally t = minute();

    Tally read = Tally.decode(t.encode());

    assertThat(read.records()).isEqualTo(1);
    assertThat(read.matches("refusal_rate")).isEqualTo(1);
    assertThat(read.examples("safety_rate")).containsExactly("req_1");
    assertThat(read.measure("cost_usd").sum()).isEqualTo(0.5);
    assertThat(read.top("request_tokens")).isEqualTo(t.top("request_tokens"));
    assertThat(read.problems()).isEqualTo(t.problems());
    assertThat(read.judged("refusal_rate")).isEqualTo(1);
    assertThat(read.measure("cost_usd").highest()).containsExactly(new Tally.Example("req_1", 0.5));
    assertThat(read.encode()).isEqualTo(t.encode());
  }

  @Test
  void aRecordWithoutARatesFieldIsLeftOutOfThatRateRatherThanDilutingIt() {
    offer("{\"request_id\":\"r1\",\"finish_reason\":\"content_filter\"}");
    offer("{\"request_id\":\"r2\",\"finish_reason\":\"stop\"}");
    offer("{\"request_id\":\"r3\"}");
    offer("{\"request_id\":\"r4\",\"finish_reason\":{\"code\":1}}");

    Tally t = minute();
    assertThat(t.records()).isEqualTo(4);
    assertThat(t.judged("refusal_rate")).isEqualTo(2);
    assertThat(t.matches("refusal_rate")).isEqualTo(1);
    assertThat(t.problemsInWords()).contains("1 missing finish_reason", "1 wrong type finish_reason");
    Signal.Rate rate = new Signal.Rate("refusal_rate", FieldPath.of("finish_reason"), Set.of("content_filter"), false, 5, 1,
        Duration.ofMinutes(5));
    assertThat(new RateRule(rate).judge(t, List.of(), t).finding().status()).startsWith("refusal rate 50.0% over 5m (2 requests)");
  }

  @Test
  void eachNumericFieldKeepsTheRequestsOfItsLowestAndHighestValuesAcrossMerges() {
    for (int i = 1; i <= 9; i++) {
      tallies.offer(("{\"request_id\":\"req_" + i + "\",\"cost_usd\":" + i + "}").getBytes(StandardCharsets.UTF_8),
          T.plusSeconds(i < 5 ? 0 : 60));
    }
    Tally merged = Tally.of(tallies.minutes().values());

    assertThat(merged.measure("cost_usd").lowest()).extracting(Tally.Example::id).containsExactly("req_1", "req_2", "req_3");
    assertThat(merged.measure("cost_usd").highest()).extracting(Tally.Example::id).containsExactly("req_9", "req_8", "req_7");
  }

  @Test
  void aTallyStoredByTheFirstVersionIsReadWithEveryRecordJudgedByEveryRate() throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      Codec.writeLong(out, 1); // version
      Codec.writeLong(out, 40); // records
      Codec.writeLong(out, 0); // synthetic
      Codec.writeLong(out, 0); // problems
      Codec.writeLong(out, 1); // matches: refusal_rate 2, no examples
      out.writeUTF("refusal_rate");
      Codec.writeLong(out, 2);
      Codec.writeLong(out, 0);
      Codec.writeLong(out, 0); // measures
      Codec.writeLong(out, 0); // top requests
    }

    Tally old = Tally.decode(bytes.toByteArray());
    offer("{\"request_id\":\"r\",\"finish_reason\":\"stop\"}");
    offer("{\"request_id\":\"r\"}");
    Tally merged = Tally.of(List.of(old, minute()));

    assertThat(old.judged("refusal_rate")).isEqualTo(40);
    assertThat(old.judged("safety_rate")).isEqualTo(40);
    assertThat(merged.judged("refusal_rate")).isEqualTo(41);
    assertThat(Tally.decode(merged.encode()).judged("refusal_rate")).isEqualTo(41);
  }

  @Test
  void recordsLandInTheMinuteTheyWereLoggedIn() {
    tallies.offer("{}".getBytes(StandardCharsets.UTF_8), T.plusSeconds(60));
    offer("{}");
    assertThat(tallies.minutes().keySet()).containsExactly(Instant.parse("2026-11-30T10:15:00Z"),
        Instant.parse("2026-11-30T10:16:00Z"));

    tallies.forget(Instant.parse("2026-11-30T10:16:00Z"));

    assertThat(tallies.minutes().keySet()).containsExactly(Instant.parse("2026-11-30T10:16:00Z"));
  }
}
