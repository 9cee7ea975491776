package io.oobwatch.watchdog.quality;

import io.oobwatch.watchdog.config.QualitySpec;

import io.oobwatch.watchdog.config.FieldPath;

import io.oobwatch.watchdog.config.Signal;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.watchdog.detect.Finding;
import io.oobwatch.watchdog.detect.Finding.Condition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The quality and cost rules, pure: numbers in, a finding and its figures out. */
class QualityRulesTest {
  static final Instant NOW = Instant.parse("2026-11-30T10:15:00Z");
  static final Signal.Rate REFUSALS = new Signal.Rate("refusal_rate", FieldPath.of("finish_reason"),
      Set.of("content_filter"), false, 3, 100, Duration.ofMinutes(5));
  static final QualitySpec SPEC = QualitySpec.of(List.of(REFUSALS), null);

  /** A tally of {@code n} requests of which {@code k} were refused, request ids req_0... */
  static Tally requests(int n, int k) {
    MinuteTallies m = new MinuteTallies(SPEC);
    for (int i = 0; i < n; i++) {
      String json = "{\"request_id\":\"req_" + Integer.toHexString(0x8f3a0000 + i) + "\",\"finish_reason\":\""
          + (i < k ? "content_filter" : "stop") + "\"}";
      m.offer(json.getBytes(StandardCharsets.UTF_8), NOW);
    }
    return m.minutes().firstEntry().getValue();
  }

  static List<Tally> days(double... rates) {
    List<Tally> out = new ArrayList<>();
    for (double r : rates) {
      out.add(requests(1000, (int) Math.round(r * 1000)));
    }
    return out;
  }

  final RateRule rate = new RateRule(REFUSALS);

  @Test
  void aRateFarAboveItsSameHourBaselinePagesInTheWordsOfThePage() {
    Judgement j = rate.judge(requests(1203, 178), days(0.021, 0.02, 0.022, 0.021, 0.019, 0.021, 0.023), new Tally());

    assertThat(j.finding().condition()).isEqualTo(Condition.BAD);
    assertThat(j.finding().summary()).isEqualTo("refusal rate 14.8% over 5m (1,203 requests)");
    // the three latest refusals, whole: each can be looked up
    assertThat(j.finding().evidence()).isEqualTo("Baseline 2.1% ± 0.4% (same hour, last 7 days): 31σ above."
        + " Examples: req_8f3a00af, req_8f3a00b0, req_8f3a00b1");
    assertThat(j.figure().value()).isEqualTo(178 / 1203.0);
    assertThat(j.figure().baseline()).isEqualTo(0.021);
    assertThat(j.figure().sigma()).isEqualTo(Math.sqrt(0.021 * 0.979 / 1203));
  }

  @Test
  void oneRefusalInTenRequestsNeverPages() {
    Judgement j = rate.judge(requests(10, 1), days(0.02, 0.02, 0.02), new Tally());

    assertThat(j.finding().condition()).isEqualTo(Condition.UNDECIDED);
    assertThat(j.finding().status()).contains("fewer than min_samples 100");
  }

  @Test
  void pastIncidentsOnTwoDaysDoNotRaiseTheMedianBaseline() {
    Judgement j = rate.judge(requests(1000, 60), days(0.02, 0.30, 0.02, 0.25, 0.021, 0.019, 0.02), new Tally());

    assertThat(j.figure().baseline()).isEqualTo(0.02);
    assertThat(j.finding().condition()).isEqualTo(Condition.BAD);
  }

  @Test
  void aBaselineThatVariesFromDayToDayNeedsMoreThanTheBinomialErrorToPage() {
    // 3% vs a median of 2% is 7σ of binomial error, but within 3 × the days' own spread
    Judgement j = rate.judge(requests(5000, 150), days(0.02, 0.01, 0.03, 0.02, 0.012, 0.028, 0.02), new Tally());

    assertThat(j.finding().condition()).isNotEqualTo(Condition.BAD);
  }

  @Test
  void withoutSameHourDaysTheLastHoursAreTheBaseline() {
    Judgement j = rate.judge(requests(1000, 150), days(0.02), requests(3000, 60));

    assertThat(j.finding().condition()).isEqualTo(Condition.BAD);
    assertThat(j.finding().evidence()).startsWith("Baseline 2.0% ± 0.4% (last 3h)");
  }

  @Test
  void withNoHistoryAtAllNothingIsDecided() {
    Judgement j = rate.judge(requests(1000, 150), List.of(), new Tally());

    assertThat(j.finding().condition()).isEqualTo(Condition.UNDECIDED);
    assertThat(j.finding().status()).contains("no baseline yet");
  }

  @Test
  void aRateBetweenHalfTheSigmasAndAllOfThemNeitherFiresNorResolves() {
    List<Tally> base = days(0.02, 0.02, 0.02);
    // σ at n = 1000 and 2% is 0.44%: 2.9% is 2σ above
    assertThat(rate.judge(requests(1000, 29), base, new Tally()).finding().condition()).isEqualTo(Condition.UNDECIDED);
    assertThat(rate.judge(requests(1000, 22), base, new Tally()).finding().condition()).isEqualTo(Condition.OK);
  }

  static final Signal.Mean CONFIDENCE = new Signal.Mean("confidence", FieldPath.of("confidence"), Signal.Bound.BELOW, 0.6,
      null, 50, Duration.ofMinutes(2));

  static Tally confidences(int n, double value) {
    MinuteTallies m = new MinuteTallies(QualitySpec.of(List.of(CONFIDENCE), null));
    for (int i = 0; i < n; i++) {
      m.offer(("{\"request_id\":\"req_c" + i + "\",\"confidence\":" + (value + (i % 2 == 0 ? 0.05 : -0.05)) + "}")
          .getBytes(StandardCharsets.UTF_8), NOW);
    }
    return m.minutes().firstEntry().getValue();
  }

  @Test
  void aMeanBelowItsThresholdPagesAndResolvesOnlyPastAMargin() {
    MeanRule rule = new MeanRule(CONFIDENCE);

    Judgement low = rule.judge(confidences(200, 0.55), List.of(confidences(200, 0.82)));
    assertThat(low.finding().condition()).isEqualTo(Condition.BAD);
    assertThat(low.finding().summary()).isEqualTo("confidence mean 0.55 over 2m (200 requests), below 0.6");
    // the lowest confidences named, lowest first (all 0.5 here: the first three seen)
    assertThat(low.finding().evidence()).isEqualTo("Same hour, last 1 days: 0.82. Lowest: req_c1, req_c3, req_c5");
    assertThat(low.figure().sigma()).isCloseTo(0.05 / Math.sqrt(200), org.assertj.core.api.Assertions.within(1e-4));

    assertThat(rule.judge(confidences(200, 0.61), List.of()).finding().condition()).isEqualTo(Condition.UNDECIDED);
    assertThat(rule.judge(confidences(200, 0.7), List.of()).finding().condition()).isEqualTo(Condition.OK);
    assertThat(rule.judge(confidences(20, 0.1), List.of()).finding().condition()).isEqualTo(Condition.UNDECIDED);
  }

  @Test
  void aQuantileIsReadFromTheSketch() {
    MeanRule p95 = new MeanRule(new Signal.Mean("confidence", FieldPath.of("confidence"), Signal.Bound.BELOW, 0.6, 0.95, 50,
        Duration.ofMinutes(2)));

    Judgement j = p95.judge(confidences(200, 0.5), List.of());

    assertThat(j.figure().value()).isCloseTo(0.55, org.assertj.core.api.Assertions.within(0.55 * Sketch.ACCURACY));
    assertThat(j.finding().summary()).startsWith("confidence p95 0.55");
  }

  static final Signal.RequestMax TOKENS = new Signal.RequestMax("request_tokens",
      List.of(FieldPath.of("tokens_in")), 50_000);

  static Tally.Request request(String id, String session, double tokens, Instant at) {
    return new Tally.Request(id, session, tokens, at.getEpochSecond());
  }

  @Test
  void anOversizedRequestPagesItsSessionNamingRequestAndSessionAndResolvesOnceTheSessionIsBackUnder() {
    RequestRule rule = new RequestRule(TOKENS);
    List<Tally.Request> recent = List.of(request("req_a", "sess_1", 1_200, NOW.minusSeconds(200)),
        request("req_big", "sess_9", 72_000, NOW.minusSeconds(30)));

    Judgement j = rule.judge(recent, Set.of(), Set.of(), NOW);
    assertThat(j.finding().condition()).isEqualTo(Condition.BAD);
    assertThat(j.sessions()).containsOnlyKeys("sess_9");
    Finding page = j.sessions().get("sess_9");
    assertThat(page.summary()).isEqualTo("request req_big used 72,000 tokens (max 50,000)");
    assertThat(page.evidence()).isEqualTo("Session sess_9.");

    // its alert open: still bad (stays open); paged before and closed: undecided (never pages again)
    assertThat(rule.judge(recent, Set.of("sess_9"), Set.of("sess_9"), NOW).sessions().get("sess_9").condition())
        .isEqualTo(Condition.BAD);
    assertThat(rule.judge(recent, Set.of("sess_9"), Set.of(), NOW).sessions().get("sess_9").condition())
        .isEqualTo(Condition.UNDECIDED);
    Judgement later = rule.judge(recent, Set.of("sess_9"), Set.of("sess_9"), NOW.plus(Duration.ofMinutes(6)));
    assertThat(later.finding().condition()).isEqualTo(Condition.OK);
    assertThat(later.sessions().get("sess_9").condition()).isEqualTo(Condition.OK);
    assertThat(later.sessions().get("sess_9").status()).isEqualTo("no request of session sess_9 over max 50,000 in the last 5m");
  }

  @Test
  void aSecondSessionOverTheMaxWhileTheFirstIsOpenIsPagedOnItsOwn() {
    RequestRule rule = new RequestRule(TOKENS);
    List<Tally.Request> recent = List.of(request("req_a1", "sess_a", 61_000, NOW.minusSeconds(240)),
        request("req_b1", "sess_b", 55_000, NOW.minusSeconds(120)), request("req_b2", "sess_b", 80_000, NOW.minusSeconds(60)));

    Judgement j = rule.judge(recent, Set.of("sess_a"), Set.of("sess_a"), NOW);

    assertThat(j.sessions()).containsOnlyKeys("sess_a", "sess_b");
    assertThat(j.sessions().get("sess_a").condition()).isEqualTo(Condition.BAD); // open: stays open, no new page
    Finding b = j.sessions().get("sess_b");
    assertThat(b.condition()).isEqualTo(Condition.BAD);
    assertThat(b.summary()).isEqualTo("request req_b2 used 80,000 tokens (max 50,000)");
    assertThat(j.finding().status()).isEqualTo("2 sessions with requests over max 50,000 in the last 5m;"
        + " Sessions sess_a (req_a1, 61,000), sess_b (req_b2, 80,000).");
  }

  @Test
  void aSessionWhoseTurnsGrowIsNamedARunawayLoop() {
    List<Tally.Request> recent = List.of(request("r1", "sess_7", 20_000, NOW.minusSeconds(180)),
        request("r2", "sess_7", 40_000, NOW.minusSeconds(120)), request("r3", "sess_7", 60_000, NOW.minusSeconds(60)),
        request("x", "sess_2", 30_000, NOW.minusSeconds(100)));

    Judgement j = new RequestRule(TOKENS).judge(recent, Set.of(), Set.of(), NOW);

    assertThat(j.sessions().get("sess_7").evidence())
        .isEqualTo("Runaway loop: session sess_7 grew 20,000 -> 40,000 -> 60,000 tokens over 3 turns.");
  }

  @Test
  void exampleIdsAreShownWholeWhereTheyFitAndAsDistinctPrefixesOtherwise() {
    assertThat(Words.examples(List.of("req_1001aa", "req_1001ab", "req_1001ab"))).isEqualTo("req_1001aa, req_1001ab");
    List<String> uuids = List.of("3f2a9c4e-1b7d-4e0a-9a51-6c2d8e7f0a11", "3f2a9c4e-1b7d-4e0a-9a51-6c2d8e7f0b22",
        "9d0c1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f");
    String shown = Words.examples(uuids);
    assertThat(io.oobwatch.watchdog.page.SmsText.septets(io.oobwatch.watchdog.page.SmsText.toGsm7(shown)))
        .isLessThanOrEqualTo(Words.EXAMPLE_SEPTETS);
    // the first two share 33 characters, too many to tell them apart in the budget: the second is left out,
    // and the other two are cut to the same length
    assertThat(shown).isEqualTo("3f2a9c4e-1b7d-4e0a-9a51-6c…, 9d0c1e2f-3a4b-4c5d-8e6f-7a…");
    assertThat(Words.examples(List.of("req_000000000000000001", "req_000000000000000002", "req_000000000000000003")))
        .isEqualTo("req_000000000000000001, req_000000000000000002");
    assertThat(Words.examples(List.of())).isEmpty();
  }

  @Test
  void theSpendForecastSaysWhenTheCapWouldBeCrossed() {
    Map<Instant, Double> hourly = new HashMap<>();
    Instant today = Instant.parse("2026-11-30T00:00:00Z");
    for (int d = 1; d <= 7; d++) {
      for (int h = 0; h < 24; h++) {
        hourly.put(today.minus(Duration.ofDays(d)).plus(Duration.ofHours(h)), 10.0);
      }
    }
    for (int h = 0; h < 10; h++) {
      hourly.put(today.plus(Duration.ofHours(h)), h < 8 ? 10.0 : 30.0); // spend tripled two hours ago
    }
    hourly.put(today.plus(Duration.ofHours(10)), 7.5); // 10:15, so far

    Judgement j = new SpendRule(new Signal.DailySpend("daily_spend", FieldPath.of("cost_usd"), 500)).judge(hourly,
        NOW, null, List.of(new Tally.Example("req_77a1", 2.4), new Tally.Example("req_31f0", 1.9)));

    // spent 80 + 60 + 7.5; the rest at 3x: 13.75h x 30 = 412.5, and 170 at 11:00 + 11h x 30 reaches 500 at 22:00
    assertThat(j.figure().value()).isEqualTo(147.5 + 412.5);
    assertThat(j.figure().baseline()).isEqualTo(240.0);
    assertThat(j.finding().summary()).isEqualTo("daily spend forecast $560 today, cap $500");
    assertThat(j.finding().evidence()).isEqualTo("Spent $148 by 10:15Z, then the usual shape of the day x3.0 (the last 2h vs"
        + " the same hours on recent days); crosses the cap at about 22:00Z. Costliest this hour: req_77a1, req_31f0");
  }

  @Test
  void theSpendForecastPagesAtMostOnceADay() {
    SpendRule rule = new SpendRule(new Signal.DailySpend("daily_spend", FieldPath.of("cost_usd"), 500));
    Map<Instant, Double> quiet = new HashMap<>();
    quiet.put(NOW.minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.HOURS), 1.0);

    assertThat(rule.judge(quiet, NOW, NOW.minus(Duration.ofHours(3)), List.of()).finding().condition()).isEqualTo(Condition.UNDECIDED);
    assertThat(rule.judge(quiet, NOW, NOW.minus(Duration.ofHours(11)), List.of()).finding().condition()).isEqualTo(Condition.OK);
  }

  @Test
  void aTapThatFallsBehindOrCannotReadRaisesItsOwnAlertAndResolvesOnceCaughtUp() {
    TapHealth behind = new TapHealth(NOW, 120_000, NOW.minus(Duration.ofMinutes(3)), null, null, 5, "rebuilt");
    Judgement j = TapRule.judge("kafka topic logs", behind, NOW);
    assertThat(j.finding().condition()).isEqualTo(Condition.BAD);
    assertThat(j.finding().summary()).isEqualTo("the quality tap on kafka topic logs is 3m behind");

    TapHealth down = new TapHealth(NOW, -1, null, "kafka at k:9092 not answering within 10s", NOW.minusSeconds(150), 0, "");
    assertThat(TapRule.judge("kafka topic logs", down, NOW).finding().summary())
        .isEqualTo("the quality tap cannot read kafka topic logs for 2m");

    TapHealth caughtUp = new TapHealth(NOW, 40, NOW.minusSeconds(5), null, null, 9, "rebuilt");
    assertThat(TapRule.judge("kafka topic logs", caughtUp, NOW).finding().condition()).isEqualTo(Condition.OK);
    TapHealth between = new TapHealth(NOW, 4_000, NOW.minusSeconds(60), null, null, 9, "rebuilt");
    assertThat(TapRule.judge("kafka topic logs", between, NOW).finding().condition()).isEqualTo(Condition.UNDECIDED);
  }
}
