package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.StageResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one canary got at one stage: one shape for {@code /status} and {@code check --json}.
 *
 * @param result SEEN, LOST, UNREACHABLE, ...
 * @param copies how many copies the stage held (more than one is a duplicate)
 * @param after the stage this one is fed from, empty for the pipeline's entry: the stages form a
 *     tree, a branch where two stages follow the same one
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StageStatus(String stage, String result, long latencyMs, int copies, String reason, String after) {
  public StageStatus {
    after = after == null ? "" : after; // a daemon older than branches sends none
  }

  /** A stage with no parent given, as a daemon from before branches answers. */
  public StageStatus(String stage, String result, long latencyMs, int copies, String reason) {
    this(stage, result, latencyMs, copies, reason, "");
  }

  static StageStatus of(CanaryOutcome o, StageResult r) {
    return new StageStatus(r.stage(), r.status().name(), r.latency().toMillis(), r.count(), r.reason(),
        o.parent(r).map(StageResult::stage).orElse(""));
  }

  /** A judged canary's stages, in pipeline order. */
  public static List<StageStatus> of(CanaryOutcome o) {
    return o.stages().stream().map(r -> of(o, r)).toList();
  }

  /**
   * The stage's name in a table, "datadog after kafka" when it does not follow the stage listed
   * above it (a branch), so a table of a one-line pipeline reads as before.
   *
   * @param above the stage listed above it, empty for the first
   */
  public String label(String above) {
    return after.equals(above) ? stage : stage + " after " + (after.isEmpty() ? "entry" : after);
  }

  /** Each stage's {@link #label}, in order. */
  public static List<String> labels(List<StageStatus> stages) {
    List<String> out = new ArrayList<>();
    String above = "";
    for (StageStatus s : stages) {
      out.add(s.label(above));
      above = s.stage();
    }
    return out;
  }
}
