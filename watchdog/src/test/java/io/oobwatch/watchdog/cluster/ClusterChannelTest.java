package io.oobwatch.watchdog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterChannelTest {

  @Test
  void threeMembersFormOneViewRankedByAgeAndShareEveryFact() {
    try (Members m = new Members(3, Duration.ofSeconds(1), 1)) {
      ClusterChannel a = m.start(0);
      ClusterChannel b = m.start(1);
      ClusterChannel c = m.start(2);
      await().atMost(Duration.ofSeconds(20)).until(() -> c.members().size() == 3 && a.members().size() == 3);
      assertThat(a.members()).containsExactly("wd-0", "wd-1", "wd-2");
      assertThat(List.of(a.rank(), b.rank(), c.rank())).containsExactly(0, 1, 2);

      b.publish(new LogEntry(LogEntry.Type.PAGED, "inference-logs/canary", "wd-1", "e0:s0:sms:alice", "SM1", 1000));
      await().atMost(Duration.ofSeconds(10)).until(() -> m.logs.get(0).size() == 1 && m.logs.get(2).size() == 1);
      assertThat(m.logs.get(2).sent("inference-logs/canary", "e0:s0:sms:alice", java.time.Instant.EPOCH))
          .map(LogEntry::detail).contains("SM1");
    }
  }

  @Test
  void aMemberThatStartsLateGetsTheWholeLog() {
    try (Members m = new Members(2, Duration.ofSeconds(1), 1)) {
      ClusterChannel a = m.start(0);
      a.publish(new LogEntry(LogEntry.Type.OPENED, "backup/heartbeat", "wd-0", null, null, 500));
      a.publish(new LogEntry(LogEntry.Type.PAGED, "backup/heartbeat", "wd-0", "e0:s0:sms:alice", "SM7", 600));
      ClusterChannel b = m.start(1);
      await().atMost(Duration.ofSeconds(20)).until(() -> b.members().size() == 2);
      await().atMost(Duration.ofSeconds(10)).until(() -> m.logs.get(1).size() == 2);
      assertThat(m.logs.get(1).firing("backup/heartbeat", List.of("wd-0", "wd-1"))).containsExactly("wd-0");
    }
  }

  @Test
  void aStrangerWithoutTheSecretIsRefusedAndBothLogsSaySo() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(new TeeStream(err, captured), true, StandardCharsets.UTF_8));
    try (Members m = new Members(2, Duration.ofSeconds(1), 1)) {
      ClusterChannel a = m.start(0);
      ClusterChannel stranger = m.start(1, "another-secret-of-32-characters!!");
      a.publish(new LogEntry(LogEntry.Type.OPENED, "backup/heartbeat", "wd-0", null, null, 500));
      await().atMost(Duration.ofSeconds(20))
          .until(() -> captured.toString(StandardCharsets.UTF_8)
              .contains("CLUSTER REFUSED wd-1 on cluster oobwatch-test: it does not hold this cluster's secret"));
      // and the stranger says so in its own log, after three merge rounds (1 s each here)
      await().atMost(Duration.ofSeconds(20)).until(() -> captured.toString(StandardCharsets.UTF_8)
          .contains("CLUSTER NOT JOINED: wd-1 is alone in cluster oobwatch-test though wd-0 answer(s) on the network"));
      assertThat(a.members()).containsExactly("wd-0");
      assertThat(stranger.members()).containsExactly("wd-1");
      assertThat(m.logs.get(1).size()).isZero();
    } finally {
      System.setErr(err);
    }
  }

  /** Writes to the real stream and keeps a copy. */
  static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final ByteArrayOutputStream b;

    TeeStream(java.io.OutputStream a, ByteArrayOutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int x) throws java.io.IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
