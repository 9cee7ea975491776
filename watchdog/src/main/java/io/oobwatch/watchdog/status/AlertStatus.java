package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/**
 * One alert (firing, acknowledged, or resolved in the last day).
 *
 * @param state pending, firing, acknowledged or resolved
 * @param stage the stage it is about ("" when the alert is about the whole subject)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AlertStatus(
    long id, String subject, String rule, String state, String stage, String summary, Instant openedAt,
    Instant resolvedAt) {
  /** The state of an alert that pages until acknowledged. */
  public static final String FIRING = "firing";
  /** An open alert whose paging a person stopped; it stays open until its condition clears. */
  public static final String ACKNOWLEDGED = "acknowledged";
  public static final String RESOLVED = "resolved";
}
