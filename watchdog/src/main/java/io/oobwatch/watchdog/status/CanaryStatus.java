package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A pipeline's canary: its settings ("30s"), the rule's streaks, the last day's outcomes and the
 * canary judged last.
 *
 * @param failingAt the stage the current failure streak is at, null when none
 * @param last the canary judged last; absent before the first
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
    @JsonInclude(JsonInclude.Include.NON_NULL) LastCanary last) {

  /** Judged canaries of the last 24 hours, by verdict, and the duplicate copies seen. */
  public record DayCounts(long ok, long slow, long lost, long unreachable, long duplicates) {
    public static final DayCounts NONE = new DayCounts(0, 0, 0, 0, 0);
  }
}
