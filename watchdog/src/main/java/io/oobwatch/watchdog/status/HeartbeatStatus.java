package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/**
 * One heartbeat: a push (components POST to oobwatch) or a pull (oobwatch GETs a health URL). Both
 * carry name, kind, state ({@code ok}, {@code waiting} before the first sign of life, {@code
 * down}), problem (the firing condition's sentence, null when none), alert (the firing alert's id,
 * or null), every, last_seen and watched_since; each kind adds its own fields. Read back by which
 * fields are present.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION)
@JsonSubTypes({@JsonSubTypes.Type(HeartbeatStatus.Push.class), @JsonSubTypes.Type(HeartbeatStatus.Pull.class)})
public sealed interface HeartbeatStatus {
  String name();

  /** "push" or "pull". */
  String kind();

  String state();

  /** @param nextDue when the next ping is due; overdueAt when, without one, the heartbeat is down */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Push(
      String name, String kind, String state, String problem, Long alert, String every, Instant lastSeen,
      String grace, Instant nextDue, Instant overdueAt, Instant lastStart, Instant lastFail, String failReason,
      Instant watchedSince) implements HeartbeatStatus {}

  /** @param url the health URL with any credential in it redacted; expect what counts as healthy */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Pull(
      String name, String kind, String state, String problem, Long alert, String every, Instant lastSeen,
      String url, String expect, int failuresToFire, @JsonProperty("failures_in_a_row") int failuresInARow, Instant lastFailure, String lastReason,
      Instant lastProbe, Instant nextProbe, Instant watchedSince) implements HeartbeatStatus {}
}
