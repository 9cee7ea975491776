package io.oobwatch.watchdog.cluster;

import io.oobwatch.watchdog.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jgroups.stack.Protocol;

/** Real JGroups members of one cluster on loopback, each on its own free port; closed together. */
final class Members implements AutoCloseable {
  static final String SECRET = "0123456789abcdef-test-cluster-secret";
  final List<InetSocketAddress> addresses = new ArrayList<>();
  final List<ClusterChannel> channels = new ArrayList<>();
  final List<NotificationLog> logs = new ArrayList<>();
  final Duration peerTimeout;
  final int agree;

  Members(int n, Duration peerTimeout, int agree) {
    this.peerTimeout = peerTimeout;
    this.agree = agree;
    for (int i = 0; i < n; i++) {
      addresses.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort()));
    }
  }

  Config.Cluster config(int i, String secret) {
    return new Config.Cluster("oobwatch-test", addresses.get(i), List.copyOf(addresses), secret, peerTimeout, agree);
  }

  /** Starts member {@code i} (named wd-i) with the shared secret and the extra protocols given. */
  ClusterChannel start(int i, Protocol... extra) {
    return start(i, SECRET, extra);
  }

  ClusterChannel start(int i, String secret, Protocol... extra) {
    NotificationLog log = new NotificationLog();
    ClusterChannel c = new ClusterChannel("wd-" + i, config(i, secret), log, Clock.systemUTC(), List.of(extra));
    channels.add(c);
    logs.add(log);
    c.start();
    return c;
  }

  /** Starts every member in order (wd-0 is the oldest: rank 0) and waits until each sees all of them. */
  List<ClusterChannel> startAll() {
    for (int i = 0; i < addresses.size(); i++) {
      start(i);
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> channels.stream().allMatch(c -> c.members().size() == addresses.size()));
    return List.copyOf(channels);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (ClusterChannel c : channels) {
      c.close();
    }
  }
}
