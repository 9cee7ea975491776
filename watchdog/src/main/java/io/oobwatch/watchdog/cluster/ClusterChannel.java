package io.oobwatch.watchdog.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.watchdog.config.Config;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This member's JGroups channel: one stack built in code (no XML), from the bottom: TCP on
 * {@code cluster.bind}; TCPPING over the static {@code cluster.members}; MERGE3 (partitions heal);
 * FD_SOCK2 (a killed process is noticed at once, its sockets close) and FD_ALL3 (a silent host,
 * after {@code peer_timeout}) with VERIFY_SUSPECT; SYM_ENCRYPT keyed from the secret file (every
 * message between members private and unforgeable; a stranger's join request cannot be read and
 * is dropped by the {@link StrangerGuard} below it, which logs "CLUSTER REFUSED X"); NAKACK2 and
 * UNICAST3 (reliable, ordered delivery), STABLE; AUTH with a
 * {@link SecretToken}, just below GMS (membership); FRAG4. Symmetric encryption from the shared
 * file rather than ASYM_ENCRYPT: no key ever travels, and nobody without the file can join, whereas
 * ASYM_ENCRYPT hands the group key to whoever the coordinator admits, so its safety would rest on
 * AUTH alone. AUTH sits where JGroups expects it, above the encryption (its check of a join
 * response reads the payload, which below the encryption is ciphertext).
 *
 * <p>What travels: facts of the {@link NotificationLog}, as JSON. Each fact is multicast once when
 * it is added here; after every view change each member sends its whole log, so a member that
 * joins late, restarts or comes back from a partition has the union of all logs within a moment.
 */
public final class ClusterChannel implements ClusterView, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterChannel.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<LogEntry>> FACTS = new TypeReference<>() {};

  /** How long after a view change each member sends its whole log. */
  static final long FULL_LOG_DELAY_MS = 500;

  private final String self;
  private final Config.Cluster config;
  private final NotificationLog notifications;
  private final Clock clock;
  private final JChannel channel;
  private final ScheduledExecutorService sender;
  private volatile List<String> members;
  /** Members that were in a view and are not any more, with when they left; in the order they left. */
  private final Map<String, Instant> left = new LinkedHashMap<>();
  /** Where each member that was ever in a view here listens ("10.0.2.7:7800"), by name. */
  private final Map<String, String> addressOf = new java.util.HashMap<>();
  private volatile Runnable changed = () -> { };
  /** Whether this member has been in a view with another member since it started (it was admitted). */
  private volatile boolean admitted;

  /**
   * @param self this instance's name, its name in the views
   * @param extra protocols put right above the transport (a test's DISCARD, to cut the network)
   */
  ClusterChannel(String self, Config.Cluster config, NotificationLog notifications, Clock clock, List<Protocol> extra) {
    this.self = self;
    this.config = config;
    this.notifications = notifications;
    this.clock = clock;
    this.members = List.of(self);
    try {
      this.channel = new JChannel(stack(config, extra)).name(self);
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the cluster channel on " + hostPort(config.bind()) + ": " + e, e);
    }
    this.sender = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "oobwatch-cluster-send");
      t.setDaemon(true);
      return t;
    });
    channel.setReceiver(new Receiver() {
      @Override
      public void receive(Message msg) {
        received(msg);
      }

      @Override
      public void viewAccepted(View view) {
        viewChanged(view);
      }
    });
  }

  public ClusterChannel(String self, Config.Cluster config, NotificationLog notifications, Clock clock) {
    this(self, config, notifications, clock, List.of());
  }

  /** A fresh log for {@link ClusterChannel}'s constructor (the log type stays this package's). */
  public static NotificationLog newLog() {
    return new NotificationLog();
  }

  /** Joins the cluster (or forms it, when no other member answers). */
  public void start() {
    try {
      channel.connect(config.name());
    } catch (Exception e) {
      throw new IllegalStateException("cannot join cluster " + config.name() + " on " + hostPort(config.bind()) + ": "
          + e.getMessage() + "; is the port free, and the address this host's?", e);
    }
    log.info("cluster {}: {} joined on {}; view {}", config.name(), self, hostPort(config.bind()), members);
    if (config.members().size() > 1) {
      try {
        sender.schedule(this::sayIfNotJoined, 3 * mergeInterval(config), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  // Members that answered discovery (it is in clear) but never formed a view with this one most
  // likely hold another secret or cluster name (which side is wrong, neither can know). Judged
  // after three merge rounds, so two members that started at once, each alone, have merged by then;
  // a member that was in a view with another since it started was admitted (a partition since is
  // not a refusal).
  private void sayIfNotJoined() {
    if (admitted) {
      return;
    }
    Object mappings = channel.down(new org.jgroups.Event(org.jgroups.Event.GET_LOGICAL_PHYSICAL_MAPPINGS, true));
    if (!(mappings instanceof Map<?, ?> seen)) {
      return;
    }
    List<String> others = seen.keySet().stream().map(String::valueOf).filter(n -> !n.equals(self)).sorted().toList();
    if (!others.isEmpty()) {
      log.error("CLUSTER NOT JOINED: {} is alone in cluster {} though {} answer(s) on the network: this member or"
          + " they hold another cluster.secret_file or cluster.name (the side that logs CLUSTER REFUSED names the"
          + " other); give every member the same. Meanwhile it watches and pages on its own.", self, config.name(),
          String.join(", ", others));
    }
  }

  /** The longest wait between two MERGE3 rounds: peer_timeout, within 1 s to 30 s. */
  private static long mergeInterval(Config.Cluster c) {
    return Math.max(1000, Math.min(c.peerTimeout().toMillis(), 30_000));
  }

  /** Called after facts from another member were added (an ack to apply, a page to hold back). */
  void onChange(Runnable r) {
    this.changed = r;
  }

  @Override
  public String self() {
    return self;
  }

  @Override
  public List<String> members() {
    return members;
  }

  /** Members that left the view, with when; cleared for a member when it comes back. */
  public synchronized Map<String, Instant> left() {
    return new LinkedHashMap<>(left);
  }

  public Config.Cluster config() {
    return config;
  }

  /**
   * The members of {@code cluster.members} (but this one) that nobody in the view listens on: by
   * name when one was in a view here, else by address. A member taken out of the list is not here.
   */
  public synchronized List<String> absent() {
    java.util.Set<String> listening = new java.util.HashSet<>();
    for (String m : members) {
      String at = addressOf.get(m);
      if (at != null) {
        listening.add(at);
      }
    }
    String bind = resolved(config.bind());
    List<String> out = new ArrayList<>();
    for (InetSocketAddress a : config.members()) {
      String at = resolved(a);
      if (!at.equals(bind) && !listening.contains(at)) {
        out.add(addressOf.entrySet().stream().filter(e -> e.getValue().equals(at)).map(Map.Entry::getKey).findFirst()
            .orElse(hostPort(a)));
      }
    }
    return out;
  }

  private static String resolved(InetSocketAddress a) {
    try {
      return InetAddress.getByName(a.getHostString()).getHostAddress() + ":" + a.getPort();
    } catch (UnknownHostException e) {
      return hostPort(a);
    }
  }

  /** Bytes this member sent and received on the cluster's transport since it started. */
  public record Traffic(long sent, long received) {}

  public Traffic traffic() {
    var stats = channel.getProtocolStack().getTransport().getMessageStats();
    return new Traffic(stats.getNumBytesSent(), stats.getNumBytesReceived());
  }

  /** Adds a fact here and tells the other members. */
  void publish(LogEntry fact) {
    if (notifications.add(fact)) {
      send(List.of(fact));
    }
  }

  NotificationLog notifications() {
    return notifications;
  }

  JChannel jgroups() {
    return channel;
  }

  private void send(Collection<LogEntry> facts) {
    send(facts, 0);
  }

  private void send(Collection<LogEntry> facts, long delayMs) {
    if (facts.isEmpty()) {
      return;
    }
    try {
      sender.schedule(() -> {
        try {
          byte[] body = JSON.writeValueAsBytes(new ArrayList<>(facts));
          channel.send(new org.jgroups.BytesMessage(null, body));
        } catch (Exception e) {
          // the next view change sends the whole log again; meanwhile the others page on their own
          log.warn("cluster {}: could not send {} fact(s) to the others: {}", config.name(), facts.size(), e.toString());
        }
      }, delayMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private void received(Message msg) {
    if (self.equals(String.valueOf(msg.getSrc()))) {
      return;
    }
    List<LogEntry> facts;
    try {
      facts = JSON.readValue(new String(msg.getArray(), msg.getOffset(), msg.getLength(), StandardCharsets.UTF_8), FACTS);
    } catch (IOException | RuntimeException e) {
      log.warn("cluster {}: unreadable message from {} ignored: {}", config.name(), msg.getSrc(), e.getMessage());
      return;
    }
    if (!notifications.addAll(facts).isEmpty()) {
      changed.run();
    }
  }

  private void viewChanged(View view) {
    List<String> now = view.getMembers().stream().map(Address::toString).toList();
    List<String> before = members;
    members = now;
    admitted = admitted || now.size() > 1;
    Instant at = clock.instant();
    synchronized (this) {
      for (Address a : view.getMembers()) {
        if (channel.down(new org.jgroups.Event(org.jgroups.Event.GET_PHYSICAL_ADDRESS, a))
            instanceof org.jgroups.stack.IpAddress ip) {
          addressOf.put(a.toString(), ip.getIpAddress().getHostAddress() + ":" + ip.getPort());
        }
      }
      for (String m : before) {
        if (!now.contains(m)) {
          left.put(m, at);
          log.warn("cluster {}: {} LEFT the cluster; view now {}", config.name(), m, now);
        }
      }
      for (String m : now) {
        if (left.remove(m) != null) {
          log.info("cluster {}: {} is back; view now {}", config.name(), m, now);
        }
      }
    }
    if (view instanceof MergeView) {
      log.info("cluster {}: partition healed, logs reconciled; view {}", config.name(), now);
    } else {
      log.info("cluster {}: view {} (this member {} is rank {})", config.name(), now, self, now.indexOf(self));
    }
    // whoever is new, or back from the other side of a partition, gets everything this member knows,
    // once the view is installed everywhere (a joiner drops what reaches it before its join completes)
    if (now.size() > 1) {
      send(notifications.all(), FULL_LOG_DELAY_MS);
    }
    changed.run();
  }

  private static Protocol[] stack(Config.Cluster c, List<Protocol> extra) throws UnknownHostException,
      GeneralSecurityException {
    InetAddress bindAddr = InetAddress.getByName(c.bind().getHostString());
    List<InetSocketAddress> hosts = new ArrayList<>();
    for (InetSocketAddress m : c.members()) {
      hosts.add(new InetSocketAddress(InetAddress.getByName(m.getHostString()), m.getPort()));
    }
    long timeout = c.peerTimeout().toMillis();
    TCP tcp = new TCP();
    tcp.setValue("bind_addr", bindAddr);
    tcp.setValue("bind_port", c.bind().getPort());
    tcp.setValue("port_range", 0);
    // the transport's connections to the others leave from bind too, not from whatever address the
    // route picks: a firewall rule written for the members' addresses holds both ways, and a
    // multi-homed host talks to the others on the network it was told to (FD_SOCK2's own sockets
    // have no such setting; they leave by the route)
    tcp.setClientBindAddr(bindAddr);
    // bytes and messages sent and received (counters only), for traffic(): what the cluster costs
    tcp.enableStats(true);
    tcp.getMessageStats().enable(true);
    TCPPING ping = new TCPPING();
    ping.setInitialHosts(hosts);
    ping.setPortRange(0);
    List<Protocol> p = new ArrayList<>();
    p.add(tcp);
    p.addAll(extra);
    p.add(ping);
    long mergeMax = mergeInterval(c);
    p.add(new MERGE3().setMinInterval(mergeMax / 4).setMaxInterval(mergeMax));
    p.add(new FD_SOCK2().setOffset(100));
    p.add(new FD_ALL3().setTimeout(Math.max(timeout, 600)).setInterval(Math.max(timeout / 4, 100)));
    p.add(new VERIFY_SUSPECT().setTimeout(Math.max(Math.min(timeout / 2, 1500), 200)));
    SYM_ENCRYPT encrypt = new SYM_ENCRYPT();
    encrypt.setSecretKey(new SecretKeySpec(derive(c, "encryption"), "AES"));
    p.add(new StrangerGuard(encrypt, c.name()));
    p.add(encrypt);
    p.add(new NAKACK2());
    p.add(new UNICAST3());
    p.add(new STABLE());
    AUTH auth = new AUTH();
    auth.setAuthToken(new SecretToken(derive(c, "auth")));
    p.add(auth);
    p.add(new GMS().setJoinTimeout(Math.max(Math.min(timeout, 2000), 500)));
    p.add(new FRAG4());
    return p.toArray(new Protocol[0]);
  }

  /** A 256-bit key for one use, derived from the shared secret and the cluster's name. */
  static byte[] derive(Config.Cluster c, String use) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(c.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return mac.doFinal(("oobwatch cluster " + use + " " + c.name()).getBytes(StandardCharsets.UTF_8));
  }

  static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  @Override
  public void close() {
    sender.shutdown();
    try {
      sender.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channel.close();
  }
}
