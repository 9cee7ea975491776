package io.oobwatch.watchdog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.oobwatch.probes.kafka.KafkaConfig;
import io.oobwatch.watchdog.quality.MinuteTallies;
import io.oobwatch.watchdog.quality.Tally;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pipeline's tap, quality and cost signals and price table, read into their records. */
class QualityConfigTest {
  @TempDir Path dir;

  static final String YAML = String.join("\n",
      "pipelines:",
      "  - name: inference-logs",
      "    tap:",
      "      kafka: { bootstrap: \"kafka-1:9092\", topic: inference-logs }",
      "    quality:",
      "      refusal_rate: { field: finish_reason, in: [content_filter], sigma: 4 }",
      "      safety_rate:  { field: safety.flag, not_in: [none], min_samples: 500, window: 10m }",
      "      confidence:   { field: confidence, mean_below: 0.6 }",
      "      latency:      { field: latency_ms, p95_above: 4000 }",
      "    cost:",
      "      request_tokens:   { fields: [tokens_in, tokens_out], max: 50000 }",
      "      cost_per_request: { field: cost_usd, mean_above: 0.02 }",
      "      daily_spend:      { field: cost_usd, forecast_cap: 500 }",
      "    prices:",
      "      small-1: { input_per_1k: 0.0006, output_per_1k: 0.0008 }",
      "");

  @Test
  void theIssuesExampleReadsIntoOneSignalPerEntryWithItsDefaults() throws Exception {
    Config c = new ConfigLoader(Map.<String, String>of()::get).parse("oobwatch.yaml", dir, YAML);

    Config.Quality q = c.pipelines().get(0).quality();
    assertThat(q.tap().kind()).isEqualTo("kafka");
    assertThat(((KafkaConfig) q.tap().source()).topic()).isEqualTo("inference-logs");
    List<Signal> s = q.spec().signals();
    assertThat(s).containsExactly(
        new Signal.Rate("refusal_rate", FieldPath.of("finish_reason"), Set.of("content_filter"), false, 4, 200,
            Duration.ofMinutes(5)),
        new Signal.Rate("safety_rate", FieldPath.of("safety.flag"), Set.of("none"), true, 5, 500, Duration.ofMinutes(10)),
        new Signal.Mean("confidence", FieldPath.of("confidence"), Signal.Bound.BELOW, 0.6, null, 100, Duration.ofMinutes(2)),
        new Signal.Mean("latency", FieldPath.of("latency_ms"), Signal.Bound.ABOVE, 4000, 0.95, 100, Duration.ofMinutes(2)),
        new Signal.RequestMax("request_tokens", List.of(FieldPath.of("tokens_in"), FieldPath.of("tokens_out")), 50_000),
        new Signal.Mean("cost_per_request", FieldPath.of("cost_usd"), Signal.Bound.ABOVE, 0.02, null, 100,
            Duration.ofMinutes(2)),
        new Signal.DailySpend("daily_spend", FieldPath.of("cost_usd"), 500));
    assertThat(q.spec().pricing().cost()).isEqualTo(FieldPath.of("cost_usd"));
    assertThat(q.spec().pricing().perModel()).isEqualTo(Map.of("small-1", new Pricing.Price(0.0006, 0.0008)));
    assertThat(s.get(0).describe()).isEqualTo("refusal_rate: share of finish_reason in [content_filter] 4σ above its"
        + " baseline over 5m (min 200 requests)");
  }

  @Test
  void withoutFieldsRecordsAreReadByTheUsualNames() throws Exception {
    QualitySpec spec = new ConfigLoader(Map.<String, String>of()::get).parse("oobwatch.yaml", dir, YAML).pipelines()
        .get(0).quality().spec();

    assertThat(List.of(spec.requestId(), spec.sessionId(), spec.pricing().model(), spec.pricing().inputTokens(),
        spec.pricing().outputTokens())).containsExactly(FieldPath.of("request_id"), FieldPath.of("session_id"),
        FieldPath.of("model.id"), FieldPath.of("tokens_in"), FieldPath.of("tokens_out"));
  }

  @Test
  void theTapsFieldsNameWhereRecordsHoldTheIdsModelAndTokensAndTheTalliesReadThemThere() throws Exception {
    Config c = new ConfigLoader(Map.<String, String>of()::get).parse("oobwatch.yaml", dir, String.join("\n",
        "pipelines:",
        "  - name: inference-logs",
        "    tap:",
        "      kafka: { bootstrap: \"kafka-1:9092\", topic: inference-logs }",
        "      fields: { request_id: id, session_id: conversation.id, model: model_name,",
        "                tokens_in: usage.prompt_tokens, tokens_out: usage.completion_tokens }",
        "    cost:",
        "      request_tokens: { fields: [usage.prompt_tokens, usage.completion_tokens], max: 50000 }",
        "      daily_spend:    { field: cost_usd, forecast_cap: 500 }",
        "    prices:",
        "      small-1: { input_per_1k: 0.0006, output_per_1k: 0.0008 }",
        ""));
    QualitySpec spec = c.pipelines().get(0).quality().spec();
    MinuteTallies tallies = new MinuteTallies(spec);
    Instant at = Instant.parse("2026-11-30T10:15:20Z");

    tallies.offer(("{\"id\":\"r1\",\"conversation\":{\"id\":\"s1\"},\"model_name\":\"small-1\","
        + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":2000}}").getBytes(StandardCharsets.UTF_8), at);

    Tally t = tallies.minutes().get(MinuteTallies.minuteOf(at));
    assertThat(t.top("request_tokens")).extracting(Tally.Request::id, Tally.Request::session, Tally.Request::tokens)
        .containsExactly(tuple("r1", "s1", 3000.0));
    assertThat(t.measure("cost_usd").sum()).isCloseTo(0.0006 + 0.0016, within(1e-12));
    assertThat(t.problems()).isEmpty();
  }

  @Test
  void aPipelineWithoutATapHasNoQualityWatch() throws Exception {
    Config c = new ConfigLoader(Map.<String, String>of()::get).parse("oobwatch.yaml", dir, String.join("\n",
        "pipelines:",
        "  - name: p",
        "    volume:",
        "      - kafka: { bootstrap: \"kafka-1:9092\", topic: t }",
        ""));

    assertThat(c.pipelines().get(0).quality()).isNull();
  }

  /** {@code oobwatch validate -c FILE} as a user runs it: exit code, then what it printed. */
  static String validate(Path config) {
    java.io.StringWriter out = new java.io.StringWriter();
    picocli.CommandLine cli = new picocli.CommandLine(io.oobwatch.watchdog.cli.Main.class);
    cli.setOut(new java.io.PrintWriter(out));
    cli.setErr(new java.io.PrintWriter(out));
    int exit = cli.execute("validate", "-c", config.toString());
    return exit + "\n" + out;
  }

  @Test
  void theReadmesQualityExampleIsValidAndValidateExplainsWhatEachSignalPagesOn() throws Exception {
    Path config = dir.resolve("oobwatch.yaml");
    java.nio.file.Files.writeString(config, "instance: wd-1\n" + Readme.firstYamlAfter("## Quality and cost alerts\n"));

    String printed = validate(config);

    assertThat(printed).startsWith("0\n").contains(
        "inference-logs: tap on kafka topic inference-logs (group oobwatch-wd-1, never commits); pages on\n",
        "  refusal_rate: share of finish_reason in [content_filter] 5σ above its baseline over 5m (min 200 requests)\n",
        "  safety_rate: share of safety_flag not in [none] 5σ above its baseline over 5m (min 200 requests)\n",
        "  confidence: mean of confidence over 2m below 0.6\n",
        "  latency: p95 of latency_ms over 2m above 4000.0\n",
        "  request_tokens: one request's tokens_in + tokens_out above 50000 (once per session)\n",
        "  cost_per_request: mean of cost_usd over 2m above 0.02\n");
    assertThat(printed).contains("  daily_spend: ").doesNotContain("warning");
  }

  @Test
  void validateWarnsWhatASigmaBelowTheDefaultCostsOnRealTraffic() throws Exception {
    Path config = dir.resolve("oobwatch.yaml");
    java.nio.file.Files.writeString(config, YAML);

    String printed = validate(config);

    assertThat(printed).startsWith("0\n").contains("  warning: refusal_rate: sigma 4 is below the default 5. The 5m window"
        + " is judged every minute, about 10,000 times a week, and chance alone crosses a low line on some of those"
        + " (3σ: about once in 740): on a simulated week of realistic traffic with no incident, a refusal and a safety"
        + " rate gave 48 false pages at sigma 3, 2 at sigma 4, none at 5. Use 5 unless you want those pages.\n");
    assertThat(printed).doesNotContain("warning: safety_rate");
  }
}
