package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * A pipeline's canary: its settings ("30s"), the rule's streaks, the last day's outcomes and the
 * canary judged last.
 *
 * @param failingAt the stage the current failure streak is at, null when none
 * @param last the canary judged last; absent before the first
 * @param early whether a canary is judged LATE before the deadline ({@code canary.early})
 * @param learned per stage with enough arrivals, its learned latency and LATE bound, beside the
 *     configured deadline; empty before a stage learned anything
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CanaryStatus(
    String every,
    String deadline,
    String slo,
    long lastSeq,
    int inFlight,
    int failureStreak,
    String failingAt,
    int passStreak,
    @JsonProperty("last_24h") DayCounts last24h,
    @JsonInclude(JsonInclude.Include.NON_NULL) LastCanary last,
    boolean early,
    List<Learned> learned) {

  public CanaryStatus {
    learned = StatusJson.list(learned);
  }

  /** A status without learned latency (deadline-only judging, or a daemon from before it). */
  public CanaryStatus(String every, String deadline, String slo, long lastSeq, int inFlight, int failureStreak,
      String failingAt, int passStreak, DayCounts last24h, LastCanary last) {
    this(every, deadline, slo, lastSeq, inFlight, failureStreak, failingAt, passStreak, last24h, last, false, List.of());
  }

  /**
   * One stage's learned latency: "p99 0.4s · late after 1.2s".
   *
   * @param p99Ms 99% of the recent canaries arrived within this
   * @param p999Ms 99.9% arrived within this
   * @param lateAfterMs a canary not seen by then is LATE there (when corroborated: a stall)
   * @param arrivals how many arrivals it is learned from
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Learned(String stage, long p99Ms, long p999Ms, long lateAfterMs, int arrivals) {
    /** What a stage learned, as shown. */
    public static Learned of(String stage, io.oobwatch.probes.canary.LearnedLatency.Bound b) {
      return new Learned(stage, b.p99().toMillis(), b.p999().toMillis(), b.late().toMillis(), b.arrivals());
    }
  }

  /** Judged canaries of the last 24 hours, by verdict, and the duplicate copies seen. */
  public record DayCounts(long ok, long slow, long lost, long unreachable, long duplicates) {
    public static final DayCounts NONE = new DayCounts(0, 0, 0, 0, 0);
  }
}
