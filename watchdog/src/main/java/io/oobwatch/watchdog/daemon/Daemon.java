package io.oobwatch.watchdog.daemon;

import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.page.ConsolePager;
import io.oobwatch.watchdog.page.PageDispatcher;
import io.oobwatch.watchdog.page.Pager;
import io.oobwatch.watchdog.page.TwilioPager;
import io.oobwatch.watchdog.schedule.PipelineWatch;
import io.oobwatch.watchdog.self.SelfWatch;
import io.oobwatch.watchdog.server.StatusServer;
import io.oobwatch.watchdog.store.SqliteStore;
import io.oobwatch.watchdog.store.Store;
import io.oobwatch.watchdog.systemd.SystemdNotifier;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running watchdog, and the one place that wires its object graph with plain constructors:
 * store → pager → dispatcher → alerts → one watch per pipeline (probes from the factory) → status
 * server → self-monitoring (dead man's switch, peers) → systemd notification. Each pipeline is
 * ticked on its own thread, so a slow store in one pipeline does not delay another.
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
  private final List<AutoCloseable> probes = new ArrayList<>();
  private final ScheduledExecutorService scheduler;
  private final StatusServer server;
  private final SelfWatch self;
  private final DaemonStatus status;
  private SystemdNotifier notifier;

  private Daemon(Config config, Clock clock, PrintStream console, InetSocketAddress listen) {
    this.config = config;
    this.clock = clock;
    this.store = SqliteStore.open(config.stateDir());
    try {
      Config.Paging paging = config.paging();
      Pager pager = paging == null || paging.twilio() == null ? new ConsolePager(console) : new TwilioPager(paging.twilio());
      this.dispatcher = new PageDispatcher(store, pager, clock);
      Alerts alerts = new Alerts(config.instance(), store, paging, clock, dispatcher::wake);
      this.self = new SelfWatch(config.instance(), config.self(), alerts, clock);
      ProbeFactory factory = new ProbeFactory(clock);
      for (Config.Pipeline p : config.pipelines()) {
        ProbeFactory.Tracked tracked = factory.tracker(p);
        probes.add(tracked);
        watches.add(new PipelineWatch(config.instance(), p, tracked.tracker(), store, alerts, clock));
      }
      AtomicInteger n = new AtomicInteger();
      this.scheduler = Executors.newScheduledThreadPool(watches.size() + 1, r -> {
        Thread t = new Thread(r, "oobwatch-eval-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      InetSocketAddress address = listen == null ? config.http().listen() : listen;
      if (address.isUnresolved()) {
        address = new InetSocketAddress(address.getHostString(), address.getPort());
      }
      this.status = new DaemonStatus(config, clock, store, watches, dispatcher, self);
      try {
        this.server = StatusServer.start(address, status);
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
    return start(config, clock, console, listen, System.getenv());
  }

  /**
   * As {@link #start(Config, Clock, PrintStream, InetSocketAddress)}, with the environment that
   * says whether systemd is to be notified ({@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC}).
   */
  public static Daemon start(
      Config config, Clock clock, PrintStream console, InetSocketAddress listen, Map<String, String> env) {
    Daemon d = new Daemon(config, clock, console, listen);
    d.dispatcher.start();
    for (PipelineWatch w : d.watches) {
      long pollMs = config.pipelines().stream().filter(p -> p.name().equals(w.name())).findFirst()
          .orElseThrow().canary().poll().toMillis();
      d.scheduler.scheduleWithFixedDelay(w::tick, 0, pollMs, TimeUnit.MILLISECONDS);
    }
    d.scheduler.scheduleWithFixedDelay(() -> d.store.prune(clock.instant().minus(HISTORY)), 1, 60, TimeUnit.MINUTES);
    d.self.start(d.status::degraded);
    try {
      d.notifier = SystemdNotifier.start(env, new SystemdNotifier.Source(
          d.status::firstRoundDone, d.status::stalled, d.status::summary));
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
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

  static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  @Override
  public void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    if (notifier != null) {
      notifier.close();
    }
    if (self != null) {
      self.close();
    }
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
