package io.oobwatch.watchdog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.store.Silence;
import io.oobwatch.watchdog.store.Stores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Silences replicate like acks: real JGroups channels on loopback, each member with its own SQLite state. */
class ClusterSilenceTest {
  static final Duration PEER_TIMEOUT = Duration.ofSeconds(2);
  static final Duration SOON = Duration.ofSeconds(30);

  @TempDir Path dir;
  final List<Stores> stores = new ArrayList<>();
  final List<Alerts> alerts = new ArrayList<>();
  final List<ClusterSync> syncs = new ArrayList<>();

  @AfterEach
  void close() {
    stores.forEach(Stores::close);
  }

  /** Member i's alerts and sync over its channel, on its own state file. */
  void member(ClusterChannel c, int i) {
    Stores s = Stores.open(dir.resolve("wd-" + i));
    Alerts a = new Alerts("wd-" + i, s.alerts(), null, Clock.systemUTC(), () -> { });
    stores.add(s);
    alerts.add(a);
    syncs.add(new ClusterSync(c, ClusterGate.of(c), s.alerts(), a, Clock.systemUTC()));
  }

  /** Runs every member's sync pass (the daemon runs it each second) and asks again. */
  boolean afterSync(java.util.function.BooleanSupplier condition) {
    syncs.forEach(ClusterSync::tick);
    return condition.getAsBoolean();
  }

  List<String> silenced(int i) {
    return alerts.get(i).silences().stream().map(Silence::subject).toList();
  }

  @Test
  void aSilenceTakenOnOneMemberHoldsOnEveryMemberAndLiftingItOnAnotherLiftsItEverywhere() {
    try (Members m = new Members(2, PEER_TIMEOUT, 1)) {
      List<ClusterChannel> cs = m.startAll();
      member(cs.get(0), 0);
      member(cs.get(1), 1);

      Silence taken = alerts.get(0).silence("inference-logs", Duration.ofHours(2), "kafka upgrade", "api");
      await().atMost(SOON).until(() -> afterSync(() -> silenced(1).equals(List.of("inference-logs"))));
      Silence copy = alerts.get(1).silences().get(0);
      assertThat(copy.from().toEpochMilli()).isEqualTo(taken.from().toEpochMilli());
      assertThat(copy.until().toEpochMilli()).isEqualTo(taken.until().toEpochMilli());
      assertThat(copy.reason()).isEqualTo("kafka upgrade");
      assertThat(copy.by()).isEqualTo("api on wd-0");

      // more passes take it no second time, on either member
      for (int i = 0; i < 3; i++) {
        syncs.forEach(ClusterSync::tick);
      }
      assertThat(silenced(0)).containsExactly("inference-logs");
      assertThat(silenced(1)).containsExactly("inference-logs");

      // lifted on the member that did not take it
      alerts.get(1).endSilence(copy.id(), "api");
      await().atMost(SOON).until(() -> afterSync(() -> silenced(0).isEmpty()));
      assertThat(silenced(1)).isEmpty();
    }
  }

  @Test
  void aMemberThatJoinsLateTakesTheSilencesInForceButNotOnesLiftedOrOver() {
    try (Members m = new Members(2, PEER_TIMEOUT, 1)) {
      ClusterChannel first = m.start(0);
      member(first, 0);
      alerts.get(0).silence("inference-logs", Duration.ofHours(2), "kafka upgrade", "api");
      Silence lifted = alerts.get(0).silence("training-logs", Duration.ofHours(1), "reindex", "api");
      syncs.get(0).tick();
      alerts.get(0).endSilence(lifted.id(), "api");
      syncs.get(0).tick();

      ClusterChannel late = m.start(1);
      member(late, 1);
      await().atMost(SOON).until(() -> late.members().size() == 2);
      await().atMost(SOON).until(() -> afterSync(() -> silenced(1).contains("inference-logs")));
      syncs.forEach(ClusterSync::tick);
      assertThat(silenced(1)).containsExactly("inference-logs");
      assertThat(silenced(0)).containsExactly("inference-logs");
    }
  }
}
