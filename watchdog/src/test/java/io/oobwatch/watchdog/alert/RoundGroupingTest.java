package io.oobwatch.watchdog.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.page.PageDispatcher;
import io.oobwatch.watchdog.page.RecordingPager;
import io.oobwatch.watchdog.store.Stores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts raised in the same evaluation round go out as one message, however long the round takes
 * and whatever wakes the dispatcher meanwhile; the real dispatcher thread and a real SQLite store.
 */
class RoundGroupingTest {
  @TempDir Path dir;
  Stores store;
  PageDispatcher dispatcher;

  final RecordingPager recording = new RecordingPager();

  @AfterEach
  void close() {
    if (dispatcher != null) {
      dispatcher.close();
    }
    if (store != null) {
      store.close();
    }
  }

  Alerts start(boolean holdForRounds) {
    store = Stores.open(dir);
    dispatcher = new PageDispatcher(store.outbox(), recording, Clock.systemUTC(), PageDispatcher.Settings.plain("wd-test"));
    Alerts alerts = new Alerts("wd-test", store.alerts(), null, Clock.systemUTC(), dispatcher::wake);
    if (holdForRounds) {
      dispatcher.holdWhile(alerts::inRound);
    }
    dispatcher.start();
    return alerts;
  }

  void raise(Alerts alerts, String subject) {
    alerts.raise(subject, Rule.CANARY, "store", "canary lost between queue and store", a -> "ALERT " + a.id() + " " + subject);
  }

  @Test
  void twoAlertsOfOneRoundAreOneMessageEvenWhenTheDispatcherIsWokenBetweenThem() {
    Alerts alerts = start(true);

    alerts.round(() -> {
      raise(alerts, "inference-logs");
      dispatcher.wake(); // another thread's page, an ack, a retry: anything may wake it mid-round
      await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(recording.sent()::isEmpty);
      raise(alerts, "billing-logs");
    });

    await().atMost(Duration.ofSeconds(5)).until(() -> recording.sent().size() == 1);
    assertThat(recording.sent().get(0).body()).contains("2 alerts:", "ALERT 1 inference-logs", "ALERT 2 billing-logs");
    await().during(Duration.ofMillis(300)).until(() -> recording.sent().size() == 1);
  }

  @Test
  void withoutTheHoldAWakeMidRoundSplitsTheRoundIntoTwoMessages() {
    Alerts alerts = start(false);

    alerts.round(() -> {
      raise(alerts, "inference-logs");
      dispatcher.wake();
      await().atMost(Duration.ofSeconds(2)).until(() -> recording.sent().size() == 1);
      raise(alerts, "billing-logs");
    });

    await().atMost(Duration.ofSeconds(5)).until(() -> recording.sent().size() == 2);
  }

  @Test
  void aPageOutsideAnyRoundIsSentAtOnce() {
    Alerts alerts = start(true);

    raise(alerts, "inference-logs");

    await().atMost(Duration.ofSeconds(2)).until(() -> recording.sent().size() == 1);
    assertThat(alerts.inRound()).isFalse();
  }
}
