package io.oobwatch.watchdog.page;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.Outbox;
import io.oobwatch.watchdog.store.OutboxEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How due pages are grouped per phone and channel and worded, apart from sending them. */
class PageWordingTest {
  final Instant t0 = Instant.parse("2026-11-27T08:00:00Z");
  final PageWording wording = new PageWording("wd-eu-1", "https://wd.example.org",
      id -> Optional.of(new Alert(id, "pipe-" + id, "canary", Alert.State.FIRING, "es", "canary lost", t0, null)));

  OutboxEntry page(long id, long alertId, String event, String phone, String channel, Instant createdAt) {
    return new OutboxEntry(id, alertId, event, "alice", phone, "ALERT " + alertId, OutboxEntry.State.PENDING, 0,
        createdAt, null, null, channel, createdAt, null, null, null, null);
  }

  @Test
  void duePagesAreGroupedPerPhoneAndChannelLeavingOutThoseWrittenSinceTheBound() {
    List<OutboxEntry> due = List.of(page(1, 1, "fire", "+1555", "sms", t0), page(2, 2, "fire", "+1556", "sms", t0),
        page(3, 3, "fire", "+1555", "sms", t0), page(4, 3, "fire", "+1555", "call", t0),
        page(5, 4, "fire", "+1555", "sms", t0.plusSeconds(1)));

    List<List<OutboxEntry>> groups = new ArrayList<>(PageWording.groups(due, t0.plusSeconds(1)));

    assertThat(groups).extracting(g -> g.stream().map(OutboxEntry::id).toList())
        .containsExactly(List.of(1L, 3L), List.of(2L), List.of(4L));
  }

  @Test
  void oneAlertsPageGoesAsWrittenAndSeveralBecomeOneLineEachWithAnAckExample() {
    assertThat(wording.text(List.of(page(1, 7, "fire", "+1555", "sms", t0)))).isEqualTo("ALERT 7");

    String text = wording.text(List.of(page(1, 7, "fire", "+1555", "sms", t0), page(2, 7, "escalate", "+1555", "sms", t0),
        page(3, 8, "resolve", "+1555", "sms", t0)));

    assertThat(text).isEqualTo("[oobwatch wd-eu-1] 2 alerts:\nALERT 7 pipe-7: canary lost\nRESOLVED 8 pipe-8"
        + "\nReply ACK and a number, e.g. ACK 7.");
  }

  @Test
  void aCallSpeaksEachAlertAndOffersTheAckUrlOfAllOfThem() {
    List<OutboxEntry> group = List.of(page(1, 7, "fire", "+1555", "call", t0), page(2, 8, "fire", "+1555", "call", t0));

    assertThat(wording.spoken(group))
        .isEqualTo("This is oobwatch wd-eu-1. 2 alerts. Alert 7. pipe-7: canary lost. Alert 8. pipe-8: canary lost.");
    assertThat(wording.ackUrl(group)).isEqualTo("https://wd.example.org/twilio/voice?alert=7,8");
    assertThat(new PageWording("wd", null, id -> Optional.empty()).ackUrl(group)).isNull();
  }

  @Test
  void theCapNotesSayHowManyAlertsAndNoticesWereHeldBackAndWhenTheCapIsReached() {
    assertThat(PageWording.capped("ALERT 7", new Outbox.Held(0, 0), false, 5)).isEqualTo("ALERT 7");
    assertThat(PageWording.capped("ALERT 7", new Outbox.Held(2, 0), true, 5)).isEqualTo("ALERT 7"
        + "\n+ 2 more alerts suppressed, see oobwatch status"
        + "\nPage cap (5/h) reached: further pages held back, see oobwatch status");
    assertThat(PageWording.capped("ALERT 7", new Outbox.Held(1, 3), false, 5)).isEqualTo("ALERT 7"
        + "\n+ 1 more alert suppressed, see oobwatch status"
        + "\n+ 3 resolve notices held back, see oobwatch status");
  }
}
