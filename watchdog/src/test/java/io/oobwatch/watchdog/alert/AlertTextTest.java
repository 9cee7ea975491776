package io.oobwatch.watchdog.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Injection;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.StageResult;
import io.oobwatch.watchdog.page.SmsText;
import io.oobwatch.watchdog.store.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertTextTest {
  final Instant t0 = Instant.parse("2026-11-27T08:41:12Z");

  CanaryOutcome outcome(StageResult es) {
    return new CanaryOutcome("inference-logs", "c-1", 7, t0, "kafka", Injection.accepted(Duration.ofMillis(4), "partition 0 offset 9"),
        List.of(new StageResult("kafka", StageResult.Status.SEEN, Duration.ofMillis(412), 1, ""), es), t0.plusSeconds(90));
  }

  Alert alert(CanaryOutcome o) {
    return new Alert(3, "inference-logs", "canary", Alert.State.FIRING, AlertText.stage(o), AlertText.summary(o), t0, null);
  }

  @Test
  void aLostCanaryPageNamesTheBrokenHopWithEvidenceInOneSegment() {
    CanaryOutcome o = outcome(new StageResult("elasticsearch", StageResult.Status.LOST, Duration.ofSeconds(90), 0, "not in index"));
    String text = AlertText.fire("wd-eu-1", alert(o), o, 2);
    assertThat(AlertText.summary(o)).isEqualTo("canary lost between kafka and elasticsearch");
    assertThat(text).isEqualTo("ALERT 3 inference-logs: canary lost between kafka and elasticsearch. "
        + "Reached kafka in 0.4s; not in elasticsearch after 90s (2 in a row). Reply ACK 3.");
    // room for the outbox key the dispatcher ends it with
    assertThat(SmsText.segments(text + " (pzzzzz)")).isEqualTo(1);
  }

  @Test
  void aLateCanaryPageSaysHowLateWhatIsNormalAndSinceWhenNoRealRecordCameIn() {
    CanaryOutcome o = outcome(new StageResult("elasticsearch", StageResult.Status.LATE, Duration.ofMillis(3100), 0,
        "not in elasticsearch 3.1s after emission (99.9% arrive within 0.9s); no real record indexed since 20:14:07Z"));
    String text = AlertText.fire("wd-eu-1", alert(o), o, 2);
    assertThat(AlertText.summary(o)).isEqualTo("stalled between kafka and elasticsearch");
    assertThat(AlertText.stage(o)).isEqualTo("elasticsearch");
    assertThat(text).isEqualTo("wd-eu-1: ALERT 3 inference-logs: stalled between kafka and elasticsearch. Not in"
        + " elasticsearch 3.1s after emission (99.9% arrive within 0.9s); no real record indexed since 20:14:07Z"
        + " (2 in a row). Reply ACK 3.");
    // the evidence is the point of the page: two segments rather than a page that does not say why
    assertThat(SmsText.segments(text + " (pzzzzz)")).isEqualTo(2);
  }

  @Test
  void aCanaryWrittenToAFileAndMissingAtTheFirstStageIsLostBetweenTheFileAndThatStageTheShippersHop() {
    CanaryOutcome o = new CanaryOutcome("inference-logs", "c-1", 7, t0, "file", Injection.accepted(Duration.ofMillis(1), "812 bytes"),
        List.of(new StageResult("kafka", StageResult.Status.LOST, Duration.ofSeconds(6), 0, "not found")), t0.plusSeconds(6),
        "file");
    assertThat(AlertText.summary(o)).isEqualTo("canary lost between file and kafka");
    assertThat(AlertText.fire("wd-eu-1", alert(o), o, 2)).contains("ALERT 3 inference-logs: canary lost between file and kafka.");
  }

  @Test
  void anEntryThatIsAPipelineComponentNamesTheFirstHopInjection() {
    CanaryOutcome o = new CanaryOutcome("inference-logs", "c-1", 7, t0, "kafka", Injection.accepted(Duration.ofMillis(1), "offset 9"),
        List.of(new StageResult("kafka", StageResult.Status.LOST, Duration.ofSeconds(6), 0, "not found")), t0.plusSeconds(6));
    assertThat(AlertText.summary(o)).isEqualTo("canary lost between injection and kafka");
  }

  @Test
  void anUnreachableStagePageSaysItCannotBeQueriedNotThatDataWasLost() {
    CanaryOutcome o = outcome(new StageResult("elasticsearch", StageResult.Status.UNREACHABLE, Duration.ofSeconds(90), 0,
        "elasticsearch at http://127.0.0.1:9200 refused the connection"));
    String text = AlertText.fire("wd-eu-1", alert(o), o, 2);
    assertThat(AlertText.summary(o)).isEqualTo("cannot query elasticsearch");
    assertThat(text).contains("ALERT 3 inference-logs: cannot query elasticsearch").contains("refused the connection")
        .contains("Reply ACK 3.").doesNotContain("lost");
    assertThat(SmsText.isGsm7(text)).isTrue();
  }

  @Test
  void aRefusedInjectionPageSaysTheEntryRefused() {
    CanaryOutcome o = new CanaryOutcome("inference-logs", "c-1", 7, t0, "kafka",
        Injection.failed(Duration.ofSeconds(10), "kafka at kafka-1:9092 did not acknowledge within 10s"), List.of(), t0);
    assertThat(AlertText.stage(o)).isEqualTo("inject:kafka");
    assertThat(AlertText.fire("wd-eu-1", alert(o), o, 2))
        .contains("cannot inject canary into kafka").contains("did not acknowledge within 10s (2 in a row)");
  }

  @Test
  void theResolveNoticeSaysWhatItWasAndForHowLong() {
    CanaryOutcome lost = outcome(new StageResult("elasticsearch", StageResult.Status.LOST, Duration.ofSeconds(90), 0, ""));
    CanaryOutcome ok = outcome(new StageResult("elasticsearch", StageResult.Status.SEEN, Duration.ofMillis(1200), 1, ""));
    Alert a = alert(lost);
    Alert resolved = new Alert(a.id(), a.subject(), a.rule(), Alert.State.RESOLVED, a.stage(), a.summary(), t0, t0.plusSeconds(240));
    String text = AlertText.resolve("wd-eu-1", resolved, ok, t0.plusSeconds(240));
    assertThat(text).startsWith("[oobwatch wd-eu-1] RESOLVED 3 inference-logs: canaries flow again (end to end 1.2s).")
        .contains("Was: canary lost between kafka and elasticsearch, for 4m.");
    assertThat(SmsText.segments(text + " (pzzzzz)")).isEqualTo(1);
  }

  @Test
  void aBranchThatLostTheCanaryIsNamedWithItsOwnHopAndTheOtherBranchReads() {
    CanaryOutcome o = new CanaryOutcome("inference-logs", "c-1", 7, t0, "kafka", Injection.accepted(Duration.ofMillis(4), ""),
        List.of(new StageResult("kafka", StageResult.Status.SEEN, Duration.ofMillis(100), 1, ""),
            new StageResult("elasticsearch", StageResult.Status.SEEN, Duration.ofMillis(1200), 1, ""),
            new StageResult("datadog", StageResult.Status.LOST, Duration.ofSeconds(60), 0, "not searchable", "kafka")),
        t0.plusSeconds(60));

    String text = AlertText.fire("wd-eu-1", alert(o), o, 2);

    assertThat(AlertText.summary(o)).isEqualTo("canary lost between kafka and datadog");
    // the long form does not fit one SMS segment here; the short one keeps the branch that is fine
    assertThat(text).isEqualTo("wd-eu-1: ALERT 3 inference-logs: canary lost between kafka and datadog. "
        + "Not in datadog after 60s; elasticsearch fine (2 in a row). Reply ACK 3.");
    Alert shortName = new Alert(3, "logs", "canary", Alert.State.FIRING, AlertText.stage(o), AlertText.summary(o), t0, null);
    // with the room every text keeps for its outbox key, the instance's name goes before the evidence
    assertThat(AlertText.fire("wd1", shortName, o, 2)).isEqualTo("ALERT 3 logs: canary lost between kafka and datadog. "
        + "Reached kafka in 0.1s, elasticsearch in 1.2s; not in datadog after 60s (2 in a row). Reply ACK 3.");
  }

  @Test
  void aRateLimitedStagePageSaysSoAndNeverLost() {
    CanaryOutcome o = outcome(new StageResult("datadog", StageResult.Status.RATE_LIMITED, Duration.ofSeconds(60), 0,
        "datadog rate-limited the log queries (HTTP 429); next query in 40m"));

    String text = AlertText.fire("wd-eu-1", alert(o), o, 2);

    assertThat(AlertText.summary(o)).isEqualTo("cannot query datadog: rate-limited");
    assertThat(text).contains("datadog rate-limited the log queries (HTTP 429)").doesNotContain("lost");
  }

  @Test
  void aCanaryAcceptedByDatadogsIntakeButNeverSearchableGetsItsOwnText() {
    CanaryOutcome o = new CanaryOutcome("inference-logs", "c-1", 7, t0, "datadog", Injection.accepted(Duration.ofMillis(80), "HTTP 202"),
        List.of(new StageResult("datadog", StageResult.Status.LOST, Duration.ofSeconds(60), 0, "not searchable")),
        t0.plusSeconds(60));

    String text = AlertText.fire("wd-eu-1", alert(o), o, 2);

    assertThat(text).contains("Accepted by Datadog's intake but not searchable after 60s: an exclusion filter,"
        + " an index quota or an intake backlog? (2 in a row)");
    assertThat(SmsText.isGsm7(text)).isTrue();
  }
}
