package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * oobwatch watching itself: the stall bound, the dead man's switch and the peers.
 *
 * @param deadMansSwitch null when none is configured
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SelfStatus(String stalledAfter, DeadMansSwitch deadMansSwitch, List<Peer> peers) {
  public SelfStatus {
    peers = StatusJson.list(peers);
  }

  /**
   * The outbound ping, as of the last one.
   *
   * @param url where the pings go, without its secret part ({@code https://hc-ping.com/...})
   * @param lastPing "ok", "fail" (oobwatch told the URL it is degraded) or "none yet"
   * @param degraded why oobwatch said it is degraded; absent when it did not
   * @param delivered whether the URL answered 2xx; absent before the first ping
   * @param error why the ping was not delivered; absent when it was
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DeadMansSwitch(
      String url, String every, Instant lastPingAt, String lastPing, String degraded, Boolean delivered,
      String error) {
    public static final String NONE_YET = "none yet";
  }

  /**
   * A peer oobwatch, as of its last check.
   *
   * @param lastCheckAt null before the first check
   * @param failingSince when the current run of failed checks began; absent while answering
   * @param error the last check's failure; absent when it succeeded
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Peer(
      String name, String url, String every, int failuresToFire, Instant lastCheckAt, boolean answering,
      @JsonProperty("failures_in_a_row") int failuresInARow, @JsonInclude(JsonInclude.Include.NON_NULL) Instant failingSince,
      @JsonInclude(JsonInclude.Include.NON_NULL) String error) {}
}
