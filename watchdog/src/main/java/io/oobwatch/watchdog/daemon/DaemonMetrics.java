package io.oobwatch.watchdog.daemon;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.StageResult;
import io.oobwatch.watchdog.cluster.ClusterSync;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.status.ClusterStatus;
import io.oobwatch.watchdog.page.DeliveryWatch;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.schedule.HeartbeatWatch;
import io.oobwatch.watchdog.schedule.PipelineWatch;
import io.oobwatch.watchdog.schedule.Scheduler;
import io.oobwatch.watchdog.schedule.QualityWatch;
import io.oobwatch.watchdog.server.Exposition;
import io.oobwatch.watchdog.server.Exposition.Type;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.OutboxEntry;
import io.oobwatch.watchdog.store.AlertStore;
import io.oobwatch.watchdog.store.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code GET /metrics} says. Canary outcomes and per-stage latencies are counted as canaries
 * are judged ({@link #judged}, since this process started, as Prometheus counters are); the rest
 * (alerts, pages, heartbeats, the last canary's stage results) is read at scrape time from the
 * watches' snapshots and the store.
 */
final class DaemonMetrics {
  /** Latency buckets in seconds: canaries arrive in 0.1 s on a good day and are lost after 90-120 s. */
  static final double[] BUCKETS = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 90, 120};

  private final Clock clock;
  private final AlertStore alertStore;
  private final Outbox outbox;
  private final List<PipelineWatch> watches;
  private final HeartbeatWatch heartbeats;
  /** How far back sent pages are followed to their delivery (see DeliveryWatch#followFor). */
  private final Duration followFor;
  private final ClusterSync cluster;
  private final List<QualityWatch> quality;
  private final Map<String, Map<CanaryOutcome.Verdict, Long>> outcomes = new TreeMap<>();
  private final Map<String, Map<String, Histogram>> latency = new TreeMap<>();
  /** How late the scheduler's runs started. */
  private final java.util.function.Supplier<Scheduler.Lateness> lateness;

  /**
   * @param cluster the cluster's sync; null when this oobwatch runs alone
   * @param quality the quality watches, by reference: filled after this is made, read at scrape time
   */
  DaemonMetrics(Config config, Clock clock, AlertStore alertStore, Outbox outbox, List<PipelineWatch> watches,
      HeartbeatWatch heartbeats, java.util.function.Supplier<Scheduler.Lateness> lateness, ClusterSync cluster,
      List<QualityWatch> quality) {
    this.quality = quality;
    this.clock = clock;
    this.lateness = lateness;
    this.cluster = cluster;
    this.alertStore = alertStore;
    this.outbox = outbox;
    this.watches = watches;
    this.heartbeats = heartbeats;
    this.followFor = DeliveryWatch.followFor(
        config.paging() == null ? Config.Paging.DEFAULT_DELIVERY_TIMEOUT : config.paging().deliveryTimeout());
    for (Config.Pipeline p : config.pipelines()) {
      if (p.canary() == null) {
        continue; // watched by its other checks only: no canary metrics
      }
      Map<CanaryOutcome.Verdict, Long> byVerdict = new LinkedHashMap<>();
      for (CanaryOutcome.Verdict v : CanaryOutcome.Verdict.values()) {
        byVerdict.put(v, 0L);
      }
      outcomes.put(p.name(), byVerdict);
      Map<String, Histogram> stages = new LinkedHashMap<>();
      p.canary().stages().forEach(s -> stages.put(s.name(), new Histogram()));
      latency.put(p.name(), stages);
    }
  }

  /** Counts a judged canary: its verdict, and the latency of every stage it arrived at. */
  synchronized void judged(CanaryOutcome o) {
    outcomes.computeIfAbsent(o.pipeline(), k -> new LinkedHashMap<>()).merge(o.verdict(), 1L, Long::sum);
    for (StageResult r : o.stages()) {
      if (r.status().arrived()) {
        latency.computeIfAbsent(o.pipeline(), k -> new LinkedHashMap<>())
            .computeIfAbsent(r.stage(), k -> new Histogram())
            .observe(r.latency().toNanos() / 1e9);
      }
    }
  }

  /** The exposition, at the clock's now. */
  String render(boolean healthy) {
    Instant now = clock.instant();
    Exposition e = new Exposition();
    e.family("oobwatch_healthy", Type.GAUGE, "1 while every evaluation loop is ticking (what /healthz says), else 0.")
        .sample(healthy ? 1 : 0);
    canaries(e);
    alertsAndPages(e, now);
    heartbeats(e, now);
    Scheduler.Lateness late = lateness.get();
    e.family("oobwatch_schedule_lateness_seconds", Type.HISTOGRAM,
        "How late each scheduled run (pipeline tick, signal round, heartbeat probe, ...) started against when it was due.")
        .histogram(Scheduler.LATENESS_BUCKETS, late.counts(), late.sumSeconds());
    cluster(e);
    quality(e);
    return e.text();
  }

  /** Each quality and cost signal's value, baseline and σ, as of its watch's last round. */
  private void quality(Exposition e) {
    if (quality.isEmpty()) {
      return;
    }
    e.family("oobwatch_quality_value", Type.GAUGE, "A quality or cost signal's current figure (a rate as a fraction,"
        + " a mean, tokens, a spend forecast); the tap signal's is its lag in records.");
    figures(e, f -> f.value());
    e.family("oobwatch_quality_baseline", Type.GAUGE, "What the signal is judged against (same hour, last 7 days).");
    figures(e, f -> f.baseline());
    e.family("oobwatch_quality_sigma", Type.GAUGE, "The standard error the signal's value is judged with.");
    figures(e, f -> f.sigma());
  }

  private void figures(Exposition e, java.util.function.Function<io.oobwatch.watchdog.quality.Judgement.Figure, Double> of) {
    for (QualityWatch w : quality) {
      for (QualityWatch.SignalStatus s : w.snapshot().signals().values()) {
        Double v = of.apply(s.figure());
        if (v != null && !v.isNaN()) {
          e.sample(v, "pipeline", w.name(), "signal", s.name());
        }
      }
    }
  }

  private synchronized void canaries(Exposition e) {
    e.family("oobwatch_canary_outcomes_total", Type.COUNTER, "Judged canaries by verdict since oobwatch started.");
    outcomes.forEach((pipeline, byVerdict) -> byVerdict.forEach((verdict, n) ->
        e.sample(n, "pipeline", pipeline, "verdict", verdict.name().toLowerCase(java.util.Locale.ROOT))));
    e.family("oobwatch_canary_stage_latency_seconds", Type.HISTOGRAM,
        "Time from a canary's emission to its arrival at a stage, on oobwatch's clock (arrived canaries only).");
    latency.forEach((pipeline, stages) -> stages.forEach((stage, h) ->
        e.histogram(BUCKETS, h.counts.clone(), h.sum, "pipeline", pipeline, "stage", stage)));
    e.family("oobwatch_canary_stage_ok", Type.GAUGE,
        "1 when the last judged canary arrived at the stage (seen or slow), 0 when lost there or the stage was unreachable.");
    for (PipelineWatch w : watches) {
      CanaryOutcome last = w.snapshot().last();
      if (last != null) {
        for (StageResult r : last.stages()) {
          e.sample(r.status().arrived() ? 1 : 0, "pipeline", w.name(), "stage", r.stage());
        }
      }
    }
    e.family("oobwatch_canary_deadline_seconds", Type.GAUGE,
        "The configured deadline: a canary not seen at a stage by then is lost there.");
    for (PipelineWatch w : watches) {
      e.sample(w.canary().deadline().toMillis() / 1000.0, "pipeline", w.name());
    }
    e.family("oobwatch_canary_stage_learned_p99_seconds", Type.GAUGE,
        "p99 of the stage's recent arrival latency (its last 1000 canaries within a day); absent before learn_from arrivals.");
    for (PipelineWatch w : watches) {
      w.snapshot().learned().forEach((stage, b) -> e.sample(b.p99().toMillis() / 1000.0, "pipeline", w.name(), "stage", stage));
    }
    e.family("oobwatch_canary_stage_late_after_seconds", Type.GAUGE,
        "The learned LATE bound, max(late_factor x p99.9, late_floor): a canary not seen by then while the stage takes"
            + " in no real record is a stall; absent before learn_from arrivals.");
    for (PipelineWatch w : watches) {
      w.snapshot().learned().forEach((stage, b) -> e.sample(b.late().toMillis() / 1000.0, "pipeline", w.name(), "stage", stage));
    }
    e.family("oobwatch_canaries_in_flight", Type.GAUGE, "Canaries emitted and not yet judged.");
    for (PipelineWatch w : watches) {
      e.sample(w.snapshot().inFlight(), "pipeline", w.name());
    }
  }

  private void alertsAndPages(Exposition e, Instant now) {
    Map<String, Long> firing = new TreeMap<>();
    firing.put(Rule.CANARY.id(), 0L);
    firing.put(Rule.HEARTBEAT.id(), 0L);
    for (Alert a : alertStore.alerts(now)) {
      if (a.state() == Alert.State.FIRING) {
        // one series per signal: a request-max alert per session would make the label unbounded
        firing.merge(Rule.parse(a.rule()).map(r -> r.withoutSession().id()).orElse(a.rule()), 1L, Long::sum);
      }
    }
    e.family("oobwatch_alerts_firing", Type.GAUGE, "Alerts firing now, by rule.");
    firing.forEach((rule, n) -> e.sample(n, "rule", rule));
    Map<OutboxEntry.State, Long> pages = outbox.pageCounts();
    e.family("oobwatch_pages_sent_total", Type.COUNTER, "Pages the channel accepted (Twilio SID received).")
        .sample(pages.get(OutboxEntry.State.SENT));
    e.family("oobwatch_pages_failed_total", Type.COUNTER, "Pages given up for good (invalid number, bad credentials).")
        .sample(pages.get(OutboxEntry.State.FAILED));
    e.family("oobwatch_pages_pending", Type.GAUGE, "Pages in the outbox not yet sent (being retried).")
        .sample(pages.get(OutboxEntry.State.PENDING));
    e.family("oobwatch_page_deliveries_total", Type.COUNTER, "Sent messages and calls by where they ended"
        + " (delivered and answered reached a person; undelivered, failed, no-answer, busy, voicemail and no-receipt"
        + " did not, and paged the next route).");
    outbox.deliveryCounts().forEach((state, n) -> e.sample(n, "delivery", state.word()));
    e.family("oobwatch_page_deliveries_pending", Type.GAUGE, "Sent messages and calls whose final status is not known yet.")
        .sample(outbox.awaitingDelivery(now.minus(followFor)).stream().map(OutboxEntry::sid).distinct().count());
  }

  private void heartbeats(Exposition e, Instant now) {
    List<HeartbeatWatch.View> views = heartbeats.views();
    e.family("oobwatch_heartbeat_up", Type.GAUGE, "1 when the heartbeat is fine (or not yet due), 0 when its rule holds a problem.");
    views.forEach(v -> e.sample(v.problem() == null ? 1 : 0, "heartbeat", v.config().name(), "kind", kind(v)));
    e.family("oobwatch_heartbeat_age_seconds", Type.GAUGE,
        "Seconds since the heartbeat's last success (push: ping; pull: good probe); absent before the first.");
    for (HeartbeatWatch.View v : views) {
      if (v.state().lastOk() != null) {
        e.sample(Duration.between(v.state().lastOk(), now).toMillis() / 1000.0, "heartbeat", v.config().name(), "kind", kind(v));
      }
    }
    e.family("oobwatch_heartbeat_probe_failures", Type.GAUGE, "Pull heartbeats: failed probes in a row.");
    views.stream().filter(v -> !v.config().push())
        .forEach(v -> e.sample(v.state().failures(), "heartbeat", v.config().name()));
    e.family("oobwatch_heartbeat_probe_duration_seconds", Type.GAUGE, "Pull heartbeats: how long the last probe took.");
    views.stream().filter(v -> v.lastProbe() != null)
        .forEach(v -> e.sample(v.lastProbe().latency().toMillis() / 1000.0, "heartbeat", v.config().name()));
  }

  private void cluster(Exposition e) {
    if (cluster == null) {
      return;
    }
    ClusterStatus c = cluster.status();
    e.family("oobwatch_cluster_members", Type.GAUGE, "Members in the cluster's view now, this one included.")
        .sample(c.view().size());
    e.family("oobwatch_cluster_rank", Type.GAUGE, "This member's rank: it sends a page step rank x peer_timeout after"
        + " it is due, unless another member sent it.").sample(c.rank());
    e.family("oobwatch_cluster_members_left", Type.GAUGE, "Members that were in the view and are not now.")
        .sample(c.left().size());
    e.family("oobwatch_cluster_pages_sent_total", Type.COUNTER, "Page steps this member sent since it started.")
        .sample(c.pagesSentHere());
    e.family("oobwatch_cluster_pages_held_back_total", Type.COUNTER,
        "Page steps this member did not send because another member had sent them.").sample(c.pagesHeldBack());
  }

  private static String kind(HeartbeatWatch.View v) {
    return v.config().push() ? "push" : "pull";
  }

  /** Observations per bucket (the last one above every bound) and their sum; guarded by the metrics' lock. */
  private static final class Histogram {
    final long[] counts = new long[BUCKETS.length + 1];
    double sum;

    void observe(double seconds) {
      int i = 0;
      while (i < BUCKETS.length && seconds > BUCKETS[i]) {
        i++;
      }
      counts[i]++;
      sum += seconds;
    }
  }
}
