package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * A pipeline's last 24 hours of judged canaries, per 10-minute bucket, as {@code GET
 * /history/canaries?pipeline=P} answers it and the status page draws it.
 *
 * @param bucket the bucket length ("10m")
 * @param from the start of the oldest bucket; to the end of the newest (the current one, still filling)
 * @param buckets oldest first; a bucket in which no canary was judged is absent
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CanaryHistory(String pipeline, String bucket, Instant from, Instant to, List<Bucket> buckets) {
  public CanaryHistory {
    buckets = StatusJson.list(buckets);
  }

  /**
   * The canaries judged in {@code [start, start + bucket)}: how many by outcome, and per stage (in
   * pipeline order) the latency of those that reached it. Each canary counts once: {@code late}
   * counts those judged LATE before their deadline (a stall: no real record moved either), in the
   * bucket they were judged LATE in, whether they then arrived (SLOW) or were lost; {@code lost}
   * those lost at the deadline without an early verdict.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Bucket(Instant start, int ok, int slow, int late, int lost, int unreachable, List<StageLatency> stages) {
    public Bucket {
      stages = StatusJson.list(stages);
    }

    /** The worst outcome in the bucket: unreachable, lost, late, slow, ok. */
    public String worst() {
      return unreachable > 0 ? "unreachable" : lost > 0 ? "lost" : late > 0 ? "late" : slow > 0 ? "slow" : "ok";
    }
  }

  /** Latency of the canaries that reached a stage in a bucket: p50 and p99 (nearest rank), and how many. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record StageLatency(String stage, long p50Ms, long p99Ms, int seen) {}
}
