package io.oobwatch.probes.canary;

import io.oobwatch.probes.QueryBytes;
import java.time.Duration;
import java.util.Objects;

/**
 * What one stage did with one canary.
 *
 * @param stage the stage name
 * @param status see {@link Status}
 * @param latency emitted-to-seen on oobwatch's clock for SEEN/SLOW; time waited for LATE/LOST/UNREACHABLE
 * @param count copies seen (more than one: a duplicate)
 * @param reason words for the person paged; empty when seen in time
 * @param after the stage this one follows (it is fed from it); null for the one listed above it,
 *     or for the entry when it is listed first
 * @param bytes what the stage's last query cost, for a store that bills by bytes read; null for the others
 */
public record StageResult(
    String stage, Status status, Duration latency, int count, String reason, String after, QueryBytes bytes) {
  public enum Status {
    /** Arrived within the latency objective. */
    SEEN,
    /** Arrived, but later than the latency objective. */
    SLOW,
    /** The stage answered, but did not hold the canary by the deadline. */
    LOST,
    /**
     * Not seen by the stage's learned LATE bound while the stage took in no real record since the
     * canary was emitted: a stall, judged before the deadline. Counts as lost; the canary is still
     * looked for until the deadline, and one that arrives after all is SLOW.
     */
    LATE,
    /** The stage could not be queried at the deadline (refused, timeout, 5xx, auth). */
    UNREACHABLE,
    /** The stage refused to be queried now at the deadline (HTTP 429): unknown, like UNREACHABLE, never lost. */
    RATE_LIMITED;

    public boolean arrived() {
      return this == SEEN || this == SLOW;
    }
  }

  public StageResult {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(reason, "reason");
  }

  /** A stage that does not bill by query. */
  public StageResult(String stage, Status status, Duration latency, int count, String reason, String after) {
    this(stage, status, latency, count, reason, after, null);
  }

  /** A stage that follows the one listed above it (a pipeline that is one line). */
  public StageResult(String stage, Status status, Duration latency, int count, String reason) {
    this(stage, status, latency, count, reason, null, null);
  }
}
