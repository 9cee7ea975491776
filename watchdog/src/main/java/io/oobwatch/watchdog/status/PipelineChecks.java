package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One pipeline's signal checks (freshness, volume, ratio, consumer lag), as of its last round.
 *
 * @param every how often the checks are evaluated ("1m")
 * @param error why the last round failed; absent when it did not
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PipelineChecks(
    String pipeline, String every, Instant lastTick, @JsonInclude(JsonInclude.Include.NON_NULL) String error,
    List<Check> checks) {
  public PipelineChecks {
    checks = StatusJson.list(checks);
  }

  /**
   * One check: its newest observation and each rule's finding.
   *
   * @param type freshness, volume, ratio or consumer_lag
   * @param source where the signal is read ("kafka (group logstash)")
   * @param observation value, none or unknown; absent (with observed_at) before the first round
   * @param value the observed value; absent unless the observation is a value
   * @param note what the probe said beside the value; absent when nothing
   * @param findings per rule ("drop", "ceiling", "unknown", ...): its status line, "BAD: ..." when bad
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Check(
      String type,
      String name,
      String source,
      @JsonInclude(JsonInclude.Include.NON_NULL) Instant observedAt,
      @JsonInclude(JsonInclude.Include.NON_NULL) String observation,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double value,
      @JsonInclude(JsonInclude.Include.NON_NULL) String note,
      Map<String, String> findings) {}
}
