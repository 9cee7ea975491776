package io.oobwatch.watchdog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.StageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoresTest {
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
    try (Stores s = Stores.open(dir)) {
      assertThat(s.canaries().nextSeq("a")).isEqualTo(1);
      assertThat(s.canaries().nextSeq("a")).isEqualTo(2);
      assertThat(s.canaries().nextSeq("b")).isEqualTo(1);
    }
    try (Stores s = Stores.open(dir)) {
      assertThat(s.canaries().lastSeq("a")).isEqualTo(2);
      assertThat(s.canaries().nextSeq("a")).isEqualTo(3);
    }
  }

  @Test
  void outcomesComeBackOldestFirstWithTheFailedStage() {
    try (Stores s = Stores.open(dir)) {
      s.canaries().saveOutcome(outcome(1, StageResult.Status.SEEN));
      s.canaries().saveOutcome(outcome(2, StageResult.Status.LOST));
      s.canaries().saveOutcome(outcome(3, StageResult.Status.LOST));
      List<OutcomeRow> rows = s.canaries().recentOutcomes("inference-logs", 2);
      assertThat(rows).extracting(OutcomeRow::seq).containsExactly(2L, 3L);
      assertThat(rows).extracting(OutcomeRow::failedStage).containsExactly("elasticsearch", "elasticsearch");
      assertThat(s.canaries().counts("inference-logs", t0).lost()).isEqualTo(2);
      assertThat(s.canaries().counts("inference-logs", t0).ok()).isEqualTo(1);
    }
  }

  @Test
  void anAlertAndItsPagesAreStoredTogetherAndSurviveReopening() {
    long id;
    try (Stores s = Stores.open(dir)) {
      Alert a = s.alerts().fire("inference-logs", "canary", "elasticsearch", "canary lost between kafka and elasticsearch", t0,
          alert -> List.of(Outgoing.sms("fire", "alice", "+15550002222", "ALERT " + alert.id())));
      id = a.id();
      assertThat(id).isEqualTo(1);
    }
    try (Stores s = Stores.open(dir)) {
      assertThat(s.alerts().openAlert("inference-logs", "canary")).get().extracting(Alert::id).isEqualTo(id);
      List<OutboxEntry> due = s.outbox().duePages(t0);
      assertThat(due).singleElement().satisfies(p -> {
        assertThat(p.body()).isEqualTo("ALERT 1");
        assertThat(p.state()).isEqualTo(OutboxEntry.State.PENDING);
      });
    }
  }

  @Test
  void aFailureWhileBuildingPagesLeavesNoAlertBehind() {
    try (Stores s = Stores.open(dir)) {
      assertThatThrownBy(() -> s.alerts().fire("p", "canary", "es", "x", t0, alert -> {
        throw new IllegalStateException("boom");
      })).hasMessage("boom");
      assertThat(s.alerts().openAlert("p", "canary")).isEmpty();
      assertThat(s.outbox().duePages(t0)).isEmpty();
    }
  }

  @Test
  void sentPagesAreNotDueAgainAndRetriesWaitForTheirTime() {
    try (Stores s = Stores.open(dir)) {
      s.alerts().fire("p", "canary", "es", "x", t0, a -> List.of(Outgoing.sms("fire", "alice", "+1555", "a"), Outgoing.sms("fire", "bob", "+1556", "b")));
      List<OutboxEntry> due = s.outbox().duePages(t0);
      s.outbox().pageSent(due.get(0).id(), "SM123", t0);
      s.outbox().pageFailed(due.get(1).id(), "HTTP 500", t0.plusSeconds(4));
      assertThat(s.outbox().duePages(t0.plusSeconds(3))).isEmpty();
      assertThat(s.outbox().duePages(t0.plusSeconds(4))).singleElement().extracting(OutboxEntry::attempts).isEqualTo(1);
      s.outbox().pageFailed(due.get(1).id(), "21211 invalid number", null);
      assertThat(s.outbox().duePages(t0.plusSeconds(3600))).isEmpty();
      assertThat(s.outbox().pages(10)).extracting(OutboxEntry::state)
          .containsExactlyInAnyOrder(OutboxEntry.State.SENT, OutboxEntry.State.FAILED);
    }
  }

  @Test
  void resolvingQueuesTheNoticeAndClosesTheAlert() {
    try (Stores s = Stores.open(dir)) {
      Alert a = s.alerts().fire("p", "canary", "es", "x", t0, al -> List.of());
      Alert r = s.alerts().resolve(a.id(), t0.plusSeconds(300), al -> List.of(Outgoing.sms("resolve", "alice", "+1555", "RESOLVED " + al.id())));
      assertThat(r.state()).isEqualTo(Alert.State.RESOLVED);
      assertThat(r.resolvedAt()).isEqualTo(t0.plusSeconds(300));
      assertThat(s.alerts().openAlert("p", "canary")).isEmpty();
      assertThat(s.outbox().duePages(t0.plusSeconds(300))).extracting(OutboxEntry::event).containsExactly("resolve");
      assertThatThrownBy(() -> s.alerts().resolve(a.id(), t0, al -> List.of())).hasMessageContaining("not firing");
    }
  }

  @Test
  void pruningDropsOnlyOldHistory() {
    try (Stores s = Stores.open(dir)) {
      s.canaries().saveOutcome(outcome(1, StageResult.Status.SEEN));
      s.canaries().saveOutcome(outcome(100, StageResult.Status.SEEN));
      s.prune(t0.plusSeconds(1000));
      assertThat(s.canaries().recentOutcomes("inference-logs", 10)).extracting(OutcomeRow::seq).containsExactly(100L);
    }
  }

  @Test
  void pruningDropsOldTestPagesButKeepsTheNewestOfEachChannel() {
    try (Stores s = Stores.open(dir)) {
      TestPage oldSms = s.testPages().add("alice", "+15550002222", Outgoing.SMS, "api", t0);
      TestPage oldCall = s.testPages().add("alice", "+15550002222", Outgoing.CALL, "api", t0);
      TestPage newerSms = s.testPages().add("bob", "+15550003333", Outgoing.SMS, "api", t0.plusSeconds(60));

      s.prune(t0.plus(Duration.ofDays(30)));

      assertThat(s.testPages().testPage(oldSms.id())).isEmpty();
      assertThat(s.testPages().latest(Outgoing.SMS)).hasValueSatisfying(t -> assertThat(t.id()).isEqualTo(newerSms.id()));
      assertThat(s.testPages().latest(Outgoing.CALL)).hasValueSatisfying(t -> assertThat(t.id()).isEqualTo(oldCall.id()));
    }
  }

  @Test
  void aFiringAlertReadBackHasNoResolvedTime() {
    try (Stores s = Stores.open(dir)) {
      s.alerts().fire("p", "canary", "es", "x", t0, al -> List.of());
      assertThat(s.alerts().openAlert("p", "canary")).get().extracting(Alert::resolvedAt).isNull();
      assertThat(s.alerts().alerts(t0)).singleElement().extracting(Alert::resolvedAt).isNull();
    }
  }

  @Test
  void aStateDirWrittenBeforeEscalationsExistedOpensWithItsAlertsAndPendingPages() throws Exception {
    oldStateFile(
        "CREATE TABLE alerts (id INTEGER PRIMARY KEY AUTOINCREMENT, subject TEXT NOT NULL, rule TEXT NOT NULL,"
            + " state TEXT NOT NULL, stage TEXT, summary TEXT NOT NULL, opened_at INTEGER NOT NULL, resolved_at INTEGER)",
        "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, alert_id INTEGER NOT NULL REFERENCES alerts(id),"
            + " event TEXT NOT NULL, recipient TEXT NOT NULL, phone TEXT NOT NULL, body TEXT NOT NULL,"
            + " state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,"
            + " created_at INTEGER NOT NULL, sent_at INTEGER, sid TEXT, last_error TEXT)",
        "INSERT INTO alerts (subject, rule, state, stage, summary, opened_at) VALUES"
            + " ('inference-logs', 'canary', 'FIRING', 'elasticsearch', 'canary lost', " + t0.toEpochMilli() + ")",
        "INSERT INTO outbox (alert_id, event, recipient, phone, body, state, next_attempt_at, created_at) VALUES"
            + " (1, 'fire', 'alice', '+15550002222', 'ALERT 1', 'PENDING', " + t0.toEpochMilli() + ", " + t0.toEpochMilli() + ")");

    try (Stores s = Stores.open(dir)) {
      assertThat(s.alerts().openAlert("inference-logs", "canary")).get().extracting(Alert::summary).isEqualTo("canary lost");
      assertThat(s.outbox().duePages(t0)).singleElement().satisfies(p -> {
        assertThat(p.body()).isEqualTo("ALERT 1");
        assertThat(p.channel()).isEqualTo(Outgoing.SMS);
      });
      assertThat(s.canaries().nextSeq("inference-logs")).isEqualTo(1);
    }
  }

  @Test
  void observationsWrittenBeforeReadingsRecordedWhatTheyCoverCountAsWholeMinutes() throws Exception {
    long minute = t0.getEpochSecond() / 60;
    oldStateFile(
        "CREATE TABLE signals (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
        "CREATE TABLE observations (signal INTEGER NOT NULL, minute INTEGER NOT NULL, kind INTEGER NOT NULL,"
            + " value REAL NOT NULL, aux REAL NOT NULL, note TEXT, PRIMARY KEY (signal, minute)) WITHOUT ROWID",
        "INSERT INTO signals (id, name) VALUES (1, 'p/volume/kafka')",
        "INSERT INTO observations VALUES (1, " + minute + ", 0, 600, 0, NULL), (1, " + (minute + 1) + ", 0, 300, 0, NULL)");

    try (Stores s = Stores.open(dir)) {
      s.observations().saveObservations(List.of(new ObservationStore.SignalObservation("p/volume/kafka",
          Observation.value(t0.plusSeconds(120), 100), Duration.ofSeconds(30))));

      assertThat(s.observations().window("p/volume/kafka", t0, t0.plusSeconds(180)))
          .isEqualTo(new ObservationStore.Window(3, 600 * 60 + 300 * 60 + 100 * 30, 150));
    }
  }

  @Test
  void canariesJudgedBeforeTheStoreKeptLateVerdictsReadAsNeverLateAndAnEarlyVerdictSurvivesTheFinalOne() throws Exception {
    oldStateFile(
        "CREATE TABLE canary_outcomes (pipeline TEXT NOT NULL, seq INTEGER NOT NULL, canary_id TEXT NOT NULL,"
            + " emitted_at INTEGER NOT NULL, finished_at INTEGER NOT NULL, verdict TEXT NOT NULL, failed_stage TEXT,"
            + " duplicates INTEGER NOT NULL, stages TEXT NOT NULL, PRIMARY KEY (pipeline, seq))",
        "INSERT INTO canary_outcomes VALUES ('inference-logs', 1, 'id-1', " + t0.toEpochMilli() + ", "
            + t0.plusSeconds(90).toEpochMilli() + ", 'LOST', 'elasticsearch', 0, 'kafka=SEEN:400ms elasticsearch=LOST:90000ms')");

    try (Stores s = Stores.open(dir)) {
      CanaryOutcome early = outcome(2, StageResult.Status.LATE);
      s.canaries().saveOutcome(early);
      s.canaries().saveOutcome(outcome(2, StageResult.Status.SLOW));

      assertThat(s.canaries().judged("inference-logs", t0, t0.plus(Duration.ofHours(1))))
          .extracting(CanaryStore.JudgedCanary::verdict, CanaryStore.JudgedCanary::judgedLateAt)
          .containsExactly(tuple(CanaryOutcome.Verdict.LOST, null),
              tuple(CanaryOutcome.Verdict.SLOW, early.finishedAt()));
    }
  }

  /** A state file written by an older oobwatch: these statements, run before the store opens it. */
  void oldStateFile(String... statements) throws Exception {
    Files.createDirectories(dir);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("oobwatch.db"));
        Statement st = c.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
    }
  }
}
