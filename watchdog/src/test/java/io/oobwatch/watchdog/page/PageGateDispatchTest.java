package io.oobwatch.watchdog.page;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.OutboxEntry;
import io.oobwatch.watchdog.store.Stores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the one send loop obeys its {@link PageGate}: a held page stays pending, a page another
 * member sent is cancelled with who sent it, a sent one is told with its SID. Real SQLite store.
 */
class PageGateDispatchTest {
  @TempDir Path dir;
  final List<String> told = new CopyOnWriteArrayList<>();
  Stores store;
  volatile PageGate.Decision next = PageGate.Decision.SEND;

  final RecordingPager recording = new RecordingPager();

  final PageGate scripted = new PageGate() {
    @Override
    public Decision admit(OutboxEntry page, Alert alert, Instant now) {
      return next;
    }

    @Override
    public void sent(OutboxEntry page, Alert alert, String sid, Instant at) {
      told.add(alert.subject() + " " + page.dedupe() + " " + sid);
    }
  };

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  PageDispatcher raise() {
    return raise(scripted);
  }

  /** A dispatcher with {@code gate}, and one alert raised whose first step is due. */
  PageDispatcher raise(PageGate gate) {
    store = Stores.open(dir);
    PageDispatcher d = new PageDispatcher(store.outbox(), recording, Clock.systemUTC(),
        PageDispatcher.Settings.plain("wd-test"), Pauses.NONE, gate);
    Alerts alerts = new Alerts("wd-test", store.alerts(), null, Clock.systemUTC(), () -> { });
    alerts.raise("inference-logs", Rule.CANARY, "store", "canary lost", a -> "ALERT " + a.id() + " inference-logs");
    return d;
  }

  @Test
  void aHeldPageStaysPendingAndGoesOutWhenItsTurnComes() {
    PageDispatcher d = raise();
    next = new PageGate.Decision(PageGate.Verdict.HOLD, "left to wd-0 (rank 0) for 15s");
    assertThat(d.sendDue()).isZero();
    assertThat(recording.sent()).isEmpty();
    assertThat(store.outbox().pages(10)).extracting(OutboxEntry::state).containsExactly(OutboxEntry.State.PENDING);

    next = PageGate.Decision.SEND;
    assertThat(d.sendDue()).isEqualTo(1);
    assertThat(recording.sent()).hasSize(1);
    assertThat(told).containsExactly("inference-logs a1:e0:s0:sms:console SM1");
  }

  @Test
  void aPageAnotherMemberSentIsCancelledHereWithWhoSentIt() {
    PageDispatcher d = raise();
    next = new PageGate.Decision(PageGate.Verdict.SKIP, "sent by wd-0 (SM77)");
    assertThat(d.sendDue()).isZero();
    assertThat(recording.sent()).isEmpty();
    OutboxEntry page = store.outbox().pages(10).get(0);
    assertThat(page.state()).isEqualTo(OutboxEntry.State.CANCELLED);
    assertThat(page.lastError()).isEqualTo("sent by wd-0 (SM77)");
    next = PageGate.Decision.SEND;
    assertThat(d.sendDue()).as("a cancelled page is not due any more").isZero();
    assertThat(told).isEmpty();
  }

  @Test
  void aloneEveryPageIsSentAsBefore() {
    PageDispatcher d = raise(PageGate.ALONE);
    assertThat(d.sendDue()).isEqualTo(1);
    assertThat(recording.sent()).hasSize(1);
  }
}
