package io.oobwatch.watchdog.daemon;

import static io.oobwatch.watchdog.daemon.PagingRig.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.watchdog.page.Page;
import io.oobwatch.watchdog.page.SmsText;
import io.oobwatch.watchdog.store.OutboxEntry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page the last run was sending when it ended (marked in the outbox before the request): the next
 * run looks it up in Twilio's list of sent messages by the outbox key in its text before sending it
 * again, through the real twilio-sdk and the loopback Twilio, on the simulated clock.
 */
class InterruptedSendTest {
  static final String POLICY = String.join("\n",
      "  oncall: [ { name: alice, phone: \"+15550002222\" } ]",
      "  escalation: [ { after: 0s, sms: [alice] } ]");

  @TempDir Path dir;
  @AutoClose PagingRig rig;

  /** The state a crash leaves: the alert's page marked as being sent, not marked sent. */
  OutboxEntry interrupted() {
    rig.raise("inference-logs");
    OutboxEntry page = rig.store.outbox().pages(5).get(0);
    rig.store.outbox().pagesSending(List.of(page.id()), rig.clock.instant());
    return page;
  }

  @Test
  void aTextEveryPageCarriesItsOutboxKeyAndStaysOneSegment() throws Exception {
    rig = new PagingRig(dir, POLICY);
    rig.raise("inference-logs");
    rig.tick();
    String text = rig.twilio.delivered().get(0).body();
    assertThat(text).endsWith("Reply ACK 1. (p1)").doesNotContain("(repeat)");
    assertThat(SmsText.segments(text)).isEqualTo(1);
  }

  @Test
  void aPageTwilioTookBeforeTheCrashIsMarkedSentWithItsSidAndNotSentAgain() throws Exception {
    rig = new PagingRig(dir, POLICY);
    OutboxEntry page = interrupted();
    String sid = rig.pager.send(new Page("alice", ALICE, page.body() + " (p" + Long.toString(page.id(), 36) + ")")); // the last run's

    rig.tick();

    assertThat(rig.twilio.delivered()).hasSize(1);
    assertThat(rig.store.outbox().pages(5)).singleElement().satisfies(p -> {
      assertThat(p.state()).isEqualTo(OutboxEntry.State.SENT);
      assertThat(p.sid()).isEqualTo(sid);
    });
  }

  @Test
  void aPageTwilioNeverTookIsSentOnceWithoutTheRepeatMark() throws Exception {
    rig = new PagingRig(dir, POLICY);
    interrupted();

    rig.tick();

    assertThat(rig.twilio.delivered()).singleElement().extracting(FakeTwilio.Message::body).asString()
        .startsWith("ALERT 1 inference-logs").endsWith(" (p1)");
    assertThat(rig.store.outbox().pages(5)).singleElement().extracting(OutboxEntry::sid)
        .isEqualTo(rig.twilio.delivered().get(0).sid());
  }

  @Test
  void whenTwilioCannotSayWhetherItTookThePageItIsSentAgainMarkedRepeat() throws Exception {
    rig = new PagingRig(dir, POLICY);
    interrupted();
    rig.twilio.failNext(503, 20503); // the list request fails

    rig.tick();

    assertThat(rig.smsTo(ALICE)).singleElement().asString().startsWith("(repeat) ALERT 1 inference-logs");
    assertThat(rig.store.outbox().pages(5)).singleElement().extracting(OutboxEntry::state)
        .isEqualTo(OutboxEntry.State.SENT);
  }
}
