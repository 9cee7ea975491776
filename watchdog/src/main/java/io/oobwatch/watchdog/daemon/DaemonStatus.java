package io.oobwatch.watchdog.daemon;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.page.FailoverPager;
import io.oobwatch.watchdog.page.PageDispatcher;
import io.oobwatch.watchdog.schedule.HeartbeatWatch;
import io.oobwatch.watchdog.schedule.PipelineWatch;
import io.oobwatch.watchdog.schedule.SignalWatch;
import io.oobwatch.watchdog.self.SelfWatch;
import io.oobwatch.watchdog.server.Health;
import io.oobwatch.watchdog.server.StatusSource;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.Escalating;
import io.oobwatch.watchdog.store.OutboxEntry;
import io.oobwatch.watchdog.store.Silence;
import io.oobwatch.watchdog.store.AlertStore;
import io.oobwatch.watchdog.store.CanaryStore;
import io.oobwatch.watchdog.store.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code /status} and {@code /healthz} say: built from the watches' snapshots and the store. */
final class DaemonStatus implements StatusSource {
  private final Config config;
  private final Clock clock;
  private final AlertStore alertStore;
  private final Outbox outbox;
  private final CanaryStore canaries;
  private final List<PipelineWatch> watches;
  private final PageDispatcher dispatcher;
  private final Instant started;
  private final HeartbeatWatch heartbeats;
  private final DaemonMetrics metrics;
  private final Alerts alerts;
  private final List<SignalWatch> signalWatches;
  private final SelfWatch self;

  DaemonStatus(Config config, Clock clock, AlertStore alertStore, Outbox outbox, CanaryStore canaries,
      List<PipelineWatch> watches, PageDispatcher dispatcher,
      HeartbeatWatch heartbeats, DaemonMetrics metrics, Alerts alerts, List<SignalWatch> signalWatches, SelfWatch self) {
    this.heartbeats = heartbeats;
    this.metrics = metrics;
    this.alerts = alerts;
    this.signalWatches = signalWatches;
    this.config = config;
    this.self = self;
    this.clock = clock;
    this.alertStore = alertStore;
    this.outbox = outbox;
    this.canaries = canaries;
    this.watches = watches;
    this.dispatcher = dispatcher;
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

  @Override
  public Object status() {
    Instant now = clock.instant();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("instance", config.instance());
    doc.put("now", now.toString());
    Health h = health();
    doc.put("healthy", h.ok());
    if (!h.ok()) {
      doc.put("unhealthy_reason", h.reason());
    }
    List<Object> pipelines = new ArrayList<>();
    for (PipelineWatch w : watches) {
      pipelines.add(pipeline(w, now));
    }
    doc.put("pipelines", pipelines);
    doc.put("checks", checks());
    List<Object> alerts = new ArrayList<>();
    for (Alert a : alertStore.alerts(now.minus(Duration.ofDays(1)))) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", a.id());
      m.put("subject", a.subject());
      m.put("rule", a.rule());
      m.put("state", a.state().name().toLowerCase(java.util.Locale.ROOT));
      m.put("stage", a.stage());
      m.put("summary", a.summary());
      m.put("opened_at", a.openedAt().toString());
      m.put("resolved_at", a.resolvedAt() == null ? null : a.resolvedAt().toString());
      alerts.add(m);
    }
    doc.put("heartbeats", heartbeats.status());
    doc.put("alerts", alerts);
    Map<String, Object> paging = new LinkedHashMap<>();
    paging.put("channel", dispatcher.pager().describe());
    List<Object> pages = new ArrayList<>();
    long pending = 0;
    long failed = 0;
    for (OutboxEntry e : outbox.pages(20)) {
      pending += e.state() == OutboxEntry.State.PENDING ? 1 : 0;
      failed += e.state() == OutboxEntry.State.FAILED ? 1 : 0;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", e.id());
      m.put("alert", e.alertId());
      m.put("event", e.event());
      m.put("to", e.recipient());
      m.put("state", e.state().name().toLowerCase(java.util.Locale.ROOT));
      m.put("channel", e.channel());
      m.put("attempts", e.attempts());
      m.put("sid", e.sid());
      m.put("error", e.lastError());
      pages.add(m);
    }
    paging.put("pending", pending);
    paging.put("failed", failed);
    paging.put("recent", pages);
    pagingDetails(paging, now);
    PagingProblem problem = pagingProblem(outbox.pages(20));
    if (problem != null) {
      paging.put("problem", problem.text());
      paging.put("problem_kind", problem.kind());
    }
    doc.put("paging", paging);
    doc.put("self", self.status());
    return doc;
  }

  /** Escalation of open alerts, silences, pages that failed for good, and the channel's own failure. */
  private void pagingDetails(Map<String, Object> paging, Instant now) {
    if (dispatcher.pager() instanceof FailoverPager f && f.problem() != null) {
      paging.put("primary_channel_problem", f.problem());
    }
    List<Object> open = new ArrayList<>();
    for (Escalating e : alerts.open()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", e.alert().id());
      m.put("subject", e.alert().subject());
      m.put("state", e.alert().state().name().toLowerCase(java.util.Locale.ROOT));
      if (e.ackedAt() != null) {
        m.put("acked_by", e.ackedBy());
        m.put("acked_at", e.ackedAt().toString());
        m.put("rearms_at", alerts.escalation().rearmAt(e.ackedAt()).toString());
      } else if (e.silenced()) {
        m.put("silenced", true);
      } else {
        m.put("steps_paged", e.nextStep());
        m.put("next_step_at", alerts.escalation().nextDue(e.epochAt(), e.nextStep()).map(Instant::toString).orElse(null));
      }
      open.add(m);
    }
    paging.put("escalations", open);
    List<Object> silences = new ArrayList<>();
    for (Silence s : alerts.silences()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("subject", s.subject());
      m.put("until", s.until().toString());
      m.put("reason", s.reason());
      m.put("by", s.by());
      silences.add(m);
    }
    paging.put("silences", silences);
    List<Object> problems = new ArrayList<>();
    for (OutboxEntry e : outbox.failedPages(now.minus(Duration.ofDays(1)))) {
      problems.add(Map.of("page", e.id(), "alert", e.alertId(), "to", e.recipient(), "channel", e.channel(),
          "error", String.valueOf(e.lastError())));
    }
    paging.put("failed_last_24h", problems);
  }

  private Map<String, Object> pipeline(PipelineWatch w, Instant now) {
    PipelineWatch.Snapshot s = w.snapshot();
    Config.Canary c = w.canary();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", w.name());
    m.put("last_tick", s.lastTick() == null ? null : s.lastTick().toString());
    if (s.error() != null) {
      m.put("error", s.error());
    }
    Map<String, Object> canary = new LinkedHashMap<>();
    canary.put("every", Durations.format(c.every()));
    canary.put("deadline", Durations.format(c.deadline()));
    canary.put("slo", Durations.format(c.slo()));
    canary.put("last_seq", s.lastSeq());
    canary.put("in_flight", s.inFlight());
    canary.put("failure_streak", s.rule().failures());
    canary.put("failing_at", s.rule().failure());
    canary.put("pass_streak", s.rule().passes());
    CanaryStore.OutcomeCounts counts = canaries.counts(w.name(), now.minus(Duration.ofHours(24)));
    Map<String, Object> day = new LinkedHashMap<>();
    day.put("ok", counts.ok());
    day.put("slow", counts.slow());
    day.put("lost", counts.lost());
    day.put("unreachable", counts.unreachable());
    day.put("duplicates", counts.duplicates());
    canary.put("last_24h", day);
    CanaryOutcome last = s.last();
    if (last != null) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("seq", last.seq());
      l.put("id", last.canaryId());
      l.put("emitted_at", last.emittedAt().toString());
      l.put("verdict", last.verdict().name());
      l.put("injection", last.injection().ok() ? "accepted: " + last.injection().reason() : "failed: " + last.injection().reason());
      l.put("stages", OutcomeJson.stages(last));
      canary.put("last", l);
    }
    m.put("canary", canary);
    return m;
  }

  /** Per pipeline, every freshness, volume, ratio and consumer-lag check: newest observation and each rule's finding. */
  private List<Object> checks() {
    List<Object> out = new ArrayList<>();
    for (SignalWatch w : signalWatches) {
      SignalWatch.Snapshot s = w.snapshot();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pipeline", w.name());
      m.put("every", Durations.format(w.every()));
      m.put("last_tick", s.lastTick() == null ? null : s.lastTick().toString());
      if (s.error() != null) {
        m.put("error", s.error());
      }
      List<Object> items = new ArrayList<>();
      for (SignalWatch.CheckStatus c : s.checks().values()) {
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("type", c.type());
        i.put("name", c.name());
        i.put("source", c.where());
        if (c.observation() != null) {
          i.put("observed_at", c.observation().at().toString());
          i.put("observation", c.observation().kind().name().toLowerCase(java.util.Locale.ROOT));
          if (c.observation().known()) {
            i.put("value", c.observation().value());
          }
          if (!c.observation().note().isEmpty()) {
            i.put("note", c.observation().note());
          }
        }
        i.put("findings", c.findings());
        items.add(i);
      }
      m.put("checks", items);
      out.add(m);
    }
    return out;
  }

  /**
   * Why evaluation is not progressing, or null while it is: a pipeline whose loop completed no
   * round for {@code self.stalled_after} (default 2m) is stalled. A round is bounded by the probe
   * timeouts (one lookup per unreachable stage per round), so a healthy loop, even with every
   * target down, completes rounds well within that bound. The same judgement drives /healthz,
   * systemd's watchdog pings and the dead man's switch.
   */
  String stalled() {
    Instant now = clock.instant();
    for (PipelineWatch w : watches) {
      PipelineWatch.Snapshot s = w.snapshot();
      Instant since = s.lastTick() == null ? started : s.lastTick();
      if (Duration.between(since, now).compareTo(config.self().stalledAfter()) > 0) {
        return "evaluation of pipeline " + w.name() + " stalled since " + since;
      }
    }
    for (SignalWatch w : signalWatches) {
      Instant since = w.snapshot().lastTick() == null ? started : w.snapshot().lastTick();
      if (Duration.between(since, now).compareTo(config.self().stalledAfter().plus(w.every())) > 0) {
        return "evaluation of the checks of pipeline " + w.name() + " stalled since " + since;
      }
    }
    if (!config.heartbeats().isEmpty()) {
      Instant heartbeatsSince = heartbeats.lastEvaluation() == null ? started : heartbeats.lastEvaluation();
      if (Duration.between(heartbeatsSince, now).compareTo(config.self().stalledAfter()) > 0) {
        return "evaluation of heartbeats stalled since " + heartbeatsSince;
      }
    }
    return null;
  }

  /** True once every pipeline completed its first evaluation round (for systemd's READY=1). */
  boolean firstRoundDone() {
    return watches.stream().allMatch(w -> w.snapshot().lastTick() != null);
  }

  /** Why oobwatch itself is degraded (stalled, or pages not going out), or null when it is well. */
  String degraded() {
    String stalled = stalled();
    if (stalled != null) {
      return stalled;
    }
    PagingProblem p = pagingProblem(outbox.pages(20));
    return p == null ? null : p.text();
  }

  /** @param kind "retrying" (a send failed, a retry is due) or "failed" (given up: fix config or number) */
  record PagingProblem(String kind, String text) {}

  /**
   * Paging is in trouble when a page is waiting for a retry (the channel failed at least once:
   * Twilio unreachable, 5xx, 429) or when the newest page that reached an end failed for good.
   */
  static PagingProblem pagingProblem(List<OutboxEntry> pages) {
    long newestSent = pages.stream().filter(e -> e.state() == OutboxEntry.State.SENT)
        .mapToLong(OutboxEntry::id).max().orElse(0);
    for (OutboxEntry e : pages) {
      if (e.state() == OutboxEntry.State.PENDING && e.attempts() > 0) {
        return new PagingProblem("retrying",
            "page " + e.id() + " to " + e.recipient() + " not sent after " + e.attempts() + " attempt(s): " + e.lastError());
      }
      if (e.state() == OutboxEntry.State.FAILED && e.id() > newestSent) {
        return new PagingProblem("failed", "page " + e.id() + " to " + e.recipient() + " failed: " + e.lastError());
      }
    }
    return null;
  }

  /** One line for systemd's STATUS=: "3 pipelines, 0 firing, last canary 0.8s". */
  String summary() {
    long firing = alertStore.alerts(clock.instant()).stream().filter(a -> a.state() == Alert.State.FIRING).count();
    CanaryOutcome last = null;
    for (PipelineWatch w : watches) {
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
    return watches.size() + (watches.size() == 1 ? " pipeline, " : " pipelines, ") + firing + " firing, " + canary;
  }
}
