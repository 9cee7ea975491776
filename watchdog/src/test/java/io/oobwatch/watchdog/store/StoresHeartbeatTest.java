package io.oobwatch.watchdog.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoresHeartbeatTest {
  @TempDir Path dir;
  final Instant t0 = Instant.parse("2026-11-27T08:00:00Z");

  @Test
  void aHeartbeatsStateSurvivesReopeningWithEveryFieldAndNullsKept() {
    HeartbeatRecord pushed = new HeartbeatRecord(t0, t0.plusSeconds(60), null, t0.plusSeconds(90), 0, "disk full");
    HeartbeatRecord pulled = new HeartbeatRecord(t0, null, null, t0.plusSeconds(30), 4, "refused the connection");
    try (Stores s = Stores.open(dir)) {
      s.heartbeats().saveHeartbeat("log-shipper", new HeartbeatRecord(t0, null, null, null, 0, null));
      s.heartbeats().saveHeartbeat("log-shipper", pushed);
      s.heartbeats().saveHeartbeat("inference-api", pulled);
    }
    try (Stores s = Stores.open(dir)) {
      assertThat(s.heartbeats().heartbeats()).isEqualTo(Map.of("log-shipper", pushed, "inference-api", pulled));
    }
  }

  @Test
  void pageCountsCountEveryStateAndStartAtZero() {
    try (Stores s = Stores.open(dir)) {
      assertThat(s.outbox().pageCounts()).hasSize(OutboxEntry.State.values().length).containsValues(0L)
          .doesNotContainValue(1L);
      s.alerts().fire("x", "heartbeat", "", "heartbeat x missing", t0,
          a -> List.of(Outgoing.sms("fire", "alice", "+15550002222", "1"), Outgoing.sms("fire", "bob", "+15550003333", "2"),
              Outgoing.sms("fire", "carol", "+15550004444", "3")));
      List<OutboxEntry> due = s.outbox().duePages(t0);
      s.outbox().pageSent(due.get(0).id(), "SM1", t0);
      s.outbox().pageFailed(due.get(1).id(), "21211 invalid number", null);

      assertThat(s.outbox().pageCounts()).contains(Map.entry(OutboxEntry.State.PENDING, 1L),
          Map.entry(OutboxEntry.State.SENT, 1L), Map.entry(OutboxEntry.State.FAILED, 1L),
          Map.entry(OutboxEntry.State.CANCELLED, 0L), Map.entry(OutboxEntry.State.SUPPRESSED, 0L));
    }
  }

  @Test
  void aFiringAlertReadBackHasNoResolvedTime() {
    try (Stores s = Stores.open(dir)) {
      s.alerts().fire("log-shipper", "heartbeat", "", "heartbeat log-shipper missing", t0, a -> List.of());

      assertThat(s.alerts().openAlert("log-shipper", "heartbeat")).hasValueSatisfying(a -> assertThat(a.resolvedAt()).isNull());
    }
  }
}
