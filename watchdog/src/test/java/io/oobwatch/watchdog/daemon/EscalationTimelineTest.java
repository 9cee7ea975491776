package io.oobwatch.watchdog.daemon;

import static io.oobwatch.watchdog.daemon.PagingRig.ALICE;
import static io.oobwatch.watchdog.daemon.PagingRig.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.OutboxEntry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Escalation on a simulated clock, through the real twilio-sdk to a loopback Twilio. */
class EscalationTimelineTest {
  static final String POLICY = String.join("\n",
      "  oncall:",
      "    - { name: alice, phone: \"+15550002222\" }",
      "    - { name: bob,   phone: \"+15550003333\" }",
      "  escalation:",
      "    - { after: 0s,  sms: [alice] }",
      "    - { after: 5m,  call: [alice] }",
      "    - { after: 15m, sms: [bob], call: [bob] }",
      "  repeat_every: 30m",
      "  repeat_limit: 1",
      "  ack_timeout: 2h");

  @TempDir Path dir;
  PagingRig rig;

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void smsAtZeroCallAtFiveMinutesSecondPersonAtFifteenThenTheWholePolicyRepeatsUpToItsLimit() throws Exception {
    rig = new PagingRig(dir, POLICY);
    Alert a = rig.raise("inference-logs");
    rig.tick();
    assertThat(rig.smsTo(ALICE)).containsExactly("ALERT 1 inference-logs: canary lost between kafka and elasticsearch. Reply ACK 1.");
    assertThat(rig.twilio.calls()).isEmpty();

    rig.advance(Duration.ofMinutes(4).plusSeconds(59));
    assertThat(rig.twilio.calls()).isEmpty();
    rig.advance(Duration.ofSeconds(1));
    assertThat(rig.callsTo(ALICE)).singleElement().satisfies(c -> {
      assertThat(c.from()).isEqualTo("+15550001111");
      assertThat(c.twiml()).contains("<Gather", "numDigits=\"1\"",
          "action=\"https://wd-test.example.net/twilio/voice?alert=" + a.id() + "\"", "Press 1 to acknowledge",
          "<Say>This is oobwatch wd-test. Alert 1. inference-logs: canary lost between kafka and elasticsearch.</Say>");
    });
    assertThat(rig.smsTo(BOB)).isEmpty();

    rig.advance(Duration.ofMinutes(10));
    assertThat(rig.smsTo(BOB)).hasSize(1);
    assertThat(rig.callsTo(BOB)).hasSize(1);
    assertThat(rig.smsTo(ALICE)).hasSize(1);

    rig.advance(Duration.ofMinutes(15)); // 30m: the policy starts again
    assertThat(rig.smsTo(ALICE)).hasSize(2);
    rig.advance(Duration.ofMinutes(5));
    assertThat(rig.callsTo(ALICE)).hasSize(2);
    rig.advance(Duration.ofMinutes(10));
    assertThat(rig.smsTo(BOB)).hasSize(2);

    // repeat_limit 1: no third round, however long it fires
    int before = rig.twilio.requests();
    for (int i = 0; i < 12; i++) {
      rig.advance(Duration.ofMinutes(10));
    }
    assertThat(rig.twilio.requests()).isEqualTo(before);
    assertThat(rig.store.alerts().alert(a.id())).get().extracting(Alert::state).isEqualTo(Alert.State.FIRING);
  }

  @Test
  void anAckStopsEscalationAndAnAckOlderThanTheTimeoutReArmsItWhileTheAlertStillFires() throws Exception {
    rig = new PagingRig(dir, POLICY);
    Alert a = rig.raise("inference-logs");
    rig.tick();
    rig.advance(Duration.ofMinutes(5));
    assertThat(rig.callsTo(ALICE)).hasSize(1);

    Alerts.AckResult ack = rig.alerts.ack(a.id(), "alice");
    assertThat(ack.outcome()).isEqualTo(Alerts.AckOutcome.ACKNOWLEDGED);
    assertThat(rig.store.alerts().alert(a.id())).get().extracting(Alert::state).isEqualTo(Alert.State.ACKNOWLEDGED);
    assertThat(rig.alerts.ack(a.id(), "bob").outcome()).isEqualTo(Alerts.AckOutcome.ALREADY_ACKNOWLEDGED);
    int before = rig.twilio.requests();
    for (int i = 0; i < 11; i++) {
      rig.advance(Duration.ofMinutes(10)); // 1h50m after the ack: still quiet, bob never paged
    }
    assertThat(rig.twilio.requests()).isEqualTo(before);
    assertThat(rig.smsTo(BOB)).isEmpty();
    // a rule raising the same alert again while acknowledged does not open a second one
    assertThat(rig.raise("inference-logs").id()).isEqualTo(a.id());

    rig.advance(Duration.ofMinutes(10)); // 2h after the ack: re-armed, escalation from the first step
    assertThat(rig.store.alerts().alert(a.id())).get().extracting(Alert::state).isEqualTo(Alert.State.FIRING);
    assertThat(rig.smsTo(ALICE)).hasSize(2);
    assertThat(rig.store.outbox().pages(50)).filteredOn(p -> p.event().equals("rearm")).singleElement()
        .extracting(OutboxEntry::recipient).isEqualTo("alice");
    rig.advance(Duration.ofMinutes(15));
    assertThat(rig.smsTo(BOB)).hasSize(1);
  }

  @Test
  void resolvingSendsTheNoticeToEveryoneWhoWasPagedAndNobodyElse() throws Exception {
    rig = new PagingRig(dir, POLICY);
    Alert a = rig.raise("inference-logs");
    rig.tick();
    rig.advance(Duration.ofMinutes(15));
    rig.alerts.raise("other", Rule.CANARY, "kafka", "x", al -> "ALERT " + al.id() + " other"); // not resolved
    rig.tick();
    int aliceBefore = rig.smsTo(ALICE).size();
    int bobBefore = rig.smsTo(BOB).size();

    rig.clock.advance(Duration.ofMinutes(2));
    rig.alerts.clear("inference-logs", Rule.CANARY, (al, at) -> "RESOLVED " + al.id() + " inference-logs");
    rig.tick();

    assertThat(rig.smsTo(ALICE)).hasSize(aliceBefore + 1).last().isEqualTo("RESOLVED 1 inference-logs");
    assertThat(rig.smsTo(BOB)).hasSize(bobBefore + 1).last().isEqualTo("RESOLVED 1 inference-logs");
    assertThat(rig.store.alerts().alert(a.id())).get().extracting(Alert::state).isEqualTo(Alert.State.RESOLVED);
    long firePages = rig.twilio.delivered().stream().filter(m -> m.body().startsWith("ALERT 1")).count();
    long fireCalls = rig.twilio.calls().stream().filter(c -> c.twiml().contains("Alert 1.")).count();
    rig.advance(Duration.ofMinutes(30)); // no step of a resolved alert is ever paged again
    rig.advance(Duration.ofMinutes(30));
    assertThat(rig.twilio.delivered().stream().filter(m -> m.body().startsWith("ALERT 1")).count()).isEqualTo(firePages);
    assertThat(rig.twilio.calls().stream().filter(c -> c.twiml().contains("Alert 1.")).count()).isEqualTo(fireCalls);
  }

  @Test
  void alertsRaisedTogetherReachEachPersonAsOneMessageListingThem() throws Exception {
    rig = new PagingRig(dir, POLICY);
    for (int i = 1; i <= 3; i++) {
      rig.raise("pipeline-" + i);
    }
    rig.tick();
    assertThat(rig.smsTo(ALICE)).singleElement().satisfies(body -> assertThat(body)
        .startsWith("[oobwatch wd-test] 3 alerts:")
        .contains("ALERT 1 pipeline-1: canary lost", "ALERT 2 pipeline-2", "ALERT 3 pipeline-3", "ACK 1"));
    assertThat(rig.store.outbox().pages(10)).extracting(OutboxEntry::sid).containsOnly(rig.twilio.delivered().get(0).sid());
  }

  @Test
  void theHourlyCapHoldsPagesBackAndTheNextMessageSaysHowManyAlertsWereSuppressed() throws Exception {
    rig = new PagingRig(dir, POLICY.replace("ack_timeout: 2h", "ack_timeout: 2h\n  max_pages_per_hour: 2"));
    rig.raise("p1");
    rig.tick();
    rig.clock.advance(Duration.ofMinutes(1));
    rig.raise("p2");
    rig.tick();
    assertThat(rig.smsTo(ALICE)).hasSize(2).last().asString().contains("Page cap (2/h) reached");
    rig.clock.advance(Duration.ofMinutes(1));
    rig.raise("p3");
    rig.raise("p4");
    rig.tick();
    assertThat(rig.smsTo(ALICE)).hasSize(2);
    assertThat(rig.store.outbox().pages(20)).filteredOn(p -> p.state() == OutboxEntry.State.SUPPRESSED).hasSize(2)
        .allSatisfy(p -> assertThat(p.lastError()).contains("hourly cap of 2"));

    rig.clock.advance(Duration.ofMinutes(59)); // the first page leaves the window; p1's call is due by now
    rig.tick();
    assertThat(rig.callsTo(ALICE)).isNotEmpty();
    rig.clock.advance(Duration.ofMinutes(2));
    rig.raise("p5");
    rig.tick();
    assertThat(rig.smsTo(ALICE)).last().asString().contains("ALERT 5 p5", "more alerts suppressed, see oobwatch status");
  }

  @Test
  void resolveNoticesNeverUseUpTheCapThatAlertsNeedAndNoticesBeyondItAreFoldedIntoTheNextAlert() throws Exception {
    rig = new PagingRig(dir, String.join("\n",
        "  oncall: [ { name: alice, phone: \"+15550002222\" } ]",
        "  escalation: [ { after: 0s, sms: [alice] } ]",
        "  max_pages_per_hour: 20"));
    for (int i = 1; i <= 10; i++) { // 10 incidents: an alert and its notice each, 20 texts
      rig.raise("p" + i);
      rig.tick();
      rig.clock.advance(Duration.ofMinutes(1));
      rig.alerts.clear("p" + i, Rule.CANARY, (al, at) -> "RESOLVED " + al.id() + " " + al.subject());
      rig.tick();
      rig.clock.advance(Duration.ofMinutes(1));
    }
    assertThat(rig.smsTo(ALICE)).hasSize(20).last().isEqualTo("RESOLVED 10 p10");

    rig.raise("p11"); // the cap is full of notices: the new alert still pages
    rig.tick();
    assertThat(rig.smsTo(ALICE)).hasSize(21).last().asString().startsWith("ALERT 11 p11");
    rig.clock.advance(Duration.ofMinutes(1));
    rig.alerts.clear("p11", Rule.CANARY, (al, at) -> "RESOLVED " + al.id() + " " + al.subject());
    rig.tick(); // beyond the cap a notice is held back, not sent
    assertThat(rig.smsTo(ALICE)).hasSize(21);
    assertThat(rig.store.outbox().pages(50)).filteredOn(p -> p.event().equals("resolve"))
        .filteredOn(p -> p.state() == OutboxEntry.State.SUPPRESSED).singleElement()
        .satisfies(p -> assertThat(p.lastError()).contains("resolve notice held back"));

    rig.clock.advance(Duration.ofMinutes(1));
    rig.raise("p12"); // the next alert says what was held back
    rig.tick();
    assertThat(rig.smsTo(ALICE)).hasSize(22).last().asString()
        .startsWith("ALERT 12 p12").contains("+ 1 resolve notice held back").doesNotContain("alert suppressed");
  }

  @Test
  void alertsBeyondTheCapAreSuppressedEvenWhenNoNoticeWasSent() throws Exception {
    rig = new PagingRig(dir, String.join("\n",
        "  oncall: [ { name: alice, phone: \"+15550002222\" } ]",
        "  escalation: [ { after: 0s, sms: [alice] } ]",
        "  max_pages_per_hour: 3"));
    for (int i = 1; i <= 4; i++) {
      rig.raise("p" + i);
      rig.tick();
      rig.clock.advance(Duration.ofMinutes(1));
    }
    assertThat(rig.smsTo(ALICE)).hasSize(3).last().asString().contains("Page cap (3/h) reached");
    assertThat(rig.store.outbox().pages(10)).filteredOn(p -> p.state() == OutboxEntry.State.SUPPRESSED)
        .extracting(OutboxEntry::alertId).containsExactly(4L);
  }

  @Test
  void aSilencedPipelinesAlertIsRecordedButNotPagedUntilTheSilenceExpires() throws Exception {
    rig = new PagingRig(dir, POLICY);
    rig.alerts.silence("inference-logs", Duration.ofHours(2), "kafka upgrade", "alice");
    Alert a = rig.raise("inference-logs");
    rig.tick();
    rig.advance(Duration.ofMinutes(30));
    assertThat(rig.twilio.requests()).isZero();
    assertThat(rig.store.alerts().alert(a.id())).get().extracting(Alert::state).isEqualTo(Alert.State.FIRING);
    assertThat(rig.alerts.silences()).singleElement().satisfies(s -> assertThat(s.reason()).isEqualTo("kafka upgrade"));

    rig.advance(Duration.ofMinutes(90)); // the silence expires by itself; paging starts from step one
    assertThat(rig.alerts.silences()).isEmpty();
    assertThat(rig.smsTo(ALICE)).hasSize(1);
    assertThat(rig.twilio.calls()).isEmpty();
    rig.advance(Duration.ofMinutes(5));
    assertThat(rig.callsTo(ALICE)).hasSize(1);
  }

  @Test
  void silencingAPipelineWhileItsAlertPagesCancelsWhatWasNotSentYet() throws Exception {
    rig = new PagingRig(dir, POLICY);
    rig.raise("inference-logs");
    rig.twilio.failNext(500, 20500);
    rig.tick();
    assertThat(rig.twilio.delivered()).isEmpty();
    rig.alerts.silence("inference-logs", Duration.ofHours(1), "planned", "api");
    rig.advance(Duration.ofMinutes(10));
    assertThat(rig.twilio.delivered()).isEmpty();
    assertThat(rig.twilio.calls()).isEmpty();
    assertThat(rig.store.outbox().pages(10)).extracting(OutboxEntry::state).containsOnly(OutboxEntry.State.CANCELLED);
  }
}
