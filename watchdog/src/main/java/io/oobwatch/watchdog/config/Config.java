package io.oobwatch.watchdog.config;

import io.oobwatch.watchdog.page.TwilioConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A validated oobwatch config. Everything in it has been checked; secrets have been read from their
 * files or the environment and are never printed (the records that hold them mask them).
 *
 * @param source the file it was read from
 * @param instance this oobwatch's name in pages ("wd-eu-1")
 * @param stateDir where oobwatch keeps its own state (never in a monitored store)
 * @param http the status server
 * @param pipelines the pipelines watched, in config order
 * @param paging how people are paged; null means the console pager (dry run)
 * @param self how oobwatch itself is watched (never null; an absent section means the defaults)
 */
public record Config(
    Path source, String instance, Path stateDir, Http http, List<Pipeline> pipelines, Paging paging, Self self) {

  public record Http(InetSocketAddress listen, String publicUrl) {}

  public record Pipeline(String name, Canary canary) {}

  /**
   * @param every how often a canary is emitted
   * @param deadline a stage that has not seen a canary this long after emission lost it
   * @param slo latency objective: arriving later is SLOW (reported, a WARNING in check)
   * @param poll how often in-flight canaries are looked for
   * @param lossesToFire consecutive failures at the same stage that fire an alert
   * @param passesToResolve consecutive clean canaries that resolve it
   * @param record fields merged into the synthetic inference record
   */
  public record Canary(
      Duration every,
      Duration deadline,
      Duration slo,
      Duration poll,
      int lossesToFire,
      int passesToResolve,
      Map<String, Object> record,
      InjectorSpec inject,
      List<StageSpec> stages) {}

  /** The pipeline entry: its kind and the probe's own config record. */
  public record InjectorSpec(String kind, Object settings) {}

  /** One stage: its kind, its unique name in the pipeline, and the probe's own config record. */
  public record StageSpec(String kind, String name, Object settings) {}

  /**
   * @param twilio the Twilio account; null pages to the console
   * @param oncall people who can be paged, by name
   * @param escalation steps; this slice pages the first step's people
   */
  public record Paging(
      TwilioConfig twilio,
      List<OnCall> oncall,
      List<Step> escalation,
      Duration repeatEvery,
      boolean notifyResolved,
      int maxPagesPerHour) {

    public OnCall person(String name) {
      return oncall.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }
  }

  public record OnCall(String name, String phone) {}

  public record Step(Duration after, List<String> sms, List<String> call) {}

  /**
   * Self-monitoring.
   *
   * @param stalledAfter a pipeline whose evaluation loop completed no round for this long is
   *     stalled: /healthz answers 503, systemd's watchdog is no longer pinged, the dead man's
   *     switch reports failure
   * @param deadMansSwitch the outbound "still alive" ping; null when not configured
   * @param peers other oobwatch instances whose /healthz this one checks
   */
  public record Self(Duration stalledAfter, DeadMansSwitch deadMansSwitch, List<Peer> peers) {}

  /**
   * A healthchecks.io-style ping URL: {@code url} when all is well, {@code url + "/fail"} when
   * oobwatch itself is degraded. The URL is treated as a secret (it lets anyone ping).
   */
  public record DeadMansSwitch(String url, Duration every, Duration timeout) {
    @Override
    public String toString() {
      return "DeadMansSwitch[every=" + every + ", timeout=" + timeout + "]";
    }
  }

  /** Another oobwatch whose {@code /healthz} is checked every {@code every}. */
  public record Peer(String name, String url, Duration every, int failuresToFire, Duration timeout) {}
}
