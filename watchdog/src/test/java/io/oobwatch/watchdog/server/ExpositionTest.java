package io.oobwatch.watchdog.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oobwatch.watchdog.server.Exposition.Type;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpositionTest {

  @Test
  void familiesAreWrittenWithHelpTypeAndSamplesInTheTextFormat() {
    String text = new Exposition()
        .family("oobwatch_pages_pending", Type.GAUGE, "Pages not yet sent.").sample(3)
        .family("oobwatch_canary_outcomes_total", Type.COUNTER, "Judged canaries.")
        .sample(12, "pipeline", "inference-logs", "verdict", "ok")
        .sample(0.25, "pipeline", "inference-logs", "verdict", "lost")
        .text();

    assertThat(text).isEqualTo("""
        # HELP oobwatch_pages_pending Pages not yet sent.
        # TYPE oobwatch_pages_pending gauge
        oobwatch_pages_pending 3
        # HELP oobwatch_canary_outcomes_total Judged canaries.
        # TYPE oobwatch_canary_outcomes_total counter
        oobwatch_canary_outcomes_total{pipeline="inference-logs",verdict="ok"} 12
        oobwatch_canary_outcomes_total{pipeline="inference-logs",verdict="lost"} 0.25
        """);
    assertThat(PrometheusText.parse(text).value("oobwatch_canary_outcomes_total", "pipeline", "inference-logs",
        "verdict", "ok")).isEqualTo(12);
  }

  @Test
  void labelValuesEscapeBackslashQuoteAndLineFeedAndHelpEscapesBackslashAndLineFeed() {
    String nasty = "C:\\logs \"prod\"\nline2";
    String text = new Exposition()
        .family("oobwatch_heartbeat_up", Type.GAUGE, "Up \\ down\nsecond line \"quoted\"")
        .sample(1, "heartbeat", nasty)
        .text();

    assertThat(text).contains("# HELP oobwatch_heartbeat_up Up \\\\ down\\nsecond line \"quoted\"\n");
    assertThat(text).contains("oobwatch_heartbeat_up{heartbeat=\"C:\\\\logs \\\"prod\\\"\\nline2\"} 1\n");
    PrometheusText parsed = PrometheusText.parse(text);
    assertThat(parsed.value("oobwatch_heartbeat_up", Map.of("heartbeat", nasty))).isEqualTo(1);
    assertThat(parsed.help.get("oobwatch_heartbeat_up")).isEqualTo("Up \\ down\nsecond line \"quoted\"");
  }

  @Test
  void aHistogramHasCumulativeBucketsEndingInInfThenSumAndCount() {
    String text = new Exposition()
        .family("oobwatch_canary_stage_latency_seconds", Type.HISTOGRAM, "Latency.")
        .histogram(new double[] {0.1, 1, 2.5}, new long[] {2, 3, 0, 1}, 9.5, "stage", "kafka")
        .text();

    assertThat(text).contains("""
        oobwatch_canary_stage_latency_seconds_bucket{stage="kafka",le="0.1"} 2
        oobwatch_canary_stage_latency_seconds_bucket{stage="kafka",le="1"} 5
        oobwatch_canary_stage_latency_seconds_bucket{stage="kafka",le="2.5"} 5
        oobwatch_canary_stage_latency_seconds_bucket{stage="kafka",le="+Inf"} 6
        oobwatch_canary_stage_latency_seconds_sum{stage="kafka"} 9.5
        oobwatch_canary_stage_latency_seconds_count{stage="kafka"} 6
        """);
    PrometheusText.parse(text);
  }

  @Test
  void specialValuesAreWrittenAsPrometheusSpellsThem() {
    assertThat(Exposition.number(Double.NaN)).isEqualTo("NaN");
    assertThat(Exposition.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(Exposition.number(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    assertThat(Exposition.number(-2)).isEqualTo("-2");
    assertThat(Exposition.number(1.0e-4)).isEqualTo("1.0E-4");
    assertThat(PrometheusText.parse("# HELP x y\n# TYPE x gauge\nx 1.0E-4\n").value("x")).isEqualTo(1.0e-4);
  }

  @Test
  void badNamesAndRepeatedFamiliesAreRefused() {
    assertThatThrownBy(() -> new Exposition().family("oobwatch-pages", Type.GAUGE, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Exposition().family("a", Type.GAUGE, "x").family("a", Type.GAUGE, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Exposition().family("a", Type.GAUGE, "x").sample(1, "le", "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Exposition().family("a", Type.GAUGE, "x").sample(1, "bad-label", "1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theReaderRejectsWhatPrometheusWouldReject() {
    assertThatThrownBy(() -> PrometheusText.parse("x 1\n")).hasMessageContaining("sample outside its family");
    assertThatThrownBy(() -> PrometheusText.parse("# HELP x y\n# TYPE x gauge\nx{a=\"unterminated} 1\n"))
        .hasMessageContaining("not a HELP, TYPE or sample line");
    assertThatThrownBy(() -> PrometheusText.parse("# HELP x y\n# TYPE x gauge\nx 1"))
        .hasMessageContaining("line feed");
  }
}
