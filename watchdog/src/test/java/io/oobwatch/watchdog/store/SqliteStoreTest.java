package io.oobwatch.watchdog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oobwatch.probes.Injection;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.StageResult;
import io.oobwatch.watchdog.page.Page;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest {
  @TempDir Path dir;
  final Instant t0 = Instant.parse("2026-11-27T08:00:00Z");

  CanaryOutcome outcome(long seq, StageResult.Status es) {
    return new CanaryOutcome("inference-logs", "id-" + seq, seq, t0.plusSeconds(seq * 30), "kafka",
        Injection.accepted(Duration.ofMillis(3), "partition 0 offset " + seq),
        List.of(new StageResult("kafka", StageResult.Status.SEEN, Duration.ofMillis(400), 1, ""),
            new StageResult("elasticsearch", es, Duration.ofSeconds(90), es.arrived() ? 1 : 0, "")),
        t0.plusSeconds(seq * 30 + 90));
  }

  @Test
  void sequenceNumbersContinueAfterReopening() {
    try (SqliteStore s = SqliteStore.open(dir)) {
      assertThat(s.nextSeq("a")).isEqualTo(1);
      assertThat(s.nextSeq("a")).isEqualTo(2);
      assertThat(s.nextSeq("b")).isEqualTo(1);
    }
    try (SqliteStore s = SqliteStore.open(dir)) {
      assertThat(s.lastSeq("a")).isEqualTo(2);
      assertThat(s.nextSeq("a")).isEqualTo(3);
    }
  }

  @Test
  void outcomesComeBackOldestFirstWithTheFailedStage() {
    try (SqliteStore s = SqliteStore.open(dir)) {
      s.saveOutcome(outcome(1, StageResult.Status.SEEN));
      s.saveOutcome(outcome(2, StageResult.Status.LOST));
      s.saveOutcome(outcome(3, StageResult.Status.LOST));
      List<OutcomeRow> rows = s.recentOutcomes("inference-logs", 2);
      assertThat(rows).extracting(OutcomeRow::seq).containsExactly(2L, 3L);
      assertThat(rows).extracting(OutcomeRow::failedStage).containsExactly("elasticsearch", "elasticsearch");
      assertThat(s.counts("inference-logs", t0).lost()).isEqualTo(2);
      assertThat(s.counts("inference-logs", t0).ok()).isEqualTo(1);
    }
  }

  @Test
  void anAlertAndItsPagesAreStoredTogetherAndSurviveReopening() {
    long id;
    try (SqliteStore s = SqliteStore.open(dir)) {
      Alert a = s.fire("inference-logs", "canary", "elasticsearch", "canary lost between kafka and elasticsearch", t0,
          alert -> List.of(new Page("alice", "+15550002222", "ALERT " + alert.id())));
      id = a.id();
      assertThat(id).isEqualTo(1);
    }
    try (SqliteStore s = SqliteStore.open(dir)) {
      assertThat(s.openAlert("inference-logs", "canary")).get().extracting(Alert::id).isEqualTo(id);
      List<OutboxEntry> due = s.duePages(t0);
      assertThat(due).singleElement().satisfies(p -> {
        assertThat(p.body()).isEqualTo("ALERT 1");
        assertThat(p.state()).isEqualTo(OutboxEntry.State.PENDING);
      });
    }
  }

  @Test
  void aFailureWhileBuildingPagesLeavesNoAlertBehind() {
    try (SqliteStore s = SqliteStore.open(dir)) {
      assertThatThrownBy(() -> s.fire("p", "canary", "es", "x", t0, alert -> {
        throw new IllegalStateException("boom");
      })).hasMessage("boom");
      assertThat(s.openAlert("p", "canary")).isEmpty();
      assertThat(s.duePages(t0)).isEmpty();
    }
  }

  @Test
  void sentPagesAreNotDueAgainAndRetriesWaitForTheirTime() {
    try (SqliteStore s = SqliteStore.open(dir)) {
      s.fire("p", "canary", "es", "x", t0, a -> List.of(new Page("alice", "+1555", "a"), new Page("bob", "+1556", "b")));
      List<OutboxEntry> due = s.duePages(t0);
      s.pageSent(due.get(0).id(), "SM123", t0);
      s.pageFailed(due.get(1).id(), "HTTP 500", t0.plusSeconds(4));
      assertThat(s.duePages(t0.plusSeconds(3))).isEmpty();
      assertThat(s.duePages(t0.plusSeconds(4))).singleElement().extracting(OutboxEntry::attempts).isEqualTo(1);
      s.pageFailed(due.get(1).id(), "21211 invalid number", null);
      assertThat(s.duePages(t0.plusSeconds(3600))).isEmpty();
      assertThat(s.pages(10)).extracting(OutboxEntry::state)
          .containsExactlyInAnyOrder(OutboxEntry.State.SENT, OutboxEntry.State.FAILED);
    }
  }

  @Test
  void resolvingQueuesTheNoticeAndClosesTheAlert() {
    try (SqliteStore s = SqliteStore.open(dir)) {
      Alert a = s.fire("p", "canary", "es", "x", t0, al -> List.of());
      Alert r = s.resolve(a.id(), t0.plusSeconds(300), al -> List.of(new Page("alice", "+1555", "RESOLVED " + al.id())));
      assertThat(r.state()).isEqualTo(Alert.State.RESOLVED);
      assertThat(r.resolvedAt()).isEqualTo(t0.plusSeconds(300));
      assertThat(s.openAlert("p", "canary")).isEmpty();
      assertThat(s.duePages(t0.plusSeconds(300))).extracting(OutboxEntry::event).containsExactly("resolve");
      assertThatThrownBy(() -> s.resolve(a.id(), t0, al -> List.of())).hasMessageContaining("not firing");
    }
  }

  @Test
  void pruningDropsOnlyOldHistory() {
    try (SqliteStore s = SqliteStore.open(dir)) {
      s.saveOutcome(outcome(1, StageResult.Status.SEEN));
      s.saveOutcome(outcome(100, StageResult.Status.SEEN));
      s.prune(t0.plusSeconds(1000));
      assertThat(s.recentOutcomes("inference-logs", 10)).extracting(OutcomeRow::seq).containsExactly(100L);
    }
  }

  @Test
  void aFiringAlertReadBackHasNoResolvedTime() {
    try (SqliteStore s = SqliteStore.open(dir)) {
      s.fire("p", "canary", "es", "x", t0, al -> List.of());
      assertThat(s.openAlert("p", "canary")).get().extracting(Alert::resolvedAt).isNull();
      assertThat(s.alerts(t0)).singleElement().extracting(Alert::resolvedAt).isNull();
    }
  }
}
