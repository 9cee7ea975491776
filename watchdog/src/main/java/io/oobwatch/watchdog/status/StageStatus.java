package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.oobwatch.probes.QueryBytes;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.StageResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where one canary got at one stage: one shape for {@code /status} and {@code check --json}.
 *
 * @param result SEEN, LOST, UNREACHABLE, ...
 * @param copies how many copies the stage held (more than one is a duplicate)
 * @param after the stage this one is fed from, empty for the pipeline's entry: the stages form a
 *     tree, a branch where two stages follow the same one
 * @param bytes what the stage's last query cost, for a store that bills by bytes read (bigquery);
 *     absent for the others
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StageStatus(
    String stage, String result, long latencyMs, int copies, String reason, String after,
    @JsonInclude(JsonInclude.Include.NON_NULL) QueryBytes bytes) {
  public StageStatus {
    after = after == null ? "" : after; // a daemon older than branches sends none
  }

  /** A stage that does not bill by query. */
  public StageStatus(String stage, String result, long latencyMs, int copies, String reason, String after) {
    this(stage, result, latencyMs, copies, reason, after, null);
  }

  /** A stage with no parent given, as a daemon from before branches answers. */
  public StageStatus(String stage, String result, long latencyMs, int copies, String reason) {
    this(stage, result, latencyMs, copies, reason, "", null);
  }

  static StageStatus of(CanaryOutcome o, StageResult r) {
    return new StageStatus(r.stage(), r.status().name(), r.latency().toMillis(), r.count(), r.reason(),
        o.parent(r).map(StageResult::stage).orElse(""), r.bytes());
  }

  /**
   * The reason, followed by what the last query billed when the store bills by bytes read, as a
   * table shows it: "billed 10.0 MiB (0.0 MiB read)".
   */
  public String detail() {
    if (bytes == null) {
      return reason;
    }
    String cost = String.format(Locale.ROOT, "billed %.1f MiB (%.1f MiB read)", bytes.billed() / MIB,
        bytes.processed() / MIB);
    return reason.isEmpty() ? cost : reason + "; " + cost;
  }

  private static final double MIB = 1 << 20;

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
