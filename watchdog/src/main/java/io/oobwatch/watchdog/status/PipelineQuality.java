package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * One pipeline's quality and cost signals, read by its tap, as of the last round.
 *
 * @param records records the tap counted in the last hour (canaries left out)
 * @param problems the records it could not use in the last hour, in words ("3 not JSON, 1 missing
 *     confidence"); absent when none
 * @param error why the last round failed; absent when it did not
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PipelineQuality(
    String pipeline,
    Instant lastTick,
    long records,
    @JsonInclude(JsonInclude.Include.NON_NULL) String problems,
    @JsonInclude(JsonInclude.Include.NON_NULL) String error,
    List<Signal> signals) {
  public PipelineQuality {
    signals = StatusJson.list(signals);
  }

  /**
   * One signal beside its baseline.
   *
   * @param rule the alert rule it raises ("rate-rise:refusal_rate")
   * @param value the current figure (a rate as a fraction, a mean, tokens, a forecast); absent when not known
   * @param baseline what it is judged against; absent without one
   * @param sigma the standard error it is judged with; absent where none applies
   * @param samples the requests the value stands on
   * @param status the rule's status line, "BAD: ..." when its condition holds
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Signal(
      String name,
      String rule,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double value,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double baseline,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double sigma,
      long samples,
      String status) {}
}
