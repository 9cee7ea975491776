package io.oobwatch.watchdog.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.watchdog.detect.HeartbeatRule;
import io.oobwatch.watchdog.page.Page;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreHeartbeatTest {
  @TempDir Path dir;
  final Instant t0 = Instant.parse("2026-11-27T08:00:00Z");

  @Test
  void aHeartbeatsStateSurvivesReopeningWithEveryFieldAndNullsKept() {
    HeartbeatRule.State pushed = new HeartbeatRule.State(t0, t0.plusSeconds(60), null, t0.plusSeconds(90), 0, "disk full");
    HeartbeatRule.State pulled = new HeartbeatRule.State(t0, null, null, t0.plusSeconds(30), 4, "refused the connection");
    try (SqliteStore s = SqliteStore.open(dir)) {
      s.saveHeartbeat("log-shipper", HeartbeatRule.State.watchedFrom(t0));
      s.saveHeartbeat("log-shipper", pushed);
      s.saveHeartbeat("inference-api", pulled);
    }
    try (SqliteStore s = SqliteStore.open(dir)) {
      assertThat(s.heartbeats()).isEqualTo(Map.of("log-shipper", pushed, "inference-api", pulled));
    }
  }

  @Test
  void pageCountsCountEveryStateAndStartAtZero() {
    try (SqliteStore s = SqliteStore.open(dir)) {
      assertThat(s.pageCounts()).hasSize(OutboxEntry.State.values().length).containsValues(0L)
          .doesNotContainValue(1L);
      s.fire("x", "heartbeat", "", "heartbeat x missing", t0,
          a -> List.of(new Page("alice", "+15550002222", "1"), new Page("bob", "+15550003333", "2"),
              new Page("carol", "+15550004444", "3")));
      List<OutboxEntry> due = s.duePages(t0);
      s.pageSent(due.get(0).id(), "SM1", t0);
      s.pageFailed(due.get(1).id(), "21211 invalid number", null);

      assertThat(s.pageCounts()).contains(Map.entry(OutboxEntry.State.PENDING, 1L),
          Map.entry(OutboxEntry.State.SENT, 1L), Map.entry(OutboxEntry.State.FAILED, 1L),
          Map.entry(OutboxEntry.State.CANCELLED, 0L), Map.entry(OutboxEntry.State.SUPPRESSED, 0L));
    }
  }

  @Test
  void aFiringAlertReadBackHasNoResolvedTime() {
    try (SqliteStore s = SqliteStore.open(dir)) {
      s.fire("log-shipper", "heartbeat", "", "heartbeat log-shipper missing", t0, a -> List.of());

      assertThat(s.openAlert("log-shipper", "heartbeat")).hasValueSatisfying(a -> assertThat(a.resolvedAt()).isNull());
    }
  }
}
