package io.oobwatch.watchdog.self;

import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.status.SelfStatus;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * oobwatch watching itself from the outside in: the dead man's switch ping and the peer checks,
 * on their own threads (not the evaluation threads), each bounded by its timeout, so neither a
 * hanging peer nor a hanging ping target can delay a canary or the other checks for long.
 */
public final class SelfWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SelfWatch.class);

  private final Config.Self config;
  private final DeadMansSwitch deadMansSwitch;
  private final List<PeerWatch> peers = new ArrayList<>();
  private final ScheduledExecutorService threads;

  public SelfWatch(String instance, Config.Self config, Alerts alerts, Clock clock) {
    this.config = config;
    Duration connect = Duration.ofSeconds(5);
    for (Config.Peer p : config.peers()) {
      connect = min(connect, p.timeout());
    }
    if (config.deadMansSwitch() != null) {
      connect = min(connect, config.deadMansSwitch().timeout());
    }
    HttpClient http = config.peers().isEmpty() && config.deadMansSwitch() == null ? null
        : HttpClient.newBuilder().connectTimeout(connect).followRedirects(HttpClient.Redirect.NORMAL).build();
    this.deadMansSwitch = config.deadMansSwitch() == null ? null : new DeadMansSwitch(config.deadMansSwitch(), http, clock);
    for (Config.Peer p : config.peers()) {
      peers.add(new PeerWatch(instance, p, http, alerts, clock));
    }
    int n = peers.size() + (deadMansSwitch == null ? 0 : 1);
    this.threads = n == 0 ? null : Executors.newScheduledThreadPool(Math.min(n, 2), r -> {
      Thread t = new Thread(r, "oobwatch-self");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts pinging and checking. The first ping goes out at once (whoever watches the switch
   * learns of a restart); the first peer check after one period (the peer may be starting too).
   *
   * @param degraded why oobwatch is degraded (stalled loop, paging failing), or null when well
   */
  public void start(Supplier<String> degraded) {
    if (threads == null) {
      return;
    }
    if (deadMansSwitch != null) {
      long every = config.deadMansSwitch().every().toMillis();
      threads.scheduleWithFixedDelay(() -> guard("dead man's switch", () -> deadMansSwitch.ping(degraded)),
          0, every, TimeUnit.MILLISECONDS);
    }
    for (PeerWatch p : peers) {
      long every = p.peer().every().toMillis();
      threads.scheduleWithFixedDelay(() -> guard(p.subject(), p::check), every, every, TimeUnit.MILLISECONDS);
    }
    log.info("self-monitoring: {}; {} peer(s)", deadMansSwitch == null ? "no dead man's switch"
        : "dead man's switch " + deadMansSwitch.masked() + " every " + Durations.format(config.deadMansSwitch().every()),
        peers.size());
  }

  /** A scheduled task that throws is never run again; so nothing may escape. */
  private static void guard(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("{}: check failed: {}", what, e.toString(), e);
    }
  }

  /** The peers' alert rules, for {@link Alerts#retire}. */
  public List<Alerts.Watched> watched() {
    return peers.stream().map(p -> new Alerts.Watched(p.subject(), Rule.PEER)).toList();
  }

  /** What /status shows under "self": each check's state as of its last run. */
  public SelfStatus status() {
    return new SelfStatus(Durations.format(config.stalledAfter()),
        deadMansSwitch == null ? null : deadMansSwitch.status(), peers.stream().map(PeerWatch::status).toList());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    if (threads != null) {
      threads.shutdownNow();
      try {
        threads.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
