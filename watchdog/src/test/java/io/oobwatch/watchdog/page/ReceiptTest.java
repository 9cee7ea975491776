package io.oobwatch.watchdog.page;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.watchdog.store.Delivery;
import org.junit.jupiter.api.Test;

/** Twilio's message and call statuses, judged the same for lookups and status callbacks. */
class ReceiptTest {

  @Test
  void anSmsThatIsOnlySentHasNoOutcomeYetBecauseSentIsNotAReceipt() {
    assertThat(Receipt.sms("queued", null).isFinal()).isFalse();
    assertThat(Receipt.sms("sent", null).isFinal()).isFalse();
    assertThat(Receipt.sms("delivered", null).outcome()).isEqualTo(Delivery.State.DELIVERED);
  }

  @Test
  void anUndeliveredSmsSaysTwiliosCodeAndItsMeaningInWords() {
    Receipt r = Receipt.sms("undelivered", 30034);
    assertThat(r.outcome()).isEqualTo(Delivery.State.UNDELIVERED);
    assertThat(r.code()).isEqualTo(30034);
    assertThat(r.detail()).isEqualTo("30034 the sender number is not registered for A2P 10DLC");
    assertThat(Receipt.sms("failed", 30450).detail()).isEqualTo("30450 blocked by Twilio's SMS pumping protection");
    assertThat(Receipt.meaning(30003)).startsWith("30003 unreachable");
    assertThat(Receipt.meaning(30005)).startsWith("30005 unknown number");
    assertThat(Receipt.meaning(30006)).startsWith("30006 landline");
    assertThat(Receipt.meaning(30007)).isEqualTo("30007 the carrier filtered the message as spam");
    assertThat(Receipt.meaning(30999)).isEqualTo("30999 Twilio error, see https://www.twilio.com/docs/errors/30999");
  }

  @Test
  void aCallAnsweredByVoicemailIsNotAnAnswerEvenWhileItIsStillInProgress() {
    assertThat(Receipt.call("in-progress", null, "machine_end_beep").outcome()).isEqualTo(Delivery.State.VOICEMAIL);
    assertThat(Receipt.call("completed", null, "machine_start").outcome()).isEqualTo(Delivery.State.VOICEMAIL);
    assertThat(Receipt.call("completed", null, "fax").outcome().reachedNobody()).isTrue();
    assertThat(Receipt.call("in-progress", null, "human").isFinal()).isFalse();
    assertThat(Receipt.call("completed", null, "human").outcome()).isEqualTo(Delivery.State.ANSWERED);
    assertThat(Receipt.call("completed", null, "human").outcome().reachedNobody()).isFalse();
  }

  @Test
  void aCallNobodyPickedUpReachedNobody() {
    assertThat(Receipt.call("no-answer", null, null).outcome()).isEqualTo(Delivery.State.NO_ANSWER);
    assertThat(Receipt.call("busy", null, null).outcome()).isEqualTo(Delivery.State.BUSY);
    assertThat(Receipt.call("failed", null, null).outcome()).isEqualTo(Delivery.State.FAILED);
    assertThat(Receipt.call("ringing", null, null).isFinal()).isFalse();
    assertThat(Delivery.State.NO_ANSWER.word()).isEqualTo("no-answer");
  }
}
