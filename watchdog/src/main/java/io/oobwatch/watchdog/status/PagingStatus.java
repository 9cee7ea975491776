package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * The paging side: the channel, the newest pages, escalations, silences and what is going wrong.
 *
 * @param channel the paging channel as configured ("twilio +1555...", "console")
 * @param pending pages among {@code recent} waiting to be sent; failed those given up on
 * @param recent the newest pages, newest first
 * @param primaryChannelProblem why the fallback channel is in use; absent while the primary works
 * @param escalations open alerts and where their escalation stands
 * @param failedLast24h pages that failed for good in the last day
 * @param problem why paging is in trouble; absent while it is not
 * @param problemKind {@code retrying} (a send failed, a retry is due) or {@code failed} (given up)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PagingStatus(
    String channel,
    long pending,
    long failed,
    List<Page> recent,
    @JsonInclude(JsonInclude.Include.NON_NULL) String primaryChannelProblem,
    List<Escalation> escalations,
    List<SilenceStatus> silences,
    @JsonProperty("failed_last_24h") List<FailedPage> failedLast24h,
    @JsonInclude(JsonInclude.Include.NON_NULL) String problem,
    @JsonInclude(JsonInclude.Include.NON_NULL) String problemKind) {
  public PagingStatus {
    recent = StatusJson.list(recent);
    escalations = StatusJson.list(escalations);
    silences = StatusJson.list(silences);
    failedLast24h = StatusJson.list(failedLast24h);
  }

  /** {@link #problemKind} of a page given up on: critical, where "retrying" is a warning. */
  public static final String FAILED = "failed";
  public static final String RETRYING = "retrying";

  /**
   * One page in the outbox.
   *
   * @param alert the alert it is about; event what it says (fire, resolve, ...); to the person
   * @param state pending, sent or failed
   * @param sid the channel's id of the message or call, null before it is sent
   * @param error the last failure, null when none
   * @param delivery where a sent page ended: delivered, answered, undelivered, failed, no-answer,
   *     busy, voicemail, no-receipt or untracked (a channel that reports none); null while unknown
   * @param deliveryDetail the delivery in words, with Twilio's error code ("30034 the sender number
   *     is not registered for A2P 10DLC"); null while unknown
   * @param deliverySeconds from the channel accepting it to its delivery being known; null while unknown
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Page(
      long id, long alert, String event, String to, String state, String channel, int attempts, String sid,
      String error, String delivery, String deliveryDetail, Double deliverySeconds) {}

  /**
   * An open alert's escalation: acknowledged (acked_by, acked_at, rearms_at), silenced, or paging
   * (steps_paged, next_step_at, absent when no step is left); fields of the other cases are absent.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Escalation(
      long id, String subject, String state, String ackedBy, Instant ackedAt, Instant rearmsAt, Boolean silenced,
      Integer stepsPaged, Instant nextStepAt) {}

  /**
   * A silence in force: nobody is paged about {@code subject} until {@code until}; {@code id} ends
   * it early ({@code oobwatch silence --end ID}).
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record SilenceStatus(long id, String subject, Instant until, String reason, String by) {}

  /** A page that failed for good. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record FailedPage(long page, long alert, String to, String channel, String error) {}
}
