package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.StageResult;
import java.util.List;

/**
 * Where one canary got at one stage: one shape for {@code /status} and {@code check --json}.
 *
 * @param result SEEN, LOST, UNREACHABLE, ...
 * @param copies how many copies the stage held (more than one is a duplicate)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StageStatus(String stage, String result, long latencyMs, int copies, String reason) {
  static StageStatus of(StageResult r) {
    return new StageStatus(r.stage(), r.status().name(), r.latency().toMillis(), r.count(), r.reason());
  }

  /** A judged canary's stages, in pipeline order. */
  public static List<StageStatus> of(CanaryOutcome o) {
    return o.stages().stream().map(StageStatus::of).toList();
  }
}
