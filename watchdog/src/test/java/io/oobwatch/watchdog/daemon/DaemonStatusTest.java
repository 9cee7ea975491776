package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.schedule.HeartbeatWatch;
import io.oobwatch.watchdog.self.SelfWatch;
import io.oobwatch.watchdog.status.AlertStatus;
import io.oobwatch.watchdog.status.StatusDocument;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.store.AlertStore;
import io.oobwatch.watchdog.store.CanaryStore;
import io.oobwatch.watchdog.store.HeartbeatStore;
import io.oobwatch.watchdog.store.Outbox;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /status, /healthz and the systemd and dead man's switch summaries answer from what the loops
 * published: the HTTP server's I/O thread never waits on SQLite.
 */
class DaemonStatusTest {
  @TempDir Path dir;
  PagingRig rig;
  SelfWatch self;
  final AtomicBoolean answering = new AtomicBoolean();
  final List<String> storeCallsWhileAnswering = new CopyOnWriteArrayList<>();
  final List<String> storeCalls = new CopyOnWriteArrayList<>();
  Alerts alerts;
  PagingView paging;
  DaemonStatus status;

  @AfterEach
  void close() {
    if (self != null) {
      self.close();
    }
    if (rig != null) {
      rig.close();
    }
  }

  void build() throws Exception {
    rig = new PagingRig(dir, EscalationTimelineTest.POLICY);
    AlertStore watchedAlerts = watched(AlertStore.class, rig.store.alerts());
    Outbox watchedOutbox = watched(Outbox.class, rig.store.outbox());
    String instance = rig.config.instance();
    alerts = new Alerts(instance, watchedAlerts, rig.config.paging(), rig.clock, () -> { });
    HeartbeatWatch heartbeats = new HeartbeatWatch(instance, List.of(), Map.of(),
        watched(HeartbeatStore.class, rig.store.heartbeats()), alerts, rig.clock);
    self = new SelfWatch(instance, rig.config.self(), alerts, rig.clock);
    paging = new PagingView(rig.clock, watchedAlerts, watchedOutbox,
        watched(io.oobwatch.watchdog.store.TestPageStore.class, rig.store.testPages()), alerts, rig.dispatcher);
    status = new DaemonStatus(rig.config, rig.clock, new DaemonStatus.Loops(List.of(), List.of(), heartbeats, self, () -> null, null, List.of()),
        paging, new CanaryDays(rig.clock, watched(CanaryStore.class, rig.store.canaries())),
        new DaemonMetrics(rig.config, rig.clock, watchedAlerts, watchedOutbox, List.of(), heartbeats,
            io.oobwatch.watchdog.schedule.Scheduler.Lateness::none, null, List.of()),
        new HistoryView(rig.clock, watched(CanaryStore.class, rig.store.canaries()),
            watched(io.oobwatch.watchdog.store.ObservationStore.class, rig.store.observations()), List.of()));
  }

  /** {@code target} behind a proxy that records each call, and whether it came while answering. */
  <T> T watched(Class<T> type, T target) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> {
          storeCalls.add(method.getName());
          if (answering.get()) {
            storeCallsWhileAnswering.add(method.getName());
          }
          try {
            return method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        }));
  }

  StatusDocument answer() {
    answering.set(true);
    try {
      status.health();
      status.degraded();
      status.summary();
      return status.status();
    } finally {
      answering.set(false);
    }
  }

  @Test
  void statusHealthAndSummariesAnswerWithoutReadingTheStore() throws Exception {
    build();
    alerts.raise("inference-logs", Rule.CANARY, "", "canary lost between kafka and store", a -> "ALERT " + a.id());
    paging.refresh();

    StatusDocument doc = answer();

    assertThat(storeCallsWhileAnswering).isEmpty();
    assertThat(doc.alerts()).singleElement().extracting(AlertStatus::state).isEqualTo(AlertStatus.FIRING);
    assertThat(doc.paging().escalations()).singleElement().satisfies(e -> assertThat(e.stepsPaged()).isEqualTo(1));
    assertThat(status.summary()).startsWith("0 pipelines, 1 firing");
  }

  @Test
  void anAlertRaisedAfterTheLastRefreshIsShownFromTheNextRefreshOn() throws Exception {
    build();
    alerts.raise("inference-logs", Rule.CANARY, "", "canary lost between kafka and store", a -> "ALERT " + a.id());

    assertThat(answer().alerts()).isEmpty();
    paging.refresh();
    assertThat(answer().alerts()).extracting(AlertStatus::subject).containsExactly("inference-logs");
    assertThat(storeCallsWhileAnswering).isEmpty();
  }

  @Test
  void aQuietDaemonReadsThePagingSideEveryTenSecondsOrAtOnceWhenPagesWereQueued() throws Exception {
    build();
    storeCalls.clear();
    paging.tick();
    assertThat(storeCalls).isEmpty();

    rig.clock.advance(PagingView.QUIET_REFRESH);
    paging.tick();
    assertThat(storeCalls).contains("alerts", "pages");

    storeCalls.clear();
    rig.clock.advance(java.time.Duration.ofSeconds(1));
    paging.tick();
    assertThat(storeCalls).isEmpty();
    paging.changed();
    paging.tick();
    assertThat(storeCalls).contains("alerts", "pages");
  }

  @Test
  void whileAnAlertIsOpenThePagingSideIsReadAtEveryTick() throws Exception {
    build();
    alerts.raise("inference-logs", Rule.CANARY, "", "canary lost between kafka and store", a -> "ALERT " + a.id());
    paging.refresh();
    storeCalls.clear();
    rig.clock.advance(java.time.Duration.ofSeconds(1));
    paging.tick();
    assertThat(storeCalls).contains("alerts", "pages");
  }
}
