package io.oobwatch.watchdog.daemon;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.cluster.ClusterSync;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.schedule.HeartbeatWatch;
import io.oobwatch.watchdog.schedule.PipelineWatch;
import io.oobwatch.watchdog.schedule.QualityWatch;
import io.oobwatch.watchdog.schedule.SignalWatch;
import io.oobwatch.watchdog.self.SelfWatch;
import io.oobwatch.watchdog.server.Health;
import io.oobwatch.watchdog.server.StatusSource;
import io.oobwatch.watchdog.status.CanaryHistory;
import io.oobwatch.watchdog.status.CanaryStatus;
import io.oobwatch.watchdog.status.LastCanary;
import io.oobwatch.watchdog.status.PipelineChecks;
import io.oobwatch.watchdog.status.PipelineStatus;
import io.oobwatch.watchdog.status.SignalHistory;
import io.oobwatch.watchdog.status.StageStatus;
import io.oobwatch.watchdog.status.SelfStatus;
import io.oobwatch.watchdog.status.StatusDocument;
import io.oobwatch.watchdog.systemd.SystemdNotifier;
import io.oobwatch.watchdog.statuspage.StatusPage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@code /status} and {@code /healthz} say, built from the snapshots the loops publish (the
 * watches, the paging view, the canary counts): no store read, so it answers on the HTTP server's
 * I/O thread.
 */
final class DaemonStatus implements StatusSource {
  /**
   * Everything that runs a loop and publishes what it saw.
   *
   * @param pipelines the canary loops; signals the signal-check loops
   * @param state why oobwatch cannot write its own state now (a full or broken disk), or null
   */
  record Loops(
      List<PipelineWatch> pipelines, List<SignalWatch> signals, HeartbeatWatch heartbeats, SelfWatch self,
      Supplier<String> state, ClusterSync cluster, List<QualityWatch> quality) {}

  private final Config config;
  private final Clock clock;
  private final Loops loops;
  private final PagingView paging;
  private final CanaryDays days;
  private final DaemonMetrics metrics;
  private final Instant started;
  private final HistoryView history;
  private volatile StatusPage.Charts charts = StatusPage.Charts.NONE;
  /** Per pipeline with a tap, its signals' history as last drawn; written by the history thread alone. */
  private volatile Map<String, SignalHistory> quality = Map.of();
  /** systemd's notifier once it started; null before, and when not run by systemd. */
  private volatile SystemdNotifier systemd;

  DaemonStatus(Config config, Clock clock, Loops loops, PagingView paging, CanaryDays days, DaemonMetrics metrics,
      HistoryView history) {
    this.history = history;
    this.config = config;
    this.clock = clock;
    this.loops = loops;
    this.paging = paging;
    this.days = days;
    this.metrics = metrics;
    this.started = clock.instant();
  }

  @Override
  public Health health() {
    String stalled = stalled();
    return stalled == null ? new Health(true, "ok") : new Health(false, stalled);
  }

  @Override
  public String metrics() {
    return metrics.render(health().ok());
  }

  /** The status page, drawn from the same document as {@code /status} and the charts last drawn. */
  @Override
  public String page() {
    return StatusPage.render(status(), charts);
  }

  /**
   * Draws the page's charts from the history just published; called on the history thread after
   * each refresh, so a request only splices them in.
   */
  void drawCharts() {
    Map<String, CanaryHistory> canaries = new HashMap<>();
    Map<String, SignalHistory> signals = new HashMap<>();
    Map<String, String> deadlines = new HashMap<>();
    for (Config.Pipeline p : config.pipelines()) {
      CanaryHistory c = history.canaries(p.name());
      if (c != null) {
        canaries.put(p.name(), c);
        deadlines.put(p.name(), Durations.format(p.canary().deadline()));
      }
      SignalHistory s = history.signals(p.name());
      if (s != null) {
        signals.put(p.name(), s);
      }
    }
    Map<String, SignalHistory> q = new HashMap<>();
    for (QualityWatch w : loops.quality()) {
      try {
        q.put(w.name(), w.history());
      } catch (RuntimeException e) {
        // the state alarm says why the store cannot be read; the chart keeps its last drawing
        SignalHistory last = quality.get(w.name());
        if (last != null) {
          q.put(w.name(), last);
        }
      }
    }
    quality = Map.copyOf(q);
    charts = StatusPage.draw(canaries, signals, quality, deadlines);
  }

  @Override
  public Optional<Object> qualityHistory(String pipeline) {
    if (loops.quality().stream().noneMatch(w -> w.name().equals(pipeline))) {
      return Optional.empty();
    }
    SignalHistory s = quality.get(pipeline);
    return Optional.of(s != null ? s : new SignalHistory(pipeline, Durations.format(HistoryView.BUCKET), null, null,
        List.of()));
  }

  @Override
  public Optional<Object> canaryHistory(String pipeline) {
    return history.watches(pipeline) ? Optional.of(orEmpty(history.canaries(pipeline), pipeline)) : Optional.empty();
  }

  @Override
  public Optional<Object> signalHistory(String pipeline) {
    if (!history.watches(pipeline)) {
      return Optional.empty();
    }
    SignalHistory s = history.signals(pipeline);
    return Optional.of(s != null ? s : new SignalHistory(pipeline, Durations.format(HistoryView.BUCKET), null, null,
        List.of()));
  }

  private static CanaryHistory orEmpty(CanaryHistory c, String pipeline) {
    return c != null ? c : new CanaryHistory(pipeline, Durations.format(HistoryView.BUCKET), null, null, List.of());
  }

  @Override
  public StatusDocument status() {
    Health h = health();
    PagingView.Published p = paging.current();
    return new StatusDocument(
        config.instance(),
        clock.instant(),
        h.ok(),
        h.ok() ? null : h.reason(),
        loops.pipelines().stream().map(this::pipeline).toList(),
        loops.signals().stream().map(DaemonStatus::checks).toList(),
        loops.heartbeats().status(),
        p.alerts(),
        p.paging(),
        self(),
        loops.quality().stream().map(w -> w.snapshot().status()).toList(),
        loops.cluster() == null ? null : loops.cluster().status());
  }

  /** systemd's notifier, started after this: from now on /status shows its watchdog. */
  void systemd(SystemdNotifier notifier) {
    this.systemd = notifier.active() ? notifier : null;
  }

  private SelfStatus self() {
    SelfStatus s = loops.self().status();
    SystemdNotifier n = systemd;
    return n == null ? s : s.withSystemd(new SelfStatus.Systemd(
        n.watchdogEvery() == null ? null : Durations.write(n.watchdogEvery()), n.watchdogPings(), n.withholding()));
  }

  private PipelineStatus pipeline(PipelineWatch w) {
    PipelineWatch.Snapshot s = w.snapshot();
    Config.Canary c = w.canary();
    CanaryOutcome last = s.last();
    LastCanary l = last == null ? null : new LastCanary(last.seq(), last.canaryId(), last.emittedAt(),
        last.verdict().name(),
        last.injection().ok() ? "accepted: " + last.injection().reason() : LastCanary.FAILED + last.injection().reason(),
        StageStatus.of(last));
    CanaryStatus canary = new CanaryStatus(Durations.format(c.every()), Durations.format(c.deadline()),
        Durations.format(c.slo()), s.lastSeq(), s.inFlight(), s.rule().failures(), s.rule().failure(),
        s.rule().passes(), days.of(w.name()), l, c.early().on(), s.learned().entrySet().stream()
            .map(e -> CanaryStatus.Learned.of(e.getKey(), e.getValue()))
            .toList());
    return new PipelineStatus(w.name(), s.lastTick(), s.error(), canary);
  }

  /** Per pipeline, every freshness, volume, ratio and consumer-lag check: newest observation and each rule's finding. */
  private static PipelineChecks checks(SignalWatch w) {
    SignalWatch.Snapshot s = w.snapshot();
    List<PipelineChecks.Check> checks = s.checks().values().stream().map(DaemonStatus::check).toList();
    return new PipelineChecks(w.name(), Durations.format(w.every()), s.lastTick(), s.error(), checks);
  }

  private static PipelineChecks.Check check(SignalWatch.CheckStatus c) {
    Observation o = c.observation();
    if (o == null) {
      return new PipelineChecks.Check(c.type(), c.name(), c.where(), null, null, null, null, c.findings());
    }
    return new PipelineChecks.Check(c.type(), c.name(), c.where(), o.at(), o.kind().name().toLowerCase(Locale.ROOT),
        o.known() ? o.value() : null, o.note().isEmpty() ? null : o.note(), c.findings());
  }

  /**
   * Why evaluation is not progressing, or null while it is: oobwatch cannot write its state (every
   * round fails to record what it judged, at once), or a pipeline whose loop completed no round for
   * {@code self.stalled_after} (default 2m) is stalled; a round that failed is not a completed one. A round is bounded by the probe
   * timeouts (one lookup per unreachable stage per round), so a healthy loop, even with every
   * target down, completes rounds well within that bound. The same judgement drives /healthz,
   * systemd's watchdog pings and the dead man's switch.
   */
  String stalled() {
    String state = loops.state().get();
    if (state != null) {
      return state;
    }
    Instant now = clock.instant();
    for (PipelineWatch w : loops.pipelines()) {
      PipelineWatch.Snapshot s = w.snapshot();
      Instant since = s.lastTick() == null ? started : s.lastTick();
      if (Duration.between(since, now).compareTo(config.self().stalledAfter()) > 0) {
        return "evaluation of pipeline " + w.name() + " stalled since " + since;
      }
    }
    for (SignalWatch w : loops.signals()) {
      Instant since = w.snapshot().lastTick() == null ? started : w.snapshot().lastTick();
      if (Duration.between(since, now).compareTo(config.self().stalledAfter().plus(w.every())) > 0) {
        return "evaluation of the checks of pipeline " + w.name() + " stalled since " + since;
      }
    }
    if (!config.heartbeats().isEmpty()) {
      Instant heartbeatsSince = loops.heartbeats().lastEvaluation() == null ? started : loops.heartbeats().lastEvaluation();
      if (Duration.between(heartbeatsSince, now).compareTo(config.self().stalledAfter()) > 0) {
        return "evaluation of heartbeats stalled since " + heartbeatsSince;
      }
    }
    return null;
  }

  /** True once every pipeline completed its first evaluation round (for systemd's READY=1). */
  boolean firstRoundDone() {
    return loops.pipelines().stream().allMatch(w -> w.snapshot().lastTick() != null);
  }

  /** Why oobwatch itself is degraded (stalled, or pages not going out), or null when it is well. */
  String degraded() {
    String stalled = stalled();
    if (stalled != null) {
      return stalled;
    }
    PagingView.PagingProblem p = paging.current().problem();
    return p == null ? null : p.text();
  }

  /** One line for systemd's STATUS=: "3 pipelines, 0 firing, last canary 0.8s". */
  String summary() {
    long firing = paging.current().firing();
    CanaryOutcome last = null;
    for (PipelineWatch w : loops.pipelines()) {
      CanaryOutcome o = w.snapshot().last();
      if (o != null && (last == null || o.finishedAt().isAfter(last.finishedAt()))) {
        last = o;
      }
    }
    String canary;
    if (last == null) {
      canary = "no canary judged yet";
    } else if (last.verdict() == CanaryOutcome.Verdict.OK || last.verdict() == CanaryOutcome.Verdict.SLOW) {
      canary = "last canary " + last.endToEnd().map(Durations::format).orElse("?")
          + (last.verdict() == CanaryOutcome.Verdict.SLOW ? " (slow)" : "");
    } else {
      canary = "last canary (" + last.pipeline() + "): " + io.oobwatch.watchdog.alert.AlertText.summary(last);
    }
    int watches = loops.pipelines().size();
    return watches + (watches == 1 ? " pipeline, " : " pipelines, ") + firing + " firing, " + canary;
  }
}
