package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * The cluster this oobwatch is a member of, as it sees it now.
 *
 * @param name the cluster's name
 * @param self this member's name
 * @param rank this member's rank: it sends a page step rank × peer_timeout after it is due, unless
 *     another member sent it
 * @param view the members in the view now, rank 0 (the coordinator, the oldest) first
 * @param left members that were in the view and are not, with since when
 * @param configured how many members the config lists
 * @param agree how many members must see a condition before it pages
 * @param peerTimeout the wait per rank ("15s")
 * @param pagesSentHere page steps this member sent since it started
 * @param pagesHeldBack page steps this member did not send because another member had
 * @param recentPages the newest page steps sent in the cluster, by any member, newest first
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ClusterStatus(String name, String self, int rank, List<Member> view, List<Left> left, int configured,
    int agree, String peerTimeout, long pagesSentHere, long pagesHeldBack, List<Paged> recentPages) {
  public ClusterStatus {
    view = StatusJson.list(view);
    left = StatusJson.list(left);
    recentPages = StatusJson.list(recentPages);
  }

  /** @param self whether it is this oobwatch */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Member(String name, int rank, boolean self) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Left(String name, Instant since) {}

  /**
   * One page step sent.
   *
   * @param alert the alert's key, the same on every member ("inference-logs/canary")
   * @param step which step and person ("e0:s0:sms:alice", "resolve:sms:alice")
   * @param member who sent it
   * @param sid the channel's id (Twilio SID); absent when the channel gives none
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Paged(String alert, String step, String member, @JsonInclude(JsonInclude.Include.NON_NULL) String sid,
      Instant at) {}
}
