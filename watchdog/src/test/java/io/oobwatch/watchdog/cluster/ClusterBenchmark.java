package io.oobwatch.watchdog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.page.PageDispatcher;
import io.oobwatch.watchdog.page.PageGate;
import io.oobwatch.watchdog.page.Pauses;
import io.oobwatch.watchdog.page.RecordingPager;
import io.oobwatch.watchdog.store.Stores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jgroups.protocols.DISCARD;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the cluster costs: the time from an alert to its page with 1 member and with 3 (rank 0
 * sending, and rank 1 sending because rank 0 does not see the condition), the cluster's bytes per
 * second when idle (at a 2 s peer_timeout, and at the default 15 s on its own), and the time from a healed partition to one view. Real JGroups channels on
 * loopback, the real dispatcher, gate and sync, SQLite stores. Prints its numbers; they are
 * recorded by hand in benchmarks/results.md. Run:
 * {@code mvn -B -pl watchdog -am verify -Pbenchmark -Dtest=ClusterBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class ClusterBenchmark {
  static final Duration PEER_TIMEOUT = Duration.ofSeconds(2);
  static final int RUNS = 5;

  @TempDir Path dir;

  /** One member's paging side: its store, alerts, dispatcher (with the cluster's gate) and sync. */
  static final class Node implements AutoCloseable {
    final Stores store;
    final RecordingPager pager = new RecordingPager();
    final List<Long> sentAt = new java.util.concurrent.CopyOnWriteArrayList<>();
    final PageDispatcher dispatcher;
    final Alerts alerts;
    final ClusterSync sync;
    final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();

    Node(Path dir, String name, ClusterChannel channel) {
      store = Stores.open(dir.resolve(name));
      ClusterGate gate = channel == null ? null : ClusterGate.of(channel);
      io.oobwatch.watchdog.page.Pager timed = new io.oobwatch.watchdog.page.Pager() {
        @Override
        public String send(io.oobwatch.watchdog.page.Page page) throws io.oobwatch.watchdog.page.PageException {
          sentAt.add(System.nanoTime());
          return pager.send(page);
        }

        @Override
        public String describe() {
          return "timed";
        }
      };
      dispatcher = new PageDispatcher(store.outbox(), timed, Clock.systemUTC(), PageDispatcher.Settings.plain(name),
          Pauses.NONE, gate == null ? PageGate.ALONE : gate);
      alerts = new Alerts(name, store.alerts(), null, Clock.systemUTC(), dispatcher::wake);
      dispatcher.start();
      sync = channel == null ? null : new ClusterSync(channel, gate, store.alerts(), alerts, Clock.systemUTC());
      if (sync != null) {
        ticks.scheduleWithFixedDelay(sync::tick, 0, 200, TimeUnit.MILLISECONDS);
      }
    }

    void raise(String subject) {
      alerts.raise(subject, Rule.CANARY, "store", "canary lost", a -> "ALERT " + a.id() + " " + subject);
    }

    @Override
    public void close() {
      ticks.shutdownNow();
      dispatcher.close();
      store.close();
    }
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  /** Seconds from raising the alert on {@code raisers} until the first page of the run, over every node. */
  static List<Double> pageLatencies(List<Node> nodes, List<Node> raisers, String prefix) {
    List<Double> out = new ArrayList<>();
    for (int run = 0; run < RUNS; run++) {
      int before = nodes.stream().mapToInt(n -> n.sentAt.size()).sum();
      long t0 = System.nanoTime();
      String subject = prefix + "-" + run;
      raisers.forEach(n -> n.raise(subject));
      await().atMost(Duration.ofSeconds(30)).until(() -> nodes.stream().mapToInt(n -> n.sentAt.size()).sum() > before);
      long first = nodes.stream().flatMap(n -> n.sentAt.stream()).filter(t -> t >= t0).min(Long::compare).orElseThrow();
      out.add((first - t0) / 1e9);
      // every member's turn passes; exactly one page went out
      await().during(PEER_TIMEOUT.multipliedBy(3)).atMost(PEER_TIMEOUT.multipliedBy(4))
          .until(() -> nodes.stream().mapToInt(n -> n.sentAt.size()).sum() == before + 1);
    }
    return out;
  }

  /**
   * Bytes per second the members send together with nothing to say but heartbeats, merge probes
   * and stability messages, over {@code seconds} (several merge rounds: MERGE3's longest interval is
   * peer_timeout, at most 30 s).
   */
  static void idleTraffic(Members m, long seconds) throws InterruptedException {
    long before = m.channels.stream().mapToLong(c -> c.traffic().sent()).sum();
    Thread.sleep(seconds * 1000);
    long after = m.channels.stream().mapToLong(c -> c.traffic().sent()).sum();
    System.out.printf("BENCH idle: %.0f bytes/s sent by the %d members together (%d s, peer_timeout %s)%n",
        (after - before) / (double) seconds, m.channels.size(), seconds, m.channels.get(0).config().peerTimeout());
  }

  /** The idle cost at the default peer_timeout (15 s): heartbeats every 3.75 s, merge probes within 15 s. */
  @Test
  void idleTrafficAtTheDefaultPeerTimeout() throws Exception {
    try (Members m = new Members(3, Duration.ofSeconds(15), 1)) {
      m.startAll();
      idleTraffic(m, 120);
    }
  }

  @Test
  void pageLatencyIdleTrafficAndMergeTime() throws Exception {
    // 1 member
    List<Double> alone;
    try (Node n = new Node(dir, "alone", null)) {
      alone = pageLatencies(List.of(n), List.of(n), "alone");
    }
    System.out.printf("BENCH 1 member: page latency median %.3f s, max %.3f s%n", median(alone),
        alone.stream().max(Double::compare).orElseThrow());

    DISCARD[] cuts = {new DISCARD(), new DISCARD(), new DISCARD()};
    try (Members m = new Members(3, PEER_TIMEOUT, 1)) {
      for (int i = 0; i < 3; i++) {
        m.start(i, cuts[i]);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> m.channels.stream().allMatch(c -> c.members().size() == 3));
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        nodes.add(new Node(dir, "wd-" + i, m.channels.get(i)));
      }
      try {
        List<Double> all = pageLatencies(nodes, nodes, "all");
        List<Double> rank1 = pageLatencies(nodes, nodes.subList(1, 3), "rank1");
        System.out.printf("BENCH 3 members, all see it (rank 0 pages): median %.3f s, max %.3f s%n", median(all),
            all.stream().max(Double::compare).orElseThrow());
        System.out.printf("BENCH 3 members, rank 0 does not see it (rank 1 pages after peer_timeout %s): median %.3f s,"
            + " max %.3f s%n", PEER_TIMEOUT, median(rank1), rank1.stream().max(Double::compare).orElseThrow());
        assertThat(median(all)).isLessThan(PEER_TIMEOUT.toMillis() / 1000.0);

        idleTraffic(m, 60);

        List<Double> merges = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
          cuts[2].discardAll(true);
          await().atMost(Duration.ofSeconds(60)).until(() -> m.channels.get(0).members().size() == 2
              && m.channels.get(2).members().size() == 1);
          cuts[2].discardAll(false);
          long healed = System.nanoTime();
          await().atMost(Duration.ofSeconds(120)).until(() -> m.channels.stream().allMatch(c -> c.members().size() == 3));
          merges.add((System.nanoTime() - healed) / 1e9);
        }
        System.out.printf("BENCH merge after a partition heals: %s s (peer_timeout %s)%n", merges, PEER_TIMEOUT);
      } finally {
        nodes.forEach(Node::close);
      }
    }
  }
}
