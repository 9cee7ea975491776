package io.oobwatch.watchdog.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Injection;
import io.oobwatch.probes.QueryBytes;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.StageResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stage tree as /status, check and status show it. */
class StageStatusTest {
  final Instant t0 = Instant.parse("2026-11-30T08:00:00Z");

  CanaryOutcome outcome(StageResult... stages) {
    return new CanaryOutcome("inference-logs", "c-1", 1, t0, "kafka", Injection.accepted(Duration.ofMillis(4), ""),
        List.of(stages), t0.plusSeconds(60));
  }

  StageResult seen(String stage, String after) {
    return new StageResult(stage, StageResult.Status.SEEN, Duration.ofSeconds(1), 1, "", after);
  }

  @Test
  void eachStageGivesTheStageItIsFedFromAndTheFirstTheEntry() {
    List<StageStatus> stages = StageStatus.of(outcome(seen("kafka", null), seen("elasticsearch", null), seen("datadog", "kafka")));

    assertThat(stages).extracting(StageStatus::after).containsExactly("", "kafka", "kafka");
  }

  @Test
  void aTableNamesOnlyTheStagesThatDoNotFollowTheOneAboveThem() {
    List<StageStatus> line = StageStatus.of(outcome(seen("kafka", null), seen("elasticsearch", null)));
    List<StageStatus> branches = StageStatus.of(outcome(seen("kafka", null), seen("elasticsearch", null), seen("datadog", "kafka")));

    assertThat(StageStatus.labels(line)).containsExactly("kafka", "elasticsearch");
    assertThat(StageStatus.labels(branches)).containsExactly("kafka", "elasticsearch", "datadog after kafka");
  }

  @Test
  void aStageThatBillsByBytesReadCarriesWhatItsLastQueryCostAndTablesSayIt() {
    StageResult bigquery = new StageResult("bigquery", StageResult.Status.LOST, Duration.ofSeconds(90), 0,
        "not in bigquery table logs.inference 80s after emission", null, new QueryBytes(3 << 19, 10 << 20));

    List<StageStatus> stages = StageStatus.of(outcome(seen("kafka", null), bigquery));

    assertThat(stages.get(0).bytes()).isNull();
    assertThat(stages.get(0).detail()).isEmpty();
    assertThat(stages.get(1).bytes()).isEqualTo(new QueryBytes(3 << 19, 10 << 20));
    assertThat(stages.get(1).detail())
        .isEqualTo("not in bigquery table logs.inference 80s after emission; billed 10.0 MiB (1.5 MiB read)");
  }
}
