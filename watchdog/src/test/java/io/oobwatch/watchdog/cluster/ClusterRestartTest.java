package io.oobwatch.watchdog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who left the cluster is known in memory only: a member restarted with the "left the cluster"
 * alert open awaits the members of cluster.members, and not one taken out of the list. Real
 * JGroups channels on loopback, real SQLite state.
 */
class ClusterRestartTest {
  static final Duration PEER_TIMEOUT = Duration.ofSeconds(2);

  @TempDir Path dir;
  final TestClock clock = new TestClock(Instant.now());
  Stores stores;
  Alerts alerts;

  @AfterEach
  void close() {
    if (stores != null) {
      stores.close();
    }
  }

  /** wd-0's state as it was before a restart: the alert that wd-1 left is open. */
  long leftOpenBeforeRestart() {
    try (Stores before = Stores.open(dir)) {
      Alerts a = new Alerts("wd-0", before.alerts(), null, clock, () -> { });
      return a.raise(ClusterSync.SUBJECT, Rule.MEMBER_LEFT, "", "wd-1 left the cluster 5m ago (03:00Z)",
          x -> "ALERT " + x.id()).id();
    }
  }

  /** wd-0 after the restart, on its channel. */
  ClusterSync restarted(ClusterChannel c) {
    stores = Stores.open(dir);
    alerts = new Alerts("wd-0", stores.alerts(), null, clock, () -> { });
    return new ClusterSync(c, ClusterGate.of(c), stores.alerts(), alerts, clock);
  }

  Alert.State state(long id) {
    return stores.alerts().alert(id).orElseThrow().state();
  }

  @Test
  void aRestartedMemberKeepsTheAlertOpenWhileAListedMemberIsStillAwayAndResolvesItWhenItIsBack() {
    long id = leftOpenBeforeRestart();
    try (Members m = new Members(2, PEER_TIMEOUT, 1)) {
      ClusterChannel self = m.start(0);
      ClusterSync sync = restarted(self);
      assertThat(self.absent()).containsExactly(ClusterChannel.hostPort(m.addresses.get(1)));

      sync.tick();
      assertThat(state(id)).as("not resolved while the view may still be forming").isEqualTo(Alert.State.FIRING);
      clock.advance(PEER_TIMEOUT.plusSeconds(1));
      sync.tick();
      assertThat(state(id)).as("wd-1 is listed and still away").isEqualTo(Alert.State.FIRING);

      m.start(1);
      await().atMost(Duration.ofSeconds(30)).until(() -> self.members().size() == 2);
      assertThat(self.absent()).isEmpty();
      sync.tick();
      assertThat(state(id)).isEqualTo(Alert.State.RESOLVED);
    }
  }

  @Test
  void aMemberTakenOutOfClusterMembersIsNotAwaitedAndItsAlertResolvesAtStart() {
    long id = leftOpenBeforeRestart();
    try (Members m = new Members(1, PEER_TIMEOUT, 1)) {
      ClusterChannel self = m.start(0);
      ClusterSync sync = restarted(self);
      assertThat(self.absent()).isEmpty();
      sync.tick();
      assertThat(state(id)).isEqualTo(Alert.State.RESOLVED);
    }
  }
}
