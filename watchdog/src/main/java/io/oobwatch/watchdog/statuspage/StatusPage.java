package io.oobwatch.watchdog.statuspage;

import io.oobwatch.watchdog.status.AlertStatus;
import io.oobwatch.watchdog.status.CanaryHistory;
import io.oobwatch.watchdog.status.CanaryStatus;
import io.oobwatch.watchdog.status.ClusterStatus;
import io.oobwatch.watchdog.status.HeartbeatStatus;
import io.oobwatch.watchdog.status.LastCanary;
import io.oobwatch.watchdog.status.PagingStatus;
import io.oobwatch.watchdog.status.PipelineChecks;
import io.oobwatch.watchdog.status.PipelineQuality;
import io.oobwatch.watchdog.status.PipelineStatus;
import io.oobwatch.watchdog.status.SelfStatus;
import io.oobwatch.watchdog.status.SignalHistory;
import io.oobwatch.watchdog.status.StageStatus;
import io.oobwatch.watchdog.status.StatusDocument;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The status page ({@code GET /}): one HTML document drawn from the {@code /status} document and
 * the 24-hour history, with no inline script or style (the server's CSP forbids both); the page's
 * own script ({@code /static/page.js}) refreshes {@code <main id="live">} every few seconds and
 * sends acknowledgements and silences through the token-protected API. Pure: the same inputs draw
 * the same page.
 */
public final class StatusPage {
  /** How often the page's script fetches the page again. */
  public static final int REFRESH_MS = 5000;
  /** The silences the page offers, as the API's {@code for}. */
  static final List<String> SILENCE_LENGTHS = List.of("1h", "4h", "12h", "1d");

  private StatusPage() {}

  /**
   * The history charts, drawn once per history refresh (on the daemon's history thread) rather than
   * for every request: per pipeline its timeline and latency charts, per check ({@code
   * pipeline/type/name}) its chart, per quality and cost signal ({@code pipeline/name}) its chart.
   */
  public record Charts(Map<String, String> canaries, Map<String, String> signals, Map<String, String> quality) {
    public static final Charts NONE = new Charts(Map.of(), Map.of(), Map.of());

    public Charts {
      canaries = Map.copyOf(canaries);
      signals = Map.copyOf(signals);
      quality = Map.copyOf(quality);
    }
  }

  /**
   * Draws the charts of every pipeline's history.
   *
   * @param deadlines per pipeline, its canary deadline ("1m30s"), drawn on its latency charts
   */
  public static Charts draw(Map<String, CanaryHistory> canaries, Map<String, SignalHistory> signals,
      Map<String, String> deadlines) {
    return draw(canaries, signals, Map.of(), deadlines);
  }

  /**
   * Draws the charts of every pipeline's history, with its quality and cost signals' history.
   *
   * @param quality per pipeline with a tap, its signals' history
   */
  public static Charts draw(Map<String, CanaryHistory> canaries, Map<String, SignalHistory> signals,
      Map<String, SignalHistory> quality, Map<String, String> deadlines) {
    Map<String, String> c = new LinkedHashMap<>();
    canaries.forEach((pipeline, history) -> {
      if (history.from() != null) {
        Html h = new Html();
        canaryCharts(h, history, deadlines.getOrDefault(pipeline, ""));
        c.put(pipeline, h.toString());
      }
    });
    Map<String, String> s = seriesCharts(signals, x -> x.type() + "/" + x.name(), StatusPage::signalChart);
    Map<String, String> q = seriesCharts(quality, SignalHistory.Series::name, StatusPage::qualityChart);
    return new Charts(c, s, q);
  }

  /** Per pipeline and series ({@code pipeline/KEY}), the series' chart drawn by {@code chart}. */
  private static Map<String, String> seriesCharts(Map<String, SignalHistory> histories,
      Function<SignalHistory.Series, String> key, SeriesChart chart) {
    Map<String, String> out = new LinkedHashMap<>();
    histories.forEach((pipeline, history) -> {
      if (history.from() != null) {
        for (SignalHistory.Series series : history.series()) {
          Html h = new Html();
          chart.draw(h, history.from(), series);
          out.put(pipeline + "/" + key.apply(series), h.toString());
        }
      }
    });
    return out;
  }

  private interface SeriesChart {
    void draw(Html h, Instant from, SignalHistory.Series series);
  }

  public static String render(StatusDocument doc, Charts charts) {
    Html h = new Html();
    h.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .raw("<title>").text("oobwatch " + doc.instance() + (firing(doc) > 0 ? " — " + firing(doc) + " firing" : ""))
        .raw("</title><link rel=\"stylesheet\" href=\"/static/page.css\">")
        .raw("<script src=\"/static/page.js\" defer></script></head>")
        .raw("<body").attr("data-refresh-ms", REFRESH_MS).raw(">");
    header(h, doc);
    h.raw("<main id=\"live\"").attr("data-now", doc.now()).raw(">");
    summary(h, doc);
    alerts(h, doc);
    Map<String, PipelineChecks> checks = new LinkedHashMap<>();
    doc.checks().forEach(c -> checks.put(c.pipeline(), c));
    List<String> names = new ArrayList<>();
    doc.pipelines().forEach(p -> names.add(p.name()));
    checks.keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
    Map<String, PipelineQuality> quality = new LinkedHashMap<>();
    doc.quality().forEach(q -> quality.put(q.pipeline(), q));
    quality.keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
    for (String name : names) {
      PipelineStatus p = doc.pipelines().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
      pipeline(h, doc, name, p, charts, checks.get(name), quality.get(name));
    }
    heartbeats(h, doc);
    self(h, doc);
    paging(h, doc.paging());
    h.raw("</main><footer>").raw("As of <time id=\"updated\">").text(Html.clock(doc.now())).raw("</time>")
        .raw(" · refreshes every ").text(REFRESH_MS / 1000 + " s").raw(" · <a href=\"/status\">/status</a> (JSON)")
        .raw(" · <span id=\"connection\"></span></footer></body></html>\n");
    return h.toString();
  }

  private static long firing(StatusDocument doc) {
    return doc.alerts().stream().filter(a -> AlertStatus.FIRING.equals(a.state())).count();
  }

  private static void header(Html h, StatusDocument doc) {
    h.raw("<header><h1>oobwatch <span class=\"instance\">").text(doc.instance()).raw("</span></h1>")
        .raw("<form id=\"token-form\" autocomplete=\"off\">")
        .raw("<label for=\"token\">API token</label>")
        .raw("<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"off\" spellcheck=\"false\"")
        .raw(" placeholder=\"http.api_token_file\">")
        .raw("<label class=\"remember\"><input type=\"checkbox\" id=\"remember\"> remember in this tab</label>")
        .raw("<button type=\"submit\" id=\"use-token\">Use token</button>")
        .raw("<button type=\"button\" id=\"forget-token\">Forget</button>")
        .raw("<span id=\"token-state\">read-only: give the API token to acknowledge or silence</span></form>")
        .raw("<p id=\"notice\" role=\"status\" aria-live=\"polite\"></p></header>");
  }

  private static void summary(Html h, StatusDocument doc) {
    long firing = firing(doc);
    long acked = doc.alerts().stream().filter(a -> AlertStatus.ACKNOWLEDGED.equals(a.state())).count();
    String cls = firing > 0 ? "bad" : !doc.healthy() || acked > 0 || doc.paging().problem() != null ? "warn" : "ok";
    h.raw("<section id=\"summary\"").attr("class", "banner " + cls).raw(">");
    if (firing > 0) {
      h.el("strong", null, firing + (firing == 1 ? " alert firing" : " alerts firing"));
    } else if (acked > 0) {
      h.el("strong", null, acked + " acknowledged, nothing else firing");
    } else {
      h.el("strong", null, "All watched pipelines OK");
    }
    if (!doc.healthy()) {
      h.raw(" · ").el("span", null, "oobwatch itself: " + doc.unhealthyReason());
    }
    if (doc.paging().problem() != null) {
      h.raw(" · ").el("span", null, "paging: " + doc.paging().problem());
    }
    h.raw("</section>");
  }

  private static void alerts(Html h, StatusDocument doc) {
    List<AlertStatus> open = doc.alerts().stream()
        .filter(a -> AlertStatus.FIRING.equals(a.state()) || AlertStatus.ACKNOWLEDGED.equals(a.state())).toList();
    h.raw("<section id=\"alerts\"><h2>Open alerts</h2>");
    if (open.isEmpty()) {
      h.el("p", "quiet", "No open alert.");
      h.raw("</section>");
      return;
    }
    Map<Long, PagingStatus.Escalation> escalations = new LinkedHashMap<>();
    doc.paging().escalations().forEach(e -> escalations.put(e.id(), e));
    h.raw("<div class=\"scroll\"><table class=\"alerts\"><thead><tr><th>#</th><th>What</th><th>Since</th>")
        .raw("<th>State</th><th>Escalation</th><th>Paged</th><th>Act</th></tr></thead><tbody>");
    for (AlertStatus a : open) {
      PagingStatus.Escalation e = escalations.get(a.id());
      h.raw("<tr").attr("id", "alert-" + a.id()).attr("class", "alert " + a.state()).raw(">");
      h.el("td", "id", a.id());
      h.raw("<td class=\"what\">").el("strong", null, a.subject()).raw(" ").el("span", "rule", a.rule()
          + (a.stage() == null || a.stage().isEmpty() ? "" : " @ " + a.stage())).raw("<br>").text(a.summary())
          .raw("</td>");
      h.raw("<td>").text(Html.clock(a.openedAt())).raw("<br><small>").text(Html.ago(a.openedAt(), doc.now()))
          .raw("</small></td>");
      h.raw("<td class=\"alert-state\">").text(a.state());
      if (e != null && e.ackedBy() != null) {
        h.raw("<br><small>").text("by " + e.ackedBy() + " at " + Html.clock(e.ackedAt())
            + (e.rearmsAt() == null ? "" : "; pages again " + Html.clock(e.rearmsAt()) + " if still open")).raw("</small>");
      }
      h.raw("</td><td class=\"escalation\">");
      if (e == null) {
        h.text("-");
      } else if (Boolean.TRUE.equals(e.silenced())) {
        h.text("silenced");
      } else if (AlertStatus.ACKNOWLEDGED.equals(a.state())) {
        h.text("stopped (acknowledged)");
      } else {
        h.text((e.stepsPaged() == null ? 0 : e.stepsPaged()) + " step(s) paged"
            + (e.nextStepAt() == null ? "; no step left" : "; next " + Html.clock(e.nextStepAt())));
      }
      h.raw("</td><td class=\"pages\">");
      List<PagingStatus.Page> pages = doc.paging().recent().stream().filter(p -> p.alert() == a.id()).toList();
      if (pages.isEmpty()) {
        h.text("-");
      }
      for (PagingStatus.Page p : pages) {
        h.raw("<div").attr("class", "page " + p.state()).raw(">").text(p.event() + " → " + p.to() + ": " + p.state()
            + (p.error() == null ? "" : " (" + p.error() + ")")).raw("</div>");
      }
      h.raw("</td><td class=\"act\">");
      if (AlertStatus.FIRING.equals(a.state())) {
        h.raw("<button type=\"button\" class=\"act ack\" disabled").attr("data-ack", a.id()).raw(">Acknowledge</button>");
      }
      h.raw("<span class=\"silence\"><select class=\"silence-for\" disabled").attr("aria-label", "silence length")
          .raw(">");
      for (String l : SILENCE_LENGTHS) {
        h.raw("<option").attr("value", l).raw(">").text(l).raw("</option>");
      }
      h.raw("</select><button type=\"button\" class=\"act silence\" disabled").attr("data-subject", a.subject())
          .raw(">Silence for…</button></span></td></tr>");
    }
    h.raw("</tbody></table></div></section>");
  }

  private static void pipeline(Html h, StatusDocument doc, String name, PipelineStatus p, Charts charts,
      PipelineChecks checks, PipelineQuality quality) {
    h.raw("<section class=\"pipeline\"").attr("id", "pipeline-" + name).attr("data-pipeline", name).raw(">");
    h.el("h2", null, name);
    if (p != null) {
      chain(h, doc, p);
      CanaryStatus c = p.canary();
      CanaryStatus.DayCounts d = c.last24h();
      h.raw("<p class=\"counts\">").text("Last 24 h: " + d.ok() + " ok, " + d.slow() + " slow, " + d.lost() + " lost, "
          + d.unreachable() + " unreachable" + (d.duplicates() > 0 ? ", " + d.duplicates() + " duplicates" : "")
          + " · canary every " + c.every() + ", deadline " + c.deadline() + ", slo " + c.slo()).raw("</p>");
      h.raw(charts.canaries().getOrDefault(name, ""));
    }
    if (checks != null) {
      signals(h, name, checks, charts);
    }
    if (quality != null) {
      quality(h, doc, quality, charts);
    }
    h.raw("</section>");
  }

  /** The chain entry → stage → stage, each coloured by the last canary; the first failing hop red. */
  private static void chain(Html h, StatusDocument doc, PipelineStatus p) {
    LastCanary last = p.canary().last();
    h.raw("<ol class=\"chain\">");
    boolean injected = last == null || last.injectionFailure() == null;
    // a canary that could not be injected was judged UNREACHABLE (nothing is known of the pipeline), so
    // the entry is purple like an unreachable stage, not red like a lost canary
    String failed = last != null && "LOST".equals(last.verdict()) ? "st-LOST" : "st-UNREACHABLE";
    h.raw("<li").attr("class", "stage entry " + (last == null ? "st-none" : injected ? "st-SEEN" : failed))
        .attr("data-stage", "entry").raw(">").el("span", "name", "entry")
        .el("span", "detail", last == null ? "no canary judged yet"
            : injected ? "#" + last.seq() + " injected " + Html.ago(last.emittedAt(), doc.now())
            : "injection failed: " + last.injectionFailure())
        .raw("</li>");
    if (last != null) {
      // each stage hangs off the stage it is fed from (its "after"; none given: the one above), so
      // on a branched pipeline the red link is the hop on the branch that lost the canary
      Map<String, Boolean> reached = new LinkedHashMap<>();
      reached.put("entry", injected);
      String previous = "entry";
      for (StageStatus s : last.stages()) {
        String from = s.after().isEmpty() ? previous : s.after();
        boolean ok = s.result().equals("SEEN") || s.result().equals("SLOW");
        boolean broken = !reached.getOrDefault(from, false);
        String hop = (broken ? "hop after-break" : ok ? "hop ok" : "hop broken") + (from.equals(previous) ? "" : " branch");
        h.raw("<li").attr("class", hop).attr("data-hop", from + "→" + s.stage()).attr("aria-label",
            ok || broken ? "link from " + from : "broken link: the canary did not get from " + from + " to " + s.stage())
            .raw(">");
        if (!from.equals(previous)) {
          h.el("span", "from", "from " + from);
        }
        h.raw("</li>");
        h.raw("<li").attr("class", "stage st-" + s.result()).attr("data-stage", s.stage()).raw(">")
            .el("span", "name", s.stage()).el("span", "result", s.result())
            .el("span", "detail", (ok ? Html.ms(s.latencyMs()) : s.reason() == null ? "" : s.reason())
                + learned(p.canary(), s.stage()) + " · deadline " + p.canary().deadline())
            .raw("</li>");
        reached.put(s.stage(), !broken && ok);
        previous = s.stage();
      }
    }
    h.raw("</ol>");
    if (p.error() != null) {
      h.el("p", "error", "last round failed: " + p.error());
    }
  }

  /** " · p99 0.4s · late after 1.2s" for a stage that learned its latency; empty before. */
  private static String learned(CanaryStatus c, String stage) {
    return c.learned().stream().filter(l -> l.stage().equals(stage)).findFirst()
        .map(l -> " · p99 " + Html.ms(l.p99Ms()) + (c.early() ? " · late after " + Html.ms(l.lateAfterMs()) : ""))
        .orElse("");
  }

  private static void canaryCharts(Html h, CanaryHistory history, String deadlineText) {
    h.raw("<h3>Canaries, last 24 h</h3>");
    Svg.timeline(h, history.from(), history.buckets());
    h.raw("<div class=\"legend\"><span class=\"key t-ok\">ok</span><span class=\"key t-slow\">slow</span>")
        .raw("<span class=\"key t-late\" title=\"judged LATE before its deadline, whether it arrived after all or not\">late</span>")
        .raw("<span class=\"key t-lost\">lost</span><span class=\"key t-unreachable\">unreachable</span>")
        .raw("<span class=\"key t-none\">none</span></div>");
    latency(h, history, deadlineText);
  }

  private static void latency(Html h, CanaryHistory history, String deadlineText) {
    Map<String, List<Svg.Point>> p50 = new LinkedHashMap<>();
    Map<String, List<Svg.Point>> p99 = new LinkedHashMap<>();
    for (CanaryHistory.Bucket b : history.buckets()) {
      for (CanaryHistory.StageLatency s : b.stages()) {
        if (s.seen() > 0) {
          p50.computeIfAbsent(s.stage(), k -> new ArrayList<>()).add(new Svg.Point(b.start(), s.p50Ms() / 1000.0));
          p99.computeIfAbsent(s.stage(), k -> new ArrayList<>()).add(new Svg.Point(b.start(), s.p99Ms() / 1000.0));
        }
      }
    }
    Double deadline = seconds(deadlineText);
    for (String stage : p50.keySet()) {
      h.raw("<div class=\"latency\"").attr("data-stage", stage).raw(">").el("h3", null, "Latency to " + stage);
      Svg.chart(h, "latency to " + stage + ", p50 and p99 per 10 minutes", history.from(),
          List.of(new Svg.Line("l-p50", "p50", p50.get(stage)), new Svg.Line("l-p99", "p99", p99.get(stage))),
          deadline, "deadline " + deadlineText, "s");
      h.raw("</div>");
    }
  }

  /** "90s", "1m30s", "2h" → seconds; null when it cannot be read. */
  static Double seconds(String duration) {
    try {
      return (double) io.oobwatch.probes.canary.Durations.parse(duration).toMillis() / 1000.0;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void signals(Html h, String pipeline, PipelineChecks checks, Charts charts) {
    h.raw("<div class=\"signals\">");
    for (PipelineChecks.Check c : checks.checks()) {
      boolean bad = c.findings().values().stream().anyMatch(f -> f.startsWith("BAD"));
      h.raw("<div").attr("class", "signal " + (bad ? "bad" : "ok")).attr("data-check", c.type() + "/" + c.name()).raw(">");
      h.el("h3", null, c.type() + ": " + c.name()).el("p", "source", c.source());
      c.findings().forEach((rule, finding) -> h.el("p", finding.startsWith("BAD") ? "finding bad" : "finding", rule + ": " + finding));
      h.raw(charts.signals().getOrDefault(pipeline + "/" + c.type() + "/" + c.name(), ""));
      h.raw("</div>");
    }
    h.raw("</div>");
    if (checks.error() != null) {
      h.el("p", "error", "last round of checks failed: " + checks.error());
    }
  }

  /**
   * The "Quality and cost" block of a pipeline with a tap: the tap's own health (records counted,
   * records it could not use, a failed round), then per signal its figure beside its baseline ± σ,
   * the requests it stands on and its status line, red when its condition holds.
   */
  private static void quality(Html h, StatusDocument doc, PipelineQuality q, Charts charts) {
    h.raw("<div class=\"quality\">").el("h3", null, "Quality and cost");
    h.raw("<p").attr("class", "tap" + (q.error() == null ? "" : " bad")).raw(">")
        .text("tap: " + q.records() + " records in the last hour"
            + (q.problems() == null ? ", none unusable" : "; unusable: " + q.problems())
            + (q.lastTick() == null ? "; no round yet" : "; judged " + Html.ago(q.lastTick(), doc.now()))).raw("</p>");
    if (q.error() != null) {
      h.el("p", "error", "last round of quality signals failed: " + q.error());
    }
    h.raw("<div class=\"signals\">");
    for (PipelineQuality.Signal s : q.signals()) {
      boolean bad = s.status().startsWith("BAD");
      h.raw("<div").attr("class", "signal quality-signal " + (bad ? "bad" : "ok")).attr("data-signal", s.name())
          .attr("data-rule", s.rule()).raw(">");
      h.el("h3", null, s.name()).el("p", "source", s.rule());
      h.el("p", "figure", "value " + figure(s.value()) + " · baseline " + figure(s.baseline())
          + (s.sigma() == null ? "" : " ± " + figure(s.sigma())) + " · " + s.samples() + " samples");
      h.el("p", bad ? "finding bad" : "finding", s.status());
      h.raw(charts.quality().getOrDefault(q.pipeline() + "/" + s.name(), ""));
      h.raw("</div>");
    }
    h.raw("</div></div>");
  }

  /** A quality figure to four significant digits (rates are fractions: 0.02 is 2%); "-" when not known. */
  static String figure(Double v) {
    if (v == null || v.isNaN()) {
      return "-";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }

  /** One quality or cost signal's day per 10 minutes, with its threshold where it has one. */
  private static void qualityChart(Html h, Instant from, SignalHistory.Series s) {
    String label = switch (s.type()) {
      case "rate" -> "share of requests";
      case "request_max" -> "largest request";
      case "spend" -> "spent today (UTC)";
      default -> s.type();
    };
    String thresholdLabel = s.threshold() == null ? null : switch (s.type()) {
      case "request_max" -> "max " + figure(s.threshold());
      case "spend" -> "cap " + figure(s.threshold());
      default -> "threshold " + figure(s.threshold());
    };
    Svg.chart(h, s.name() + ", last 24 h", from, List.of(new Svg.Line("l-value", label, s.points().stream()
        .map(p -> new Svg.Point(p.start(), p.value())).toList())), s.threshold(), thresholdLabel, s.unit());
  }

  /** One check's day: its value, for volume yesterday, last week and the drop line; else its threshold. */
  private static void signalChart(Html h, Instant from, SignalHistory.Series s) {
    String type = s.type();
    List<Svg.Line> lines = new ArrayList<>();
    lines.add(new Svg.Line("l-value", label(type), s.points().stream()
        .map(p -> new Svg.Point(p.start(), p.value())).toList()));
    Double threshold = s.threshold();
    String thresholdLabel = threshold == null ? null : type.equals("freshness") ? "max_age " + Svg.number(threshold) + " s"
        : "max_lag " + Svg.number(threshold);
    if (type.equals("volume")) {
      lines.add(new Svg.Line("l-yesterday", "yesterday", s.points().stream().filter(p -> p.yesterday() != null)
          .map(p -> new Svg.Point(p.start(), p.yesterday())).toList()));
      lines.add(new Svg.Line("l-week", "last week", s.points().stream().filter(p -> p.lastWeek() != null)
          .map(p -> new Svg.Point(p.start(), p.lastWeek())).toList()));
      if (threshold != null) {
        double fraction = threshold;
        lines.add(new Svg.Line("l-floor", "drop line (" + Math.round(fraction * 100) + " % of yesterday)",
            s.points().stream().filter(p -> p.yesterday() != null)
                .map(p -> new Svg.Point(p.start(), p.yesterday() * fraction)).toList()));
      }
      threshold = null;
    }
    Svg.chart(h, type + " " + s.name() + ", last 24 h", from, lines, threshold, thresholdLabel, s.unit());
  }

  private static String label(String type) {
    return switch (type) {
      case "freshness" -> "age of newest record";
      case "volume" -> "records/min";
      case "consumer_lag" -> "lag";
      default -> type;
    };
  }

  private static void heartbeats(Html h, StatusDocument doc) {
    if (doc.heartbeats().isEmpty()) {
      // said, not left out: at night an absent section reads like a page that failed to draw it
      h.raw("<section id=\"heartbeats\"><h2>Heartbeats</h2>").el("p", "quiet", "no heartbeats configured")
          .raw("</section>");
      return;
    }
    h.raw("<section id=\"heartbeats\"><h2>Heartbeats</h2><div class=\"scroll\"><table><thead><tr><th>Name</th>")
        .raw("<th>Kind</th><th>State</th><th>Last seen</th><th>Problem</th></tr></thead><tbody>");
    for (HeartbeatStatus hb : doc.heartbeats()) {
      Instant seen = hb instanceof HeartbeatStatus.Push p ? p.lastSeen() : ((HeartbeatStatus.Pull) hb).lastSeen();
      String problem = hb instanceof HeartbeatStatus.Push p ? p.problem() : ((HeartbeatStatus.Pull) hb).problem();
      h.raw("<tr").attr("class", "hb " + hb.state()).raw(">").el("td", null, hb.name()).el("td", null, hb.kind())
          .el("td", "state", hb.state()).el("td", null, Html.ago(seen, doc.now()))
          .el("td", null, problem == null ? "" : problem).raw("</tr>");
    }
    h.raw("</tbody></table></div></section>");
  }

  private static void self(Html h, StatusDocument doc) {
    SelfStatus s = doc.self();
    h.raw("<section id=\"self\"><h2>Self-monitoring</h2><ul>");
    h.raw("<li").attr("class", doc.healthy() ? "ok" : "bad").raw(">")
        .text(doc.healthy() ? "evaluation loops ticking (stall bound " + s.stalledAfter() + ")"
            : "stalled: " + doc.unhealthyReason()).raw("</li>");
    SelfStatus.Systemd sd = s.systemd();
    if (sd == null) {
      h.el("li", "quiet", "not run by systemd (no systemd watchdog)");
    } else if (sd.watchdogEvery() == null) {
      h.el("li", "quiet", "systemd notified; no systemd watchdog (the unit sets no WatchdogSec=)");
    } else {
      h.raw("<li").attr("class", sd.withholding() ? "bad" : "ok").raw(">")
          .text(sd.withholding() ? "systemd watchdog: pings held back while evaluation is stalled; systemd restarts"
              + " oobwatch after WatchdogSec=" : "systemd watchdog: WATCHDOG=1 every " + sd.watchdogEvery() + " ("
              + sd.watchdogPings() + " sent)").raw("</li>");
    }
    SelfStatus.DeadMansSwitch d = s.deadMansSwitch();
    if (d == null) {
      h.el("li", "quiet", "no dead man's switch configured");
    } else {
      h.raw("<li").attr("class", d.error() == null ? "ok" : "bad").raw(">")
          .text("dead man's switch " + d.url() + ": last ping " + d.lastPing() + " " + Html.ago(d.lastPingAt(), doc.now())
              + (d.error() == null ? "" : " — " + d.error())).raw("</li>");
    }
    if (s.peers().isEmpty() && doc.cluster() == null) {
      h.el("li", "quiet", "no peers configured");
    }
    for (SelfStatus.Peer p : s.peers()) {
      h.raw("<li").attr("class", p.answering() ? "ok" : "bad").raw(">")
          .text("peer " + p.name() + ": " + (p.answering() ? "answering" : "not answering"
              + (p.error() == null ? "" : " — " + p.error())) + ", checked " + Html.ago(p.lastCheckAt(), doc.now()))
          .raw("</li>");
    }
    h.raw("</ul>");
    cluster(h, doc);
    h.raw("</section>");
  }

  /**
   * The cluster this member is in: the view with each member's rank, the members that left and
   * since when, the page steps this member sent and held back, and the newest pages of the whole
   * cluster (who sent which step of which alert). Nothing when oobwatch runs alone.
   */
  private static void cluster(Html h, StatusDocument doc) {
    ClusterStatus c = doc.cluster();
    if (c == null) {
      return;
    }
    h.raw("<div id=\"cluster\">").el("h3", null, "Cluster " + c.name()).raw("<ul>");
    boolean whole = c.view().size() >= c.configured() && c.left().isEmpty();
    h.raw("<li").attr("class", whole ? "ok" : "bad").raw(">").text(c.view().size() + " of " + c.configured()
        + " members in the view; this member, " + c.self() + ", is rank " + c.rank() + " (it sends a due page step "
        + (c.rank() == 0 ? "at once" : c.rank() + " × " + c.peerTimeout() + " after it is due") + " unless another member"
        + " sent it); " + c.agree() + " must see a condition before it pages").raw("</li>");
    h.raw("<li class=\"view\">view: ");
    for (ClusterStatus.Member m : c.view()) {
      h.raw(m.rank() == 0 ? "" : ", ").raw("<span").attr("class", m.self() ? "member self" : "member")
          .attr("data-member", m.name()).raw(">").text(m.name() + " (rank " + m.rank()
              + (m.rank() == 0 ? ", coordinator" : "") + (m.self() ? ", this member" : "") + ")").raw("</span>");
    }
    h.raw("</li>");
    for (ClusterStatus.Left l : c.left()) {
      h.raw("<li class=\"bad\"").attr("data-left", l.name()).raw(">").text(l.name() + " left the view "
          + (l.since() == null ? "" : "at " + Html.clock(l.since()) + ", " + Html.ago(l.since(), doc.now()))).raw("</li>");
    }
    h.el("li", null, c.pagesSentHere() + " page step(s) sent by this member, " + c.pagesHeldBack()
        + " held back because another member had sent them");
    h.raw("</ul>");
    if (c.recentPages().isEmpty()) {
      h.el("p", "quiet", "no page sent in the cluster yet");
    } else {
      h.raw("<div class=\"scroll\"><table class=\"cluster-pages\"><thead><tr><th>At</th><th>Alert</th><th>Step</th>")
          .raw("<th>Sent by</th><th>SID</th></tr></thead><tbody>");
      for (ClusterStatus.Paged p : c.recentPages()) {
        h.raw("<tr>").el("td", null, Html.clock(p.at())).el("td", null, p.alert()).el("td", null, step(p.step()))
            .el("td", p.member().equals(c.self()) ? "member self" : "member", p.member())
            .el("td", null, p.sid() == null ? "-" : p.sid()).raw("</tr>");
      }
      h.raw("</tbody></table></div>");
    }
    h.raw("</div>");
  }

  /** A replicated page step in words: "e0:s1:sms:alice" → "e0:s1: sms to alice". */
  static String step(String step) {
    String[] parts = step.split(":");
    if (parts.length < 3) {
      return step;
    }
    String prefix = String.join(":", java.util.Arrays.copyOf(parts, parts.length - 2));
    return prefix + ": " + parts[parts.length - 2] + " to " + parts[parts.length - 1];
  }

  /** "last test page: 14:02:11, SMS to alice +1555…22, delivered in 1.2s"; red when it reached nobody. */
  private static void testPage(Html h, String what, PagingStatus.TestPage t) {
    if (t == null) {
      return;
    }
    String cls = !t.settled() ? "test-page" : t.reached() ? "test-page ok" : "test-page bad";
    h.el("li", cls, "last test " + (what.equals("SMS") ? "page" : "call") + ": " + Html.clock(t.requestedAt()) + ", "
        + what + " to " + t.to() + " " + t.phone() + ", " + t.outcome());
  }

  private static void paging(Html h, PagingStatus p) {
    h.raw("<section id=\"paging\"><h2>Paging</h2><ul>");
    h.el("li", null, "channel: " + p.channel());
    h.raw("<li").attr("class", p.problem() == null ? "ok" : "bad").raw(">")
        .text(p.problem() == null ? "no paging problem" : p.problemKind() + ": " + p.problem()).raw("</li>");
    if (p.primaryChannelProblem() != null) {
      h.el("li", "bad", "primary channel: " + p.primaryChannelProblem());
    }
    h.el("li", null, p.pending() + " pending, " + p.failed() + " failed, " + p.failedLast24h().size()
        + " failed for good in the last 24 h");
    testPage(h, "SMS", p.lastTestSms());
    testPage(h, "call", p.lastTestCall());
    if (p.lastTestSms() == null && p.lastTestCall() == null) {
      h.el("li", "test-page none", "last test page: none sent through this daemon (run oobwatch page-test)");
    }
    for (PagingStatus.SilenceStatus s : p.silences()) {
      h.el("li", "silence", "silenced: " + s.subject() + " until " + Html.clock(s.until()) + " (" + s.reason() + ", by "
          + s.by() + ")");
    }
    h.raw("</ul></section>");
  }
}
