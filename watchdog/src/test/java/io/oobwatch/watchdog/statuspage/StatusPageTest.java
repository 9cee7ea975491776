package io.oobwatch.watchdog.statuspage;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.watchdog.status.AlertStatus;
import io.oobwatch.watchdog.status.CanaryHistory;
import io.oobwatch.watchdog.status.CanaryStatus;
import io.oobwatch.watchdog.status.LastCanary;
import io.oobwatch.watchdog.status.PagingStatus;
import io.oobwatch.watchdog.status.PipelineStatus;
import io.oobwatch.watchdog.status.SelfStatus;
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
    LastCanary last = new LastCanary(7, "c-7", NOW.minusSeconds(5), "LOST", "accepted: offset 3", stages);
    PipelineStatus p = new PipelineStatus("inference-logs", NOW, null, new CanaryStatus("30s", "1m30s", "10s", 7, 0, 2,
        "elasticsearch", 0, new CanaryStatus.DayCounts(5, 0, 2, 0, 0), last));
    AlertStatus alert = new AlertStatus(3, "inference-logs", "canary", AlertStatus.FIRING, "elasticsearch", summary,
        NOW.minusSeconds(60), null);
    PagingStatus paging = new PagingStatus("console", 0, 0, List.of(), null, List.of(), List.of(), List.of(), null, null);
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
  void aTimelineRunOfEqualBucketsIsOneBarAndAnEmptyBucketBreaksIt() {
    Instant from = NOW.minus(Duration.ofHours(24)).plus(Duration.ofMinutes(10));
    List<CanaryHistory.Bucket> buckets = List.of(
        new CanaryHistory.Bucket(from, 20, 0, 0, 0, List.of()),
        new CanaryHistory.Bucket(from.plus(Duration.ofMinutes(10)), 20, 0, 0, 0, List.of()),
        new CanaryHistory.Bucket(from.plus(Duration.ofMinutes(30)), 19, 0, 1, 0, List.of()));
    StatusPage.Charts charts = StatusPage.draw(
        Map.of("inference-logs", new CanaryHistory("inference-logs", "10m", from, NOW.plus(Duration.ofMinutes(10)), buckets)),
        Map.of(), Map.of("inference-logs", "1m30s"));

    String timeline = charts.canaries().get("inference-logs");
    assertThat(timeline).contains("<rect class=\"t-ok\" x=\"0\" y=\"0\" width=\"8\" height=\"24\"><title>12:10–12:30Z: 40 ok")
        .contains("<rect class=\"t-lost\" x=\"12\" y=\"0\" width=\"4\"");
  }
}
