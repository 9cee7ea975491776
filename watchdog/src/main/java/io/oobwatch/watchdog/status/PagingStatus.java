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
 * @param lastTestSms the newest test SMS the daemon sent ({@code oobwatch page-test}); absent when none
 * @param lastTestCall the newest test call the daemon placed ({@code page-test --call}); absent when none
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
    @JsonInclude(JsonInclude.Include.NON_NULL) String problemKind,
    @JsonInclude(JsonInclude.Include.NON_NULL) TestPage lastTestSms,
    @JsonInclude(JsonInclude.Include.NON_NULL) TestPage lastTestCall) {
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

  /** {@link TestPage#state} of a test page the channel has not answered yet. */
  public static final String SENDING = "sending";
  /** {@link TestPage#state} of a test page the channel accepted. */
  public static final String SENT = "sent";
  /** {@link TestPage#state} of a test page the channel refused, or that could not be sent. */
  public static final String NOT_SENT = "not-sent";

  /**
   * A test page the daemon sent ({@code oobwatch page-test}), as {@code /status} and {@code GET
   * /paging/test/{id}} show it.
   *
   * @param to the on-call person; phone their number, masked ("+1555…22")
   * @param channel sms or call
   * @param requestedAt when it was asked for
   * @param state sending, sent or not-sent
   * @param via the channel that took or refused it ("twilio SMS from +1555..."); absent while sending
   * @param sid the channel's id of the message or call; absent unless sent
   * @param error why it was not sent, with the channel's code; absent unless not-sent
   * @param delivery where it ended, as for a page (delivered, undelivered, no-receipt, answered,
   *     voicemail, ...); absent while not known
   * @param deliveryDetail the delivery in words ("30034 the sender number is not registered ..."); absent while not known
   * @param deliverySeconds from the channel accepting it to its delivery being known; absent while not known
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TestPage(
      long id, String to, String phone, String channel, Instant requestedAt, String state, String via, String sid,
      String error, String delivery, String deliveryDetail, Double deliverySeconds) {

    /** True once nothing more will be known: not sent, or its final delivery state recorded. */
    public boolean settled() {
      return NOT_SENT.equals(state) || delivery != null;
    }

    /** True when it reached the person (delivered, answered) or the channel reports no delivery. */
    public boolean reached() {
      return "delivered".equals(delivery) || "answered".equals(delivery) || "untracked".equals(delivery);
    }

    /** Where it stands in words: "delivered in 4.2s", "not sent: ...", "sent, delivery not known yet". */
    public String outcome() {
      if (NOT_SENT.equals(state)) {
        return "not sent: " + error;
      }
      if (SENDING.equals(state)) {
        return "being sent";
      }
      return deliveryWords(delivery, deliveryDetail, deliverySeconds);
    }
  }

  /**
   * A sent message's or call's delivery in words: "delivered in 4.2s", "undelivered: 30034 the
   * sender number is not registered for A2P 10DLC", "sent, delivery not known yet".
   */
  public static String deliveryWords(String delivery, String detail, Double seconds) {
    if (delivery == null) {
      return "sent, delivery not known yet";
    }
    String in = seconds == null ? ""
        : " in " + io.oobwatch.probes.canary.Durations.format(java.time.Duration.ofMillis(Math.round(seconds * 1000)));
    return switch (delivery) {
      case "delivered", "answered" -> delivery + in;
      case "untracked" -> "sent (" + detail + ")";
      default -> delivery + ": " + detail;
    };
  }

  /** A page that failed for good. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record FailedPage(long page, long alert, String to, String channel, String error) {}
}
