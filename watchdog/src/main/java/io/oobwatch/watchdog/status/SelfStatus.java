package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * oobwatch watching itself: the stall bound, the dead man's switch, the peers and systemd's watchdog.
 *
 * @param deadMansSwitch null when none is configured
 * @param systemd systemd's notification and watchdog; absent when oobwatch does not run under
 *     systemd ({@code NOTIFY_SOCKET} unset)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SelfStatus(String stalledAfter, DeadMansSwitch deadMansSwitch, List<Peer> peers,
    @JsonInclude(JsonInclude.Include.NON_NULL) Systemd systemd) {
  public SelfStatus {
    peers = StatusJson.list(peers);
  }

  /** Without systemd's part (not run by systemd, or not known where this is built). */
  public SelfStatus(String stalledAfter, DeadMansSwitch deadMansSwitch, List<Peer> peers) {
    this(stalledAfter, deadMansSwitch, peers, null);
  }

  /** The same, with systemd's part. */
  public SelfStatus withSystemd(Systemd s) {
    return new SelfStatus(stalledAfter, deadMansSwitch, peers, s);
  }

  /**
   * systemd's side ({@code Type=notify}): {@code WATCHDOG=1} is sent only while evaluation
   * progresses, so a stalled oobwatch is restarted by systemd after {@code WatchdogSec=}.
   *
   * @param watchdogEvery how often WATCHDOG=1 is sent; absent when the unit sets no WatchdogSec=
   * @param watchdogPings how many systemd took since the start
   * @param withholding true while the pings are held back because evaluation stalled
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Systemd(String watchdogEvery, long watchdogPings, boolean withholding) {}

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
