package io.oobwatch.watchdog.config;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code cluster:} section: several oobwatch instances as one watchdog. Absent, oobwatch
 * runs alone exactly as without a cluster.
 */
final class ClusterSection {
  static final Duration PEER_TIMEOUT = Duration.ofSeconds(15);
  /** Shorter, and a member busy for a moment would page beside the one that should. */
  static final Duration SHORTEST_PEER_TIMEOUT = Duration.ofMillis(200);
  /** Longer, and a dead member's page waits longer than anyone would accept. */
  static final Duration LONGEST_PEER_TIMEOUT = Duration.ofMinutes(10);
  /** The secret keys the cluster's encryption: shorter is guessable. */
  static final int SHORTEST_SECRET = 16;

  private ClusterSection() {}

  static Config.Cluster read(Reader r, Reader.Obj o) {
    if (o == null) {
      return null;
    }
    String name = o.string("name", "oobwatch");
    if (name != null && !ConfigLoader.NAME.matcher(name).matches()) {
      o.error("name", "\"" + name + "\" is not a usable cluster name; use lower-case letters, digits, '-', '_' or '.'");
    }
    InetSocketAddress bind = address(o, "bind", o.requiredString("bind",
        "the address this member listens on for the others, e.g. bind: \"10.0.1.5:7800\""));
    List<InetSocketAddress> members = new ArrayList<>();
    List<YamlNode> items = o.list("members");
    if (!o.has("members")) {
      o.error("members", "missing required key \"members\"; list every member's bind address, this one included,"
          + " the same on every host, e.g. members: [\"10.0.1.5:7800\", \"10.0.2.7:7800\"]");
    }
    for (int i = 0; i < items.size(); i++) {
      String path = o.child("members[" + i + "]");
      String text = r.text(items.get(i), path);
      if (text == null) {
        continue;
      }
      InetSocketAddress a = ConfigLoader.hostPort(text);
      if (a == null) {
        r.error(items.get(i).mark(), path, "\"" + text + "\" is not HOST:PORT; write e.g. \"10.0.2.7:7800\"");
      } else if (members.contains(a)) {
        r.error(items.get(i).mark(), path, "\"" + text + "\" is listed twice; remove the duplicate");
      } else {
        members.add(a);
      }
    }
    if (bind != null && !members.isEmpty() && !members.contains(bind)) {
      o.error("bind", "\"" + bind.getHostString() + ":" + bind.getPort() + "\" is not in cluster.members; list every"
          + " member, this one included, the same on every host");
    }
    String secret = o.secret("secret", true);
    if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < SHORTEST_SECRET) {
      o.error(o.has("secret_file") ? "secret_file" : "secret", "the cluster secret is shorter than " + SHORTEST_SECRET
          + " bytes, which is guessable; write a random one, e.g. head -c 32 /dev/urandom | base64 > FILE,"
          + " and copy the same file to every member");
    }
    Duration peerTimeout = o.duration("peer_timeout", PEER_TIMEOUT, SHORTEST_PEER_TIMEOUT, LONGEST_PEER_TIMEOUT);
    int agree = o.integer("agree", 1, 1);
    if (!members.isEmpty() && agree > members.size()) {
      o.error("agree", "is " + agree + " but the cluster has " + members.size() + " member(s), so nothing could ever"
          + " page; use at most " + members.size());
    }
    o.done();
    return new Config.Cluster(name, bind, List.copyOf(members), secret, peerTimeout, agree);
  }

  private static InetSocketAddress address(Reader.Obj o, String key, String text) {
    if (text == null) {
      return null;
    }
    InetSocketAddress a = ConfigLoader.hostPort(text);
    if (a == null) {
      o.error(key, "\"" + text + "\" is not HOST:PORT; write e.g. \"10.0.1.5:7800\"");
    }
    return a;
  }
}
