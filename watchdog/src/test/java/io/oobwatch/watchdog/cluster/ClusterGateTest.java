package io.oobwatch.watchdog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.watchdog.page.PageGate;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.OutboxEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jgroups.protocols.DISCARD;
import org.junit.jupiter.api.Test;

/** The page gate on real JGroups channels on loopback: ranks, agree, a partition and its merge. */
class ClusterGateTest {
  static final Duration PEER_TIMEOUT = Duration.ofSeconds(2);
  static final Duration VIEW = Duration.ofSeconds(30);

  static Alert alert(long id, Instant openedAt) {
    return new Alert(id, "inference-logs", "canary", Alert.State.FIRING, "elasticsearch", "canary lost", openedAt, null);
  }

  /** The page of step {@code s} to alice, as a member's outbox holds it (its ids are that member's own). */
  static OutboxEntry page(long alertId, int s, Instant createdAt) {
    return new OutboxEntry(100 + alertId, alertId, s == 0 ? "fire" : "escalate", "alice", "+15550002222", "ALERT",
        OutboxEntry.State.PENDING, 0, createdAt, null, null, "sms", createdAt, null, null, null,
        "a" + alertId + ":e0:s" + s + ":sms:alice");
  }

  static OutboxEntry resolve(long alertId, Instant createdAt) {
    return new OutboxEntry(200 + alertId, alertId, "resolve", "alice", "+15550002222", "RESOLVED",
        OutboxEntry.State.PENDING, 0, createdAt, null, null, "sms", createdAt, null, null, null, null);
  }

  static ClusterGate gate(ClusterChannel c, int agree) {
    return new ClusterGate(c, c.notifications(), c::publish, PEER_TIMEOUT, agree);
  }

  @Test
  void theFirstRankSendsAtOnceTheSecondWaitsOnePeerTimeoutAndThenHoldsBackWhatTheFirstSent() {
    try (Members m = new Members(2, PEER_TIMEOUT, 1)) {
      ClusterChannel a = m.startAll().get(0);
      ClusterChannel b = m.channels.get(1);
      ClusterGate ga = gate(a, 1);
      ClusterGate gb = gate(b, 1);
      Instant t0 = Instant.now();
      // the same alert on both members, under each member's own alert id
      Alert onA = alert(7, t0);
      Alert onB = alert(3, t0.plusMillis(300));

      assertThat(ga.admit(page(7, 0, t0), onA, t0).verdict()).isEqualTo(PageGate.Verdict.SEND);
      PageGate.Decision waiting = gb.admit(page(3, 0, t0.plusMillis(300)), onB, t0.plusMillis(400));
      assertThat(waiting.verdict()).isEqualTo(PageGate.Verdict.HOLD);
      assertThat(waiting.why()).contains("left to wd-0 (rank 0)").contains("rank 1");

      ga.sent(page(7, 0, t0), onA, "SM100", t0.plusMillis(50));
      await().atMost(Duration.ofSeconds(10)).until(() -> gb.admit(page(3, 0, t0.plusMillis(300)), onB,
          t0.plusMillis(400)).verdict() == PageGate.Verdict.SKIP);
      assertThat(gb.admit(page(3, 0, t0.plusMillis(300)), onB, t0.plusSeconds(5)).why()).isEqualTo("sent by wd-0 (SM100)");
      assertThat(gb.heldBack()).isPositive();

      // a step wd-0 never sent is wd-1's once its turn comes
      assertThat(gb.admit(page(3, 1, t0.plusSeconds(1)), onB, t0.plusSeconds(1)).verdict()).isEqualTo(PageGate.Verdict.HOLD);
      assertThat(gb.admit(page(3, 1, t0.plusSeconds(1)), onB, t0.plusSeconds(3)).verdict()).isEqualTo(PageGate.Verdict.SEND);
    }
  }

  @Test
  void withAgreeTwoAConditionOnlyOneMemberSeesDoesNotPage() {
    try (Members m = new Members(2, PEER_TIMEOUT, 2)) {
      ClusterChannel a = m.startAll().get(0);
      ClusterChannel b = m.channels.get(1);
      ClusterGate ga = gate(a, 2);
      Instant t0 = Instant.now();
      Alert onA = alert(7, t0);
      a.publish(new LogEntry(LogEntry.Type.OPENED, "inference-logs/canary", "wd-0", null, null, t0.toEpochMilli()));

      PageGate.Decision alone = ga.admit(page(7, 0, t0), onA, t0.plusSeconds(60));
      assertThat(alone.verdict()).isEqualTo(PageGate.Verdict.HOLD);
      assertThat(alone.why()).isEqualTo("seen by 1 of the 2 members that must agree");

      // wd-1 sees it too, 5 s later: wd-0 (rank 0) pages from then on
      Instant seen = t0.plusSeconds(5);
      b.publish(new LogEntry(LogEntry.Type.OPENED, "inference-logs/canary", "wd-1", null, null, seen.toEpochMilli()));
      await().atMost(Duration.ofSeconds(10))
          .until(() -> ga.admit(page(7, 0, t0), onA, seen).verdict() == PageGate.Verdict.SEND);
    }
  }

  @Test
  void aPartitionPagesOnEachSideAtMostOnceAndTheLogsReconcileWhenItHeals() {
    DISCARD cutA = new DISCARD();
    DISCARD cutB = new DISCARD();
    try (Members m = new Members(2, PEER_TIMEOUT, 1)) {
      ClusterChannel a = m.start(0, cutA);
      ClusterChannel b = m.start(1, cutB);
      await().atMost(VIEW).until(() -> b.members().size() == 2 && a.members().size() == 2);
      ClusterGate ga = gate(a, 1);
      ClusterGate gb = gate(b, 1);
      Instant t0 = Instant.now();
      Alert onA = alert(7, t0);
      Alert onB = alert(3, t0);
      a.publish(new LogEntry(LogEntry.Type.OPENED, "inference-logs/canary", "wd-0", null, null, t0.toEpochMilli()));
      b.publish(new LogEntry(LogEntry.Type.OPENED, "inference-logs/canary", "wd-1", null, null, t0.toEpochMilli()));
      ga.sent(page(7, 0, t0), onA, "SM1", t0);
      await().atMost(Duration.ofSeconds(10)).until(() -> m.logs.get(1).size() == 3);

      cutA.discardAll(true);
      cutB.discardAll(true);
      await().atMost(VIEW).until(() -> a.members().size() == 1 && b.members().size() == 1);
      assertThat(a.left()).containsKey("wd-1");
      assertThat(b.left()).containsKey("wd-0");

      // step 1 falls due on both sides: each is rank 0 of its side now, and pages once
      Instant t1 = Instant.now();
      assertThat(ga.admit(page(7, 1, t1), onA, t1).verdict()).isEqualTo(PageGate.Verdict.SEND);
      assertThat(gb.admit(page(3, 1, t1), onB, t1).verdict()).isEqualTo(PageGate.Verdict.SEND);
      ga.sent(page(7, 1, t1), onA, "SM2", t1);
      gb.sent(page(3, 1, t1), onB, "SM3", t1);
      // step 0 went before the cut: the side without its sender still knows it
      assertThat(gb.admit(page(3, 0, t0), onB, t1).verdict()).isEqualTo(PageGate.Verdict.SKIP);

      cutA.discardAll(false);
      cutB.discardAll(false);
      await().atMost(Duration.ofSeconds(60)).until(() -> a.members().size() == 2 && b.members().size() == 2);
      await().atMost(Duration.ofSeconds(10)).until(() -> m.logs.get(0).size() == 5 && m.logs.get(1).size() == 5);
      assertThat(a.left()).isEmpty();
      assertThat(m.logs.get(0).pages(10)).extracting(LogEntry::detail).containsExactlyInAnyOrder("SM1", "SM2", "SM3");

      // both resolve; the one resolve notice is rank 0's, the other member holds it back
      Instant t2 = Instant.now();
      a.publish(new LogEntry(LogEntry.Type.RESOLVED, "inference-logs/canary", "wd-0", null, null, t2.toEpochMilli()));
      b.publish(new LogEntry(LogEntry.Type.RESOLVED, "inference-logs/canary", "wd-1", null, null, t2.toEpochMilli()));
      await().atMost(Duration.ofSeconds(10)).until(() -> m.logs.get(0).size() == 7 && m.logs.get(1).size() == 7);
      Alert resolvedA = new Alert(7, "inference-logs", "canary", Alert.State.RESOLVED, "", "", t0, t2);
      Alert resolvedB = new Alert(3, "inference-logs", "canary", Alert.State.RESOLVED, "", "", t0, t2);
      int rankA = a.rank();
      ClusterGate first = rankA == 0 ? ga : gb;
      ClusterGate second = rankA == 0 ? gb : ga;
      Alert firstAlert = rankA == 0 ? resolvedA : resolvedB;
      Alert secondAlert = rankA == 0 ? resolvedB : resolvedA;
      assertThat(first.admit(resolve(firstAlert.id(), t2), firstAlert, t2).verdict()).isEqualTo(PageGate.Verdict.SEND);
      assertThat(second.admit(resolve(secondAlert.id(), t2), secondAlert, t2).verdict()).isEqualTo(PageGate.Verdict.HOLD);
      first.sent(resolve(firstAlert.id(), t2), firstAlert, "SM9", t2);
      await().atMost(Duration.ofSeconds(10)).until(() -> second.admit(resolve(secondAlert.id(), t2), secondAlert,
          t2.plusSeconds(10)).verdict() == PageGate.Verdict.SKIP);
    }
  }

  @Test
  void aResolveNoticeWaitsWhileAnotherMemberStillSeesTheAlert() {
    try (Members m = new Members(2, PEER_TIMEOUT, 1)) {
      ClusterChannel a = m.startAll().get(0);
      ClusterChannel b = m.channels.get(1);
      ClusterGate ga = gate(a, 1);
      Instant t0 = Instant.now();
      b.publish(new LogEntry(LogEntry.Type.OPENED, "inference-logs/canary", "wd-1", null, null, t0.toEpochMilli()));
      a.publish(new LogEntry(LogEntry.Type.OPENED, "inference-logs/canary", "wd-0", null, null, t0.toEpochMilli()));
      Instant t1 = t0.plusSeconds(1);
      a.publish(new LogEntry(LogEntry.Type.RESOLVED, "inference-logs/canary", "wd-0", null, null, t1.toEpochMilli()));
      Alert resolved = new Alert(7, "inference-logs", "canary", Alert.State.RESOLVED, "", "", t0, t1);
      await().atMost(Duration.ofSeconds(10)).until(() -> m.logs.get(0).size() == 3);
      PageGate.Decision d = ga.admit(resolve(7, t1), resolved, t1.plusSeconds(60));
      assertThat(d.verdict()).isEqualTo(PageGate.Verdict.HOLD);
      assertThat(d.why()).isEqualTo("still firing on wd-1");
      assertThat(List.of(a.rank(), b.rank())).containsExactly(0, 1);
    }
  }
}
