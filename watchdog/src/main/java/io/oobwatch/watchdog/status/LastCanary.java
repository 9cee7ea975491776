package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * The canary a pipeline judged last.
 *
 * @param verdict OK, SLOW, LOST, UNREACHABLE, ...
 * @param injection "accepted: ..." or "failed: ..." with the injector's reason
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LastCanary(
    long seq, String id, Instant emittedAt, String verdict, String injection, List<StageStatus> stages) {
  public LastCanary {
    stages = StatusJson.list(stages);
  }

  /** The injection line for a failed injection starts with this. */
  public static final String FAILED = "failed: ";

  /** The injector's reason when the injection failed, else null. */
  public String injectionFailure() {
    return injection != null && injection.startsWith(FAILED) ? injection.substring(FAILED.length()) : null;
  }
}
