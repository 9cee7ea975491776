package io.oobwatch.watchdog.daemon;

import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.page.ConsolePager;
import io.oobwatch.watchdog.page.PageDispatcher;
import io.oobwatch.watchdog.page.Pager;
import io.oobwatch.watchdog.page.TwilioPager;
import io.oobwatch.watchdog.schedule.PipelineWatch;
import io.oobwatch.watchdog.schedule.SignalWatch;
import io.oobwatch.watchdog.server.StatusServer;
import io.oobwatch.watchdog.store.SqliteStore;
import io.oobwatch.watchdog.store.Store;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running watchdog, and the one place that wires its object graph with plain constructors:
 * store → pager → dispatcher → alerts → one watch per pipeline (probes from the factory) → status
 * server. Each pipeline is ticked on its own thread, so a slow store in one pipeline does not
 * delay another.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);
  /** Judged canaries are kept this long (at least 8 days, for same-time-last-week baselines). */
  static final Duration HISTORY = Duration.ofDays(9);

  private final Config config;
  private final Clock clock;
  private final Store store;
  private final PageDispatcher dispatcher;
  private final List<PipelineWatch> watches = new ArrayList<>();
  /** Freshness, volume and consumer-lag checks: one watch per pipeline that has any. */
  private final List<SignalWatch> signalWatches = new ArrayList<>();
  private final List<AutoCloseable> probes = new ArrayList<>();
  private final ScheduledExecutorService scheduler;
  private final StatusServer server;

  private Daemon(Config config, Clock clock, PrintStream console, InetSocketAddress listen) {
    this.config = config;
    this.clock = clock;
    this.store = SqliteStore.open(config.stateDir());
    try {
      Config.Paging paging = config.paging();
      Pager pager = paging == null || paging.twilio() == null ? new ConsolePager(console) : new TwilioPager(paging.twilio());
      this.dispatcher = new PageDispatcher(store, pager, clock);
      Alerts alerts = new Alerts(config.instance(), store, paging, clock, dispatcher::wake);
      ProbeFactory factory = new ProbeFactory(clock);
      for (Config.Pipeline p : config.pipelines()) {
        if (p.canary() != null) {
          ProbeFactory.Tracked tracked = factory.tracker(p);
          probes.add(tracked);
          watches.add(new PipelineWatch(config.instance(), p, tracked.tracker(), store, alerts, clock));
        }
        if (!p.checks().isEmpty()) {
          SignalWatch sw = new SignalWatch(config.instance(), p, factory.signals(p), store, alerts, clock);
          probes.add(sw::closeProbes);
          signalWatches.add(sw);
        }
      }
      AtomicInteger n = new AtomicInteger();
      this.scheduler = Executors.newScheduledThreadPool(watches.size() + signalWatches.size() + 1, r -> {
        Thread t = new Thread(r, "oobwatch-eval-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      InetSocketAddress address = listen == null ? config.http().listen() : listen;
      if (address.isUnresolved()) {
        address = new InetSocketAddress(address.getHostString(), address.getPort());
      }
      try {
        this.server = StatusServer.start(address, new DaemonStatus(config, clock, store, watches, dispatcher, signalWatches));
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
  }

  /** Starts watching every pipeline and serving status; pages left unsent by a previous run go out now. */
  public static Daemon start(Config config, Clock clock, PrintStream console, InetSocketAddress listen) {
    Daemon d = new Daemon(config, clock, console, listen);
    d.dispatcher.start();
    for (PipelineWatch w : d.watches) {
      long pollMs = config.pipelines().stream().filter(p -> p.name().equals(w.name())).findFirst()
          .orElseThrow().canary().poll().toMillis();
      d.scheduler.scheduleWithFixedDelay(w::tick, 0, pollMs, TimeUnit.MILLISECONDS);
    }
    for (SignalWatch w : d.signalWatches) {
      d.scheduler.scheduleWithFixedDelay(w::tick, 0, w.every().toMillis(), TimeUnit.MILLISECONDS);
    }
    d.scheduler.scheduleWithFixedDelay(() -> d.store.prune(clock.instant().minus(HISTORY)), 1, 60, TimeUnit.MINUTES);
    log.info("oobwatch {} watching {} pipeline(s); paging via {}; status on http://{}", config.instance(),
        d.watches.size(), d.dispatcher.pager().describe(), hostPort(d.server.address()));
    return d;
  }

  public InetSocketAddress httpAddress() {
    return server.address();
  }

  public Store store() {
    return store;
  }

  public List<PipelineWatch> watches() {
    return List.copyOf(watches);
  }

  public List<SignalWatch> signalWatches() {
    return List.copyOf(signalWatches);
  }

  static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  @Override
  public void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (server != null) {
      server.close();
    }
    if (dispatcher != null) {
      dispatcher.close();
    }
    for (AutoCloseable p : probes) {
      try {
        p.close();
      } catch (Exception e) {
        log.warn("closing a probe: {}", e.toString());
      }
    }
    store.close();
  }
}
