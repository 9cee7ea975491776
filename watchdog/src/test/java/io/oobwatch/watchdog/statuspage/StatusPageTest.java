package io.oobwatch.watchdog.statuspage;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page as drawn from a /status document, without a browser. */
class StatusPageTest {
  static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

  static StatusDocument document(String summary, List<StageStatus> stages) {
    return document(summary, new LastCanary(7, "c-7", NOW.minusSeconds(5), "LOST", "accepted: offset 3", stages));
  }

  static StatusDocument document(String summary, LastCanary last) {
    return document(summary, last, null, null);
  }

  static StatusDocument document(String summary, LastCanary last, PagingStatus.TestPage sms,
      PagingStatus.TestPage call) {
    PipelineStatus p = new PipelineStatus("inference-logs", NOW, null, new CanaryStatus("30s", "1m30s", "10s", 7, 0, 2,
        "elasticsearch", 0, new CanaryStatus.DayCounts(5, 0, 2, 0, 0), last));
    AlertStatus alert = new AlertStatus(3, "inference-logs", "canary", AlertStatus.FIRING, "elasticsearch", summary,
        NOW.minusSeconds(60), null);
    PagingStatus paging = new PagingStatus("console", 0, 0, List.of(), null, List.of(), List.of(), List.of(), null, null, sms,
        call);
    return new StatusDocument("wd-test", NOW, true, null, List.of(p), List.of(), List.of(), List.of(alert), paging,
        new SelfStatus("2m", null, List.of()));
  }

  @Test
  void textFromTargetsAndAlertsIsEscapedSoItCannotBecomeMarkup() {
    String html = StatusPage.render(document("lost <img src=x onerror=alert(1)> & \"quoted\"",
        List.of(new StageStatus("kafka", "SEEN", 120, 1, ""),
            new StageStatus("elasticsearch", "LOST", 90_000, 0, "<script>alert(2)</script>"))), StatusPage.Charts.NONE);

    assertThat(html).doesNotContain("<img src=x").doesNotContain("<script>alert(2)")
        .contains("lost &lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;")
        .contains("&lt;script&gt;alert(2)&lt;/script&gt;");
  }

  @Test
  void aStageBoxShowsItsLearnedP99AndLateBoundBesideTheDeadline() {
    StatusDocument d = document("stalled", List.of(new StageStatus("kafka", "SEEN", 40, 1, ""),
        new StageStatus("elasticsearch", "LATE", 3100, 0, "not in elasticsearch 3.1s after emission")));
    PipelineStatus p = d.pipelines().get(0);
    CanaryStatus c = p.canary();
    CanaryStatus learned = new CanaryStatus(c.every(), "20s", c.slo(), c.lastSeq(), c.inFlight(), c.failureStreak(),
        c.failingAt(), c.passStreak(), c.last24h(), c.last(), true,
        List.of(new CanaryStatus.Learned("elasticsearch", 400, 410, 1230, 1000)));
    StatusDocument doc = new StatusDocument(d.instance(), d.now(), d.healthy(), d.unhealthyReason(),
        List.of(new PipelineStatus(p.name(), p.lastTick(), p.error(), learned)), d.checks(), d.heartbeats(), d.alerts(),
        d.paging(), d.self());

    String html = StatusPage.render(doc, StatusPage.Charts.NONE);

    assertThat(html).contains("<li class=\"stage st-LATE\" data-stage=\"elasticsearch\">")
        .contains("not in elasticsearch 3.1s after emission · p99 400 ms · late after 1.2 s · deadline 20s")
        .contains("40 ms · deadline 20s");
  }

  @Test
  void theFirstStageThatMissedTheCanaryGetsTheBrokenLinkAndTheStagesAfterItAreGrey() {
    String html = StatusPage.render(document("lost", List.of(new StageStatus("kafka", "SEEN", 120, 1, ""),
        new StageStatus("elasticsearch", "LOST", 90_000, 0, "not in index"),
        new StageStatus("datadog", "LOST", 90_000, 0, "not found"))), StatusPage.Charts.NONE);

    assertThat(html).contains("<li class=\"hop ok\" data-hop=\"entry→kafka\"")
        .contains("<li class=\"hop broken\" data-hop=\"kafka→elasticsearch\"")
        .contains("<li class=\"hop after-break\" data-hop=\"elasticsearch→datadog\"")
        .containsOnlyOnce("hop broken");
  }

  @Test
  void onABranchedPipelineTheRedLinkIsTheHopOfTheBranchThatLostTheCanaryAndTheOtherBranchStaysGreen() {
    String html = StatusPage.render(document("lost", List.of(new StageStatus("kafka", "SEEN", 120, 1, "", ""),
        new StageStatus("elasticsearch", "SEEN", 1_200, 1, "", "kafka"),
        new StageStatus("datadog", "LOST", 60_000, 0, "not found", "kafka"))), StatusPage.Charts.NONE);

    assertThat(html).contains("<li class=\"hop ok\" data-hop=\"kafka→elasticsearch\"")
        .contains("<li class=\"hop broken branch\" data-hop=\"kafka→datadog\"")
        .contains("<span class=\"from\">from kafka</span>")
        .containsOnlyOnce("hop broken")
        .doesNotContain("after-break");
  }

  @Test
  void anEntryThatCouldNotBeReachedIsPurpleLikeAnUnreachableStageAndSaysWhy() {
    String html = StatusPage.render(document("cannot inject", new LastCanary(7, "c-7", NOW.minusSeconds(5), "UNREACHABLE",
        LastCanary.FAILED + "collector at http://127.0.0.1:9/ingest refused the connection", List.of())),
        StatusPage.Charts.NONE);

    assertThat(html).contains("<li class=\"stage entry st-UNREACHABLE\" data-stage=\"entry\">")
        .contains("injection failed: collector at http://127.0.0.1:9/ingest refused the connection");
  }

  @Test
  void theLastTestPageAndCallShowUnderPagingRedWhenTheyReachedNobody() {
    LastCanary last = new LastCanary(7, "c-7", NOW.minusSeconds(5), "OK", "accepted: offset 3", List.of());
    String html = StatusPage.render(document("ok", last,
        new PagingStatus.TestPage(4, "alice", "+4477…89", "sms", Instant.parse("2026-11-27T11:02:07Z"), "sent",
            "twilio", "SM4", null, "undelivered", "30034 the sender number is not registered for A2P 10DLC", 3.0),
        new PagingStatus.TestPage(5, "alice", "+4477…89", "call", Instant.parse("2026-11-27T11:02:07Z"), "sending",
            null, null, null, null, null, null)), StatusPage.Charts.NONE);

    assertThat(html).contains("<li class=\"test-page bad\">last test page: 11:02:07Z, SMS to alice +4477…89,"
            + " undelivered: 30034 the sender number is not registered for A2P 10DLC</li>")
        .contains("<li class=\"test-page\">last test call: 11:02:07Z, call to alice +4477…89, being sent</li>")
        .doesNotContain("none sent through this daemon");
  }

  @Test
  void withNoHeartbeatsPeersOrDeadMansSwitchConfiguredThePageSaysSoInsteadOfLeavingSectionsOut() {
    String html = StatusPage.render(document("lost", List.of()), StatusPage.Charts.NONE);

    assertThat(html).contains("<section id=\"heartbeats\"><h2>Heartbeats</h2><p class=\"quiet\">no heartbeats configured</p>")
        .contains("<li class=\"quiet\">no dead man&#39;s switch configured</li>")
        .contains("<li class=\"quiet\">no peers configured</li>");
  }

  @Test
  void underSystemdTheSelfMonitoringSaysHowOftenTheWatchdogIsPingedAndWhenThePingsAreHeldBack() {
    StatusDocument doc = document("lost", List.of());
    SelfStatus pinging = doc.self().withSystemd(new SelfStatus.Systemd("15s", 42, false));
    SelfStatus held = doc.self().withSystemd(new SelfStatus.Systemd("15s", 42, true));

    assertThat(StatusPage.render(withSelf(doc, pinging), StatusPage.Charts.NONE))
        .contains("<li class=\"ok\">systemd watchdog: WATCHDOG=1 every 15s (42 sent)</li>");
    assertThat(StatusPage.render(withSelf(doc, held), StatusPage.Charts.NONE))
        .contains("<li class=\"bad\">systemd watchdog: pings held back while evaluation is stalled;");
    assertThat(StatusPage.render(doc, StatusPage.Charts.NONE))
        .contains("<li class=\"quiet\">not run by systemd (no systemd watchdog)</li>");
  }

  static StatusDocument withSelf(StatusDocument d, SelfStatus self) {
    return with(d, d.heartbeats(), d.checks(), self, d.cluster());
  }

  /** A document with one pipeline watched by its canary and another by its tap alone. */
  static StatusDocument withQuality(PipelineQuality q) {
    StatusDocument d = document("lost", List.of(new StageStatus("kafka", "SEEN", 120, 1, "")));
    return new StatusDocument(d.instance(), d.now(), d.healthy(), d.unhealthyReason(), d.pipelines(), d.checks(),
        d.heartbeats(), d.alerts(), d.paging(), d.self(), List.of(q), null);
  }

  @Test
  void aPipelineWatchedByItsTapShowsEachQualitySignalBesideItsBaselineRedWhenBadAndTheTapsUnusableRecords() {
    PipelineQuality q = new PipelineQuality("tapped-only", NOW.minusSeconds(20), 1203, "3 not JSON, 1 missing confidence",
        null, List.of(
            new PipelineQuality.Signal("refusal_rate", "rate-rise:refusal_rate", 0.148, 0.021, 0.004, 1203,
                "BAD: refusal rate 14.8% over 5m (1,203 requests)"),
            new PipelineQuality.Signal("confidence", "mean:confidence", null, null, null, 0,
                "no values in the window yet")));
    StatusDocument doc = withQuality(q);

    String html = StatusPage.render(doc, StatusPage.Charts.NONE);

    assertThat(html).contains("<section class=\"pipeline\" id=\"pipeline-tapped-only\"")
        .contains("<h3>Quality and cost</h3>")
        .contains("tap: 1203 records in the last hour; unusable: 3 not JSON, 1 missing confidence; judged 20s ago")
        .contains("<div class=\"signal quality-signal bad\" data-signal=\"refusal_rate\" data-rule=\"rate-rise:refusal_rate\">")
        .contains("value 0.148 · baseline 0.021 ± 0.004 · 1203 samples")
        .contains("<p class=\"finding bad\">BAD: refusal rate 14.8% over 5m (1,203 requests)</p>")
        .contains("<div class=\"signal quality-signal ok\" data-signal=\"confidence\"")
        .contains("value - · baseline - · 0 samples");
  }

  @Test
  void eachQualitySignalIsChartedInItsBlockWithItsThresholdAndARateWithoutOne() {
    Instant from = NOW.minus(Duration.ofHours(24)).plus(Duration.ofMinutes(10));
    Instant t = from.plus(Duration.ofHours(23));
    SignalHistory history = new SignalHistory("tapped-only", "10m", from, NOW, List.of(
        new SignalHistory.Series("mean", "confidence", "", 0.6, List.of(new SignalHistory.Point(t, 0.8, null, null),
            new SignalHistory.Point(t.plus(Duration.ofMinutes(10)), 0.55, null, null))),
        new SignalHistory.Series("rate", "refusal_rate", "share", null,
            List.of(new SignalHistory.Point(t, 0.02, null, null)))));
    PipelineQuality q = new PipelineQuality("tapped-only", NOW, 10, null, null, List.of(
        new PipelineQuality.Signal("confidence", "mean:confidence", 0.55, 0.8, null, 100, "BAD: confidence mean 0.55")));
    StatusDocument doc = withQuality(q);

    StatusPage.Charts charts = StatusPage.draw(Map.of(), Map.of(), Map.of("tapped-only", history), Map.of());
    String html = StatusPage.render(doc, charts);

    assertThat(charts.quality().get("tapped-only/confidence")).contains("<title>threshold 0.6</title>")
        .contains("<polyline class=\"c-line l-value\"");
    assertThat(charts.quality().get("tapped-only/refusal_rate")).doesNotContain("c-threshold");
    assertThat(html.substring(html.indexOf("data-signal=\"confidence\""))).contains("<title>threshold 0.6</title>");
  }

  @Test
  void eachSignalIsChartedWithItsThresholdAndVolumeAgainstYesterdayLastWeekAndTheDropLine() {
    Instant from = NOW.minus(Duration.ofHours(24)).plus(Duration.ofMinutes(10));
    Instant t = from.plus(Duration.ofHours(23));
    SignalHistory history = new SignalHistory("inference-logs", "10m", from, NOW, List.of(
        new SignalHistory.Series("freshness", "store", "s", 300.0, List.of(new SignalHistory.Point(t, 45, null, null),
            new SignalHistory.Point(t.plus(Duration.ofMinutes(10)), 420, null, null))),
        new SignalHistory.Series("volume", "kafka", "/min", 0.8, List.of(new SignalHistory.Point(t, 400, 500.0, 480.0),
            new SignalHistory.Point(t.plus(Duration.ofMinutes(10)), 120, 500.0, 470.0)))));

    StatusPage.Charts charts = StatusPage.draw(Map.of(), Map.of("inference-logs", history), Map.of());

    assertThat(charts.signals().get("inference-logs/freshness/store"))
        .contains("<line class=\"c-threshold\"").contains("<title>max_age 300 s</title>")
        .contains("<polyline class=\"c-line l-value\"");
    assertThat(charts.signals().get("inference-logs/volume/kafka"))
        .contains("<polyline class=\"c-line l-yesterday\"").contains("<polyline class=\"c-line l-week\"")
        .contains("drop line (80 % of yesterday)").doesNotContain("c-threshold");
  }

  @Test
  void aTimelineRunOfEqualBucketsIsOneBarAndAnEmptyBucketBreaksIt() {
    Instant from = NOW.minus(Duration.ofHours(24)).plus(Duration.ofMinutes(10));
    List<CanaryHistory.Bucket> buckets = List.of(
        new CanaryHistory.Bucket(from, 20, 0, 0, 0, 0, List.of()),
        new CanaryHistory.Bucket(from.plus(Duration.ofMinutes(10)), 20, 0, 0, 0, 0, List.of()),
        new CanaryHistory.Bucket(from.plus(Duration.ofMinutes(30)), 19, 0, 0, 1, 0, List.of()),
        new CanaryHistory.Bucket(from.plus(Duration.ofMinutes(40)), 18, 0, 2, 0, 0, List.of()));
    StatusPage.Charts charts = StatusPage.draw(
        Map.of("inference-logs", new CanaryHistory("inference-logs", "10m", from, NOW.plus(Duration.ofMinutes(10)), buckets)),
        Map.of(), Map.of("inference-logs", "1m30s"));

    String timeline = charts.canaries().get("inference-logs");
    assertThat(timeline).contains("<rect class=\"t-ok\" x=\"0\" y=\"0\" width=\"8\" height=\"24\"><title>12:10–12:30Z: 40 ok")
        .contains("<rect class=\"t-lost\" x=\"12\" y=\"0\" width=\"4\"")
        .contains("<rect class=\"t-late\" x=\"16\" y=\"0\" width=\"4\" height=\"24\"><title>12:50–13:00Z: 18 ok,"
            + " 0 slow, 2 late, 0 lost, 0 unreachable</title>")
        .contains("<span class=\"key t-late\"");
  }

  /** {@code d} with these heartbeats, checks, self-monitoring and cluster. */
  static StatusDocument with(StatusDocument d, List<HeartbeatStatus> heartbeats, List<PipelineChecks> checks,
      SelfStatus self, ClusterStatus cluster) {
    return new StatusDocument(d.instance(), d.now(), d.healthy(), d.unhealthyReason(), d.pipelines(), checks,
        heartbeats, d.alerts(), d.paging(), self, d.quality(), cluster);
  }

  @Test
  void anOpenAlertSaysSinceWhenItFiresAsAClockTimeAndHowLongAgo() {
    String html = StatusPage.render(document("lost at elasticsearch", List.of()), StatusPage.Charts.NONE);

    assertThat(html).contains("<th>#</th><th>What</th><th>Since</th>")
        .contains("<tr id=\"alert-3\" class=\"alert firing\"><td class=\"id\">3</td>")
        .contains("<td>11:59:00Z<br><small>1m 0s ago</small></td><td class=\"alert-state\">firing");
  }

  @Test
  void eachConfiguredHeartbeatIsARowWithItsStateLastBeatAndProblem() {
    StatusDocument d = document("lost", List.of());
    HeartbeatStatus backup = new HeartbeatStatus.Push("nightly-backup", "push", "ok", null, null, "1d",
        NOW.minusSeconds(90), "1h", NOW.plus(Duration.ofHours(23)), null, null, null, null, NOW.minus(Duration.ofDays(3)));
    HeartbeatStatus gateway = new HeartbeatStatus.Pull("gateway", "pull", "down",
        "gateway: GET http://10.0.0.7/healthz failed 3 times in a row (refused)", 9L, "30s", NOW.minus(Duration.ofMinutes(4)),
        "http://10.0.0.7/healthz", "2xx", 3, 3, NOW.minusSeconds(10), "refused", NOW.minusSeconds(10), NOW.plusSeconds(20),
        NOW.minus(Duration.ofDays(3)));

    String html = StatusPage.render(with(d, List.of(backup, gateway), d.checks(), d.self(), null), StatusPage.Charts.NONE);

    assertThat(html).doesNotContain("no heartbeats configured")
        .contains("<tr class=\"hb ok\"><td>nightly-backup</td><td>push</td><td class=\"state\">ok</td>"
            + "<td>1m 30s ago</td><td></td></tr>")
        .contains("<tr class=\"hb down\"><td>gateway</td><td>pull</td><td class=\"state\">down</td><td>4m 0s ago</td>"
            + "<td>gateway: GET http://10.0.0.7/healthz failed 3 times in a row (refused)</td></tr>");
  }

  @Test
  void theDeadMansSwitchShowsItsLastPingAndEachPeerWhetherItAnswersRedWhenNot() {
    StatusDocument d = document("lost", List.of());
    SelfStatus self = new SelfStatus("2m",
        new SelfStatus.DeadMansSwitch("https://hc-ping.com/...", "1m", NOW.minusSeconds(30), "ok", null, true, null),
        List.of(new SelfStatus.Peer("wd-us-1", "http://10.0.2.7:9107/healthz", "30s", 3, NOW.minusSeconds(20), true, 0,
                null, null),
            new SelfStatus.Peer("wd-ap-1", "http://10.0.3.9:9107/healthz", "30s", 3, NOW.minusSeconds(10), false, 4,
                NOW.minus(Duration.ofMinutes(2)), "connection refused")));
    SelfStatus failing = new SelfStatus("2m", new SelfStatus.DeadMansSwitch("https://hc-ping.com/...", "1m",
        NOW.minusSeconds(45), "fail", "stalled", false, "HTTP 404"), List.of());

    assertThat(StatusPage.render(withSelf(d, self), StatusPage.Charts.NONE))
        .contains("<li class=\"ok\">dead man&#39;s switch https://hc-ping.com/...: last ping ok 30s ago</li>")
        .contains("<li class=\"ok\">peer wd-us-1: answering, checked 20s ago</li>")
        .contains("<li class=\"bad\">peer wd-ap-1: not answering — connection refused, checked 10s ago</li>")
        .doesNotContain("no peers configured").doesNotContain("no dead man");
    assertThat(StatusPage.render(withSelf(d, failing), StatusPage.Charts.NONE))
        .contains("<li class=\"bad\">dead man&#39;s switch https://hc-ping.com/...: last ping fail 45s ago — HTTP 404</li>");
  }

  @Test
  void theConsumerLagChartIsDrawnInItsCheckWithTheMaxLagLine() {
    StatusDocument d = document("lost", List.of());
    PipelineChecks checks = new PipelineChecks("inference-logs", "1m", NOW.minusSeconds(5), null, List.of(
        new PipelineChecks.Check("consumer_lag", "connector", "kafka (group connector)", NOW, "value", 12_000.0, "Stable",
            Map.of("lag", "BAD: lag 12000 over 10000 and growing"))));
    Instant from = NOW.minus(Duration.ofHours(24)).plus(Duration.ofMinutes(10));
    SignalHistory history = new SignalHistory("inference-logs", "10m", from, NOW, List.of(
        new SignalHistory.Series("consumer_lag", "connector", "records", 10_000.0, List.of(
            new SignalHistory.Point(from.plus(Duration.ofHours(23)), 500, null, null),
            new SignalHistory.Point(from.plus(Duration.ofHours(23)).plus(Duration.ofMinutes(10)), 12_000, null, null)))));

    String html = StatusPage.render(with(d, d.heartbeats(), List.of(checks), d.self(), null),
        StatusPage.draw(Map.of(), Map.of("inference-logs", history), Map.of()));

    String check = html.substring(html.indexOf("data-check=\"consumer_lag/connector\""));
    // the top of the chart is 12,000 + 10 %: the line at 10,000 is drawn 17 units from the top of 64
    assertThat(check).contains("<p class=\"finding bad\">lag: BAD: lag 12000 over 10000 and growing</p>")
        .contains("<line class=\"c-threshold\" x1=\"0\" x2=\"576\" y1=\"17\" y2=\"17\"><title>max_lag 10000</title></line>")
        .contains("<polyline class=\"c-line l-value\" points=\"554,60 558,7\"><title>lag</title></polyline>")
        .contains("<span class=\"key c-threshold\">max_lag 10000</span>");
  }

  @Test
  void inAClusterSelfMonitoringShowsTheViewWithRanksTheMembersThatLeftAndWhoSentWhichPage() {
    StatusDocument d = document("lost", List.of());
    ClusterStatus cluster = new ClusterStatus("oobwatch-prod", "wd-1", 1,
        List.of(new ClusterStatus.Member("wd-0", 0, false), new ClusterStatus.Member("wd-1", 1, true)),
        List.of(new ClusterStatus.Left("wd-2", NOW.minus(Duration.ofMinutes(2)))), 3, 1, "15s", 4, 2,
        List.of(new ClusterStatus.Paged("inference-logs/canary", "e0:s1:call:bob", "wd-1", "CA2", NOW.minusSeconds(10)),
            new ClusterStatus.Paged("inference-logs/canary", "e0:s0:sms:alice", "wd-0", "SM1", NOW.minusSeconds(30))));

    String html = StatusPage.render(with(d, d.heartbeats(), d.checks(), d.self(), cluster), StatusPage.Charts.NONE);

    String self = html.substring(html.indexOf("<section id=\"self\">"), html.indexOf("<section id=\"paging\">"));
    assertThat(self).doesNotContain("no peers configured")
        .contains("<div id=\"cluster\"><h3>Cluster oobwatch-prod</h3>")
        .contains("<li class=\"bad\">2 of 3 members in the view; this member, wd-1, is rank 1 (it sends a due page"
            + " step 1 × 15s after it is due unless another member sent it); 1 must see a condition before it pages</li>")
        .contains("<span class=\"member\" data-member=\"wd-0\">wd-0 (rank 0, coordinator)</span>, "
            + "<span class=\"member self\" data-member=\"wd-1\">wd-1 (rank 1, this member)</span>")
        .contains("<li class=\"bad\" data-left=\"wd-2\">wd-2 left the view at 11:58:00Z, 2m 0s ago</li>")
        .contains("<li>4 page step(s) sent by this member, 2 held back because another member had sent them</li>")
        .contains("<tr><td>11:59:50Z</td><td>inference-logs/canary</td><td>e0:s1: call to bob</td>"
            + "<td class=\"member self\">wd-1</td><td>CA2</td></tr>")
        .contains("<tr><td>11:59:30Z</td><td>inference-logs/canary</td><td>e0:s0: sms to alice</td>"
            + "<td class=\"member\">wd-0</td><td>SM1</td></tr>");
    assertThat(StatusPage.render(d, StatusPage.Charts.NONE)).doesNotContain("id=\"cluster\"");
  }
}
