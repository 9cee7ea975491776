package io.oobwatch.watchdog.config;

import io.oobwatch.probes.InjectorConfig;
import io.oobwatch.probes.SignalSource;
import io.oobwatch.probes.StageConfig;
import io.oobwatch.probes.canary.LearnedLatency;
import io.oobwatch.probes.http.HealthProbeConfig;
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
 * @param heartbeats components that prove they are alive, push or pull, in config order
 * @param self how oobwatch itself is watched (never null; an absent section means the defaults)
 * @param cluster the other members this instance forms one watchdog with; null when it runs alone
 */
public record Config(
    Path source, String instance, Path stateDir, Http http, List<Pipeline> pipelines, Paging paging,
    List<Heartbeat> heartbeats, Self self, Cluster cluster) {

  /**
   * Several instances as one watchdog: each probes on its own, one page per alert step.
   *
   * @param name the cluster's name; members of another cluster on the same hosts never join this one
   * @param bind where this member listens for the others (one of {@code members})
   * @param members every member's bind address, the same list on every host
   * @param secret keys the encryption and authentication of the cluster. Secret: never printed
   * @param peerTimeout how long the member of rank i waits, times i, before it sends a page step itself
   * @param agree how many members must see a condition before it pages (capped by the members in view)
   */
  public record Cluster(String name, InetSocketAddress bind, List<InetSocketAddress> members, String secret,
      Duration peerTimeout, int agree) {
    @Override
    public String toString() {
      return "Cluster[name=" + name + ", bind=" + bind + ", members=" + members + ", secret=****, peerTimeout="
          + peerTimeout + ", agree=" + agree + "]";
    }
  }

  /**
   * @param publicUrl how Twilio reaches this oobwatch ("https://wd-eu-1.example.net"); webhook
   *     signatures are checked against it, call acknowledgements post to it; null when not set
   * @param apiToken bearer token for {@code POST /alerts/{id}/ack} and silences, read from
   *     {@code api_token_file}; null disables those endpoints. Secret: never printed
   */
  public record Http(InetSocketAddress listen, String publicUrl, String apiToken) {
    public Http(InetSocketAddress listen, String publicUrl) {
      this(listen, publicUrl, null);
    }

    @Override
    public String toString() {
      return "Http[listen=" + listen + ", publicUrl=" + publicUrl + ", apiToken=" + (apiToken == null ? "none" : "****") + "]";
    }
  }

  /**
   * @param canary null when the pipeline is watched by its other checks only
   * @param checks freshness, volume, ratio and consumer-lag checks (none when not configured)
   */
  /** @param quality its quality and cost signals and the tap they are read by; null for none */
  public record Pipeline(String name, Canary canary, Checks checks, Quality quality) {
    /** A pipeline watched by its canary only. */
    public Pipeline(String name, Canary canary) {
      this(name, canary, Checks.NONE);
    }

    /** A pipeline without quality and cost signals. */
    public Pipeline(String name, Canary canary, Checks checks) {
      this(name, canary, checks, null);
    }
  }

  /** A pipeline's quality and cost signals, read by its tap. */
  public record Quality(TapSpec tap, io.oobwatch.watchdog.config.QualitySpec spec) {}

  /** Where the tap reads: its kind's name and settings. */
  public record TapSpec(String kind, io.oobwatch.probes.SignalSource.Tap source) {}

  /**
   * @param every how often a canary is emitted
   * @param deadline a stage that has not seen a canary this long after emission lost it
   * @param slo latency objective: arriving later is SLOW (reported, a WARNING in check)
   * @param poll how often in-flight canaries are looked for
   * @param lossesToFire consecutive failures at the same stage that fire an alert
   * @param passesToResolve consecutive clean canaries that resolve it
   * @param record fields merged into the synthetic inference record
   * @param early judging LATE before the deadline ({@code early}, {@code late_factor}, {@code
   *     late_floor}, {@code learn_from})
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
      List<StageSpec> stages,
      Early early) {

    /** Settings with the default early judging. */
    public Canary(Duration every, Duration deadline, Duration slo, Duration poll, int lossesToFire, int passesToResolve,
        Map<String, Object> record, InjectorSpec inject, List<StageSpec> stages) {
      this(every, deadline, slo, poll, lossesToFire, passesToResolve, record, inject, stages, Early.DEFAULT);
    }
  }

  /**
   * Judging a canary LATE before its deadline, from each stage's learned latency.
   *
   * @param on false: the deadline alone judges (the learned bound is still shown)
   * @param lateFactor the LATE bound is this many times the learned p99.9
   * @param lateFloor the LATE bound is never shorter
   * @param learnFrom arrivals at a stage before its bound is used
   */
  public record Early(boolean on, double lateFactor, Duration lateFloor, int learnFrom) {
    public static final Early DEFAULT =
        new Early(true, LearnedLatency.DEFAULT_FACTOR, LearnedLatency.DEFAULT_FLOOR, LearnedLatency.DEFAULT_LEARN_FROM);
  }

  /** The pipeline entry: its kind and the probe's own config record. */
  public record InjectorSpec(String kind, InjectorConfig settings) {}

  /**
   * One stage: its kind, its unique name in the pipeline, the stage it follows ({@code after:};
   * null for the one listed above it, or the entry for the first), and the probe's own config record.
   */
  public record StageSpec(String kind, String name, String after, StageConfig settings) {}

  /**
   * @param twilio the Twilio account; null pages to the console
   * @param oncall people who can be paged, by name
   * @param escalation steps, each timed from the alert's opening (or its re-arming)
   * @param repeatEvery the whole escalation starts again this long after its previous start, while
   *     the alert fires unacknowledged
   * @param repeatLimit how many times it starts again at most (after that, the alert stays open and
   *     visible in status, but nobody is paged again for it)
   * @param ackTimeout an acknowledged alert that still fires this long after the ack is re-armed:
   *     escalation starts again from its first step
   * @param fallback the second channel, or null
   * @param deliveryTimeout an SMS with no delivery receipt this long after Twilio accepted it counts
   *     as not received, and the page moves to its next route
   */
  public record Paging(
      TwilioConfig twilio,
      List<OnCall> oncall,
      List<Step> escalation,
      Duration repeatEvery,
      boolean notifyResolved,
      int maxPagesPerHour,
      int repeatLimit,
      Duration ackTimeout,
      Fallback fallback,
      Duration deliveryTimeout) {
    /** When {@code paging.delivery_timeout} is not set (and for console paging). */
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofMinutes(2);

    public OnCall person(String name) {
      return oncall.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }
  }

  public record OnCall(String name, String phone) {}

  /**
   * The channel used when the primary Twilio account rejects its credentials (20003), or has been
   * unreachable for {@code after}. Exactly one of {@code twilio} and {@code webhookUrl} is set.
   *
   * @param webhookToken bearer token sent to the webhook; secret, never printed
   */
  public record Fallback(Duration after, TwilioConfig twilio, String webhookUrl, String webhookToken) {
    @Override
    public String toString() {
      return "Fallback[after=" + after + ", twilio=" + twilio + ", webhookUrl=" + webhookUrl
          + ", webhookToken=" + (webhookToken == null ? "none" : "****") + "]";
    }
  }

  public record Step(Duration after, List<String> sms, List<String> call) {}

  /**
   * A component that proves it is alive. Push: it POSTs {@code /heartbeat/NAME} with its bearer
   * token, and is missing when no ping came for {@code every + grace}. Pull: oobwatch GETs its
   * health URL every {@code every}; {@code failuresToFire} failures in a row fire.
   *
   * @param name unique among heartbeats; the alert's subject and the URL path segment
   * @param grace push: slack after {@code every} before it counts as missing (also how long a
   *     {@code /start} may run without a success); null for pull
   * @param token push: the bearer token (a secret: never printed); null for pull
   * @param pull pull: what to GET and what a healthy answer is; null for push
   * @param failuresToFire pull: failed probes in a row that fire; 0 for push
   */
  public record Heartbeat(
      String name, Duration every, Duration grace, String token, HealthProbeConfig pull, int failuresToFire) {
    public boolean push() {
      return pull == null;
    }

    /** The token is masked: it is a secret. */
    @Override
    public String toString() {
      return "Heartbeat[" + name + ", every=" + every + (push() ? ", grace=" + grace + ", token=****"
          : ", " + pull + ", failuresToFire=" + failuresToFire) + "]";
    }
  }

  /**
   * The checks of a pipeline that need no canary: each observes one signal every {@code
   * evaluateEvery}, keeps the observations in oobwatch's own store, and judges them with a rule.
   *
   * @param evaluateEvery how often each signal is observed and its rules evaluated
   * @param unknownAfter a signal that cannot be observed this long raises its own alert
   */
  public record Checks(
      Duration evaluateEvery,
      Duration unknownAfter,
      List<Freshness> freshness,
      List<Volume> volume,
      List<Ratio> ratios,
      List<ConsumerLag> consumerLag) {
    public static final Duration DEFAULT_EVALUATE_EVERY = Duration.ofMinutes(1);
    public static final Duration DEFAULT_UNKNOWN_AFTER = Duration.ofMinutes(5);
    public static final Checks NONE =
        new Checks(DEFAULT_EVALUATE_EVERY, DEFAULT_UNKNOWN_AFTER, List.of(), List.of(), List.of(), List.of());

    public boolean isEmpty() {
      return freshness.isEmpty() && volume.isEmpty() && consumerLag.isEmpty();
    }
  }

  /**
   * Silence: the newest real record of a sink must be younger than {@code maxAge}.
   *
   * @param settings where it is read; opens its probe
   */
  public record Freshness(String name, String kind, SignalSource.Freshness settings, Duration maxAge) {
    /** Where it is read, in the words of a page. */
    public String where() {
      return Config.where(kind, name, settings);
    }
  }

  /**
   * Records per minute from one source, compared with the same window in the past.
   *
   * @param settings where it is read; opens its probe
   * @param window the span averaged, now and in each baseline
   * @param drop a fraction: pages when the window is this much below every available baseline
   * @param baselines how far back the comparison windows lie (1d, 7d), in order of preference
   * @param minPerMinute baselines below this are too small to judge (quiet nights); 0 for no floor
   * @param maxPerMinute pages when the window is above it (flood, runaway client); null for none
   */
  public record Volume(
      String name,
      String kind,
      SignalSource.Volume settings,
      Duration window,
      double drop,
      List<Duration> baselines,
      double minPerMinute,
      Double maxPerMinute) {
    /** Where it is read, in the words of a page. */
    public String where() {
      return Config.where(kind, name, settings);
    }
  }

  /**
   * The share of a source's volume that reaches a sink, both named volume checks of the pipeline.
   *
   * @param min a fraction: pages when sink/source over the window is below it
   */
  public record Ratio(String sink, String source, double min, Duration window) {}

  /**
   * A consumer group that must keep consuming.
   *
   * @param settings the group and where it is read; opens its probe
   * @param maxLag pages when the lag is above it; 0 for no bound
   * @param stalledAfter how long committed offsets may stay flat while lag grows (or the group be
   *     Empty or gone) before it pages
   */
  public record ConsumerLag(String name, SignalSource.ConsumerLag settings, long maxLag, Duration stalledAfter) {
    /** The group, in the words of a page ("consumer group logstash"). */
    public String where() {
      return Config.where("consumer_lag", name, settings);
    }
  }

  /**
   * A check's source in the words of a page, as its kind says it; a check that holds no source
   * (judged only from observations already stored) is named by its kind and name.
   */
  private static String where(String kind, String name, SignalSource source) {
    if (source != null) {
      return source.where(name);
    }
    return name.equals(kind) ? kind : kind + " " + name;
  }

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
  public record Peer(String name, String url, Duration every, int failuresToFire, Duration timeout) {
    /** The subject of this peer's alert and silences: "peer wd-us-1". */
    public String subject() {
      return "peer " + name;
    }
  }
}
