package io.oobwatch.watchdog.daemon;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.http.HealthProbe;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.cluster.ClusterChannel;
import io.oobwatch.watchdog.cluster.ClusterGate;
import io.oobwatch.watchdog.cluster.ClusterSync;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.page.ConsolePager;
import io.oobwatch.watchdog.page.DeliveryWatch;
import io.oobwatch.watchdog.page.FailoverPager;
import io.oobwatch.watchdog.page.Page;
import io.oobwatch.watchdog.page.WebhookPager;
import io.oobwatch.watchdog.page.PageDispatcher;
import io.oobwatch.watchdog.page.PageGate;
import io.oobwatch.watchdog.page.Pager;
import io.oobwatch.watchdog.page.Pauses;
import io.oobwatch.watchdog.page.TestPages;
import io.oobwatch.watchdog.page.TwilioPager;
import io.oobwatch.watchdog.schedule.HeartbeatWatch;
import io.oobwatch.watchdog.schedule.PipelineWatch;
import io.oobwatch.watchdog.schedule.Scheduler;
import io.oobwatch.watchdog.schedule.QualityWatch;
import io.oobwatch.watchdog.schedule.SignalWatch;
import io.oobwatch.watchdog.schedule.TapWatch;
import io.oobwatch.watchdog.self.SelfWatch;
import io.oobwatch.watchdog.self.StateAlarm;
import io.oobwatch.watchdog.server.StatusServer;
import io.oobwatch.watchdog.store.StateStoreException;
import io.oobwatch.watchdog.store.Stores;
import io.oobwatch.watchdog.systemd.SystemdNotifier;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running watchdog, and the one place that wires its object graph with plain constructors:
 * stores → pager → dispatcher → alerts → one watch per pipeline (probes from the factory) → status
 * server → self-monitoring (dead man's switch, peers) → systemd notification. One {@link Scheduler}
 * runs every loop (pipelines, signals, heartbeats, escalation, housekeeping) on a few workers; a
 * slow store in one pipeline does not delay another (see its spare workers).
 */
public final class Daemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);
  /** Judged canaries are kept this long (at least 8 days, for same-time-last-week baselines). */
  static final Duration HISTORY = Duration.ofDays(9);

  private final Config config;
  private final Clock clock;
  private final Stores stores;
  private final PageDispatcher dispatcher;
  private final DeliveryWatch deliveries;
  private final List<PipelineWatch> watches = new ArrayList<>();
  /** Freshness, volume and consumer-lag checks: one watch per pipeline that has any. */
  private final List<SignalWatch> signalWatches = new ArrayList<>();
  private final List<QualityWatch> qualityWatches = new ArrayList<>();
  private final List<TapWatch> taps = new ArrayList<>();
  private final List<AutoCloseable> probes = new ArrayList<>();
  private final Scheduler scheduler;
  private final Alerts alerts;
  private final StatusServer server;
  private final HeartbeatWatch heartbeats;
  private final DaemonMetrics metrics;
  /** How often heartbeats are judged: the resolution of "missing for every + grace". */
  static final Duration HEARTBEAT_TICK = Duration.ofSeconds(1);
  private final SelfWatch self;
  private final DaemonStatus status;
  private final PagingView pagingView;
  private final CanaryDays canaryDays;
  /** The status page's 24-hour history, read on its own thread so no store read blocks the HTTP server. */
  private final HistoryView history;
  /** How often the page's history reads the open 10-minute bucket again. */
  static final Duration HISTORY_REFRESH = Duration.ofSeconds(10);
  private final StateAlarm stateAlarm;
  /** Sends test pages, one at a time, so a slow Twilio delays no evaluation. */
  private final java.util.concurrent.ExecutorService testPageSender = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "oobwatch-test-page");
    t.setDaemon(true);
    return t;
  });
  /** The cluster this oobwatch is a member of; null (and {@link #clusterSync} too) when it runs alone. */
  private final ClusterChannel cluster;
  private final ClusterSync clusterSync;
  private SystemdNotifier notifier;

  private Daemon(Config config, Clock clock, PrintStream console, InetSocketAddress listen, Pauses pauses) {
    this.config = config;
    this.clock = clock;
    this.stores = Stores.open(config.stateDir());
    try {
      this.cluster = config.cluster() == null ? null
          : new ClusterChannel(config.instance(), config.cluster(), ClusterChannel.newLog(), clock);
      Config.Paging paging = config.paging();
      Pager pager = pager(config, clock, console);
      ClusterGate gate = cluster == null ? null : ClusterGate.of(cluster);
      this.dispatcher = new PageDispatcher(stores.outbox(), pager, clock, dispatchSettings(config), pauses,
          gate == null ? PageGate.ALONE : gate);
      this.stateAlarm = new StateAlarm(hostName(config), stores.file(), stores::writeFailure, pager,
          paging == null || paging.oncall().isEmpty() ? null
              : new Page(paging.oncall().get(0).name(), paging.oncall().get(0).phone(), ""), clock);
      Alerts alerts = new Alerts(config.instance(), stores.alerts(), paging, clock, () -> {
        dispatcher.wake();
        pagingChanged();
      });
      this.alerts = alerts;
      this.clusterSync = cluster == null ? null : new ClusterSync(cluster, gate, stores.alerts(), alerts, clock);
      this.deliveries = deliveryWatch(config, stores, pager, clock, alerts);
      this.self = new SelfWatch(config.instance(), config.self(), alerts, clock);
      ProbeFactory factory = new ProbeFactory(clock);
      Map<String, HealthProbe> pulls = new LinkedHashMap<>();
      config.heartbeats().stream().filter(hb -> !hb.push()).forEach(hb -> pulls.put(hb.name(), factory.health(hb)));
      this.heartbeats = new HeartbeatWatch(config.instance(), config.heartbeats(), pulls, stores.heartbeats(), alerts,
          clock);
      this.scheduler = Scheduler.start("oobwatch", Scheduler.Settings.DAEMON);
      this.metrics = new DaemonMetrics(config, clock, stores.alerts(), stores.outbox(), watches, heartbeats,
          scheduler::lateness, clusterSync, qualityWatches);
      for (Config.Pipeline p : config.pipelines()) {
        if (p.canary() != null) {
          ProbeFactory.Tracked tracked = factory.tracker(p);
          probes.add(tracked);
          watches.add(new PipelineWatch(config.instance(), p, tracked.tracker(), stores.canaries(), alerts, clock,
              metrics::judged));
        }
        if (!p.checks().isEmpty()) {
          SignalWatch sw = new SignalWatch(config.instance(), p, factory.signals(p), stores.observations(), alerts, clock);
          probes.add(sw::closeProbes);
          signalWatches.add(sw);
        }
        if (p.quality() != null) {
          TapWatch tap = new TapWatch(p.name(), factory.tap(p, config.instance()), p.quality().spec(), stores.quality(), clock);
          taps.add(tap);
          qualityWatches.add(new QualityWatch(config.instance(), p.name(), p.quality().spec(), stores.quality(), alerts, clock,
              p.quality().tap().source().where(p.name()), tap::health));
        }
      }
      InetSocketAddress address = listen == null ? config.http().listen() : listen;
      if (address.isUnresolved()) {
        address = new InetSocketAddress(address.getHostString(), address.getPort());
      }
      this.pagingView = new PagingView(clock, stores.alerts(), stores.outbox(), stores.testPages(), alerts, dispatcher);
      this.canaryDays = new CanaryDays(clock, stores.canaries());
      watches.forEach(w -> canaryDays.refresh(w.name()));
      this.history = new HistoryView(clock, stores.canaries(), stores.observations(), config.pipelines());
      this.status = new DaemonStatus(config, clock, new DaemonStatus.Loops(watches, signalWatches, heartbeats, self,
          stateAlarm::trouble, clusterSync, qualityWatches),
          pagingView, canaryDays, metrics, history);
      try {
        this.server = StatusServer.start(address, status, heartbeats::receive,
            new DaemonPaging(config, alerts, clock, deliveries,
                new TestPages(config.instance(), stores.testPages(), pager, clock, this::sendTestPage),
                this::refreshPagingSoon));
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
    return start(config, clock, console, listen, env, Pauses.NONE);
  }

  /**
   * As {@link #start(Config, Clock, PrintStream, InetSocketAddress, Map)}, with where the page
   * dispatcher may be held while sending ({@link Pauses#NONE} but in a crash test).
   */
  public static Daemon start(Config config, Clock clock, PrintStream console, InetSocketAddress listen,
      Map<String, String> env, Pauses pauses) {
    Daemon d = new Daemon(config, clock, console, listen, pauses);
    d.alerts.retire(d.watched());
    if (d.cluster != null) {
      // the view is known before the first page pass: pages left by a previous run wait their turn too
      try {
        d.cluster.start();
      } catch (RuntimeException e) {
        d.close();
        throw e;
      }
      d.clusterSync.onChange(d::syncClusterSoon);
      d.scheduler.atFixedRate("cluster sync", Duration.ZERO, Duration.ofSeconds(1), d::syncCluster);
    }
    d.dispatcher.holdWhile(d.alerts::inRound);
    d.dispatcher.start();
    // each family of schedules is spread over its period (at most a minute), so that 200 pipelines
    // or 1,000 heartbeats do not all fall due at the same instant; the first of each starts at once
    Scheduler s = d.scheduler;
    for (int i = 0; i < d.watches.size(); i++) {
      PipelineWatch w = d.watches.get(i);
      s.schedule("pipeline " + w.name(), Scheduler.spread(i, d.watches.size(), w.canary().every()), () -> d.loop(w));
    }
    for (int i = 0; i < d.signalWatches.size(); i++) {
      SignalWatch w = d.signalWatches.get(i);
      s.atFixedRate("signals of " + w.name(), Scheduler.spread(i, d.signalWatches.size(), w.every()), w.every(), () -> {
        w.tick();
        d.pagingView.changed();
      });
    }
    // the tap reads on its own thread (a Kafka consumer); its rules are judged on the scheduler
    d.taps.forEach(TapWatch::start);
    for (int i = 0; i < d.qualityWatches.size(); i++) {
      QualityWatch w = d.qualityWatches.get(i);
      s.atFixedRate("quality of " + w.name(), Scheduler.spread(i, d.qualityWatches.size(), QualityWatch.EVERY),
          QualityWatch.EVERY, w::tick);
    }
    s.atFixedRate("prune", Duration.ofMinutes(1), Duration.ofHours(1), () -> d.stores.prune(clock.instant().minus(HISTORY)));
    // heartbeats: judged every second (a push turns missing by time alone; the first pass, at once,
    // pages what became overdue while oobwatch was down), each pull probed every `every`
    if (!config.heartbeats().isEmpty()) {
      s.atFixedRate("heartbeats", Duration.ZERO, HEARTBEAT_TICK, d.heartbeats::evaluate);
    }
    List<Config.Heartbeat> pulls = d.heartbeats.pulls();
    for (int i = 0; i < pulls.size(); i++) {
      Config.Heartbeat hb = pulls.get(i);
      s.atFixedRate("heartbeat " + hb.name(), Scheduler.spread(i, pulls.size(), hb.every()), hb.every(),
          () -> d.heartbeats.probe(hb.name()));
    }
    s.atFixedRate("escalation", Duration.ZERO, Duration.ofSeconds(1), d::escalate);
    s.atFixedRate("deliveries", Duration.ofSeconds(1), Duration.ofSeconds(1), d::checkDeliveries);
    s.atFixedRate("status history", Duration.ZERO, HISTORY_REFRESH, d::refreshHistory);
    s.atFixedRate("state alarm", Duration.ZERO, Duration.ofSeconds(1), d.stateAlarm::check);
    d.self.start(d.status::degraded);
    try {
      d.notifier = SystemdNotifier.start(env, new SystemdNotifier.Source(
          d.status::firstRoundDone, d.status::stalled, d.status::summary));
      d.status.systemd(d.notifier);
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    log.info("oobwatch {} watching {} pipeline(s) and {} heartbeat(s); paging via {}; status on http://{}",
        config.instance(), config.pipelines().size(), config.heartbeats().size(), d.dispatcher.pager().describe(),
        hostPort(d.server.address()));
    return d;
  }

  /** Every subject and rule the configured watches judge: an open alert of any other is retired at start. */
  private Set<Alerts.Watched> watched() {
    Set<Alerts.Watched> out = new HashSet<>();
    for (PipelineWatch w : watches) {
      out.add(new Alerts.Watched(w.name(), Rule.CANARY));
    }
    for (SignalWatch w : signalWatches) {
      w.rules().forEach(rule -> out.add(new Alerts.Watched(w.name(), rule)));
    }
    for (QualityWatch w : qualityWatches) {
      w.rules().forEach(rule -> out.add(new Alerts.Watched(w.name(), rule)));
    }
    out.addAll(heartbeats.watchedRules());
    out.addAll(self.watched());
    if (cluster != null) {
      out.add(new Alerts.Watched(ClusterSync.SUBJECT, Rule.MEMBER_LEFT));
    }
    return out;
  }

  /**
   * One tick of a pipeline; returns when the next one is due: every poll while canaries are in
   * flight, else when the next canary is due (see PipelineWatch#nextTickIn).
   */
  private Duration loop(PipelineWatch w) {
    CanaryOutcome judgedBefore = w.snapshot().last();
    w.tick();
    if (w.snapshot().last() != judgedBefore) {
      canaryDays.refresh(w.name());
      // read again on the next escalation tick (within a second), not here: a refresh per judged
      // canary (20 a second at 200 pipelines) queued the workers on the view's lock
      pagingView.changed();
    }
    return w.nextTickIn();
  }

  private void refreshHistory() {
    try {
      history.refresh();
      status.drawCharts();
    } catch (RuntimeException e) {
      log.warn("status page history not refreshed; trying again in {}", HISTORY_REFRESH, e);
    }
  }

  private void escalate() {
    try {
      alerts.escalate();
    } catch (StateStoreException e) {
      // the state alarm says it, once a minute
    } catch (RuntimeException e) {
      log.error("escalation pass failed; retrying in a second", e);
    }
    pagingView.tick();
  }

  private void syncCluster() {
    try {
      clusterSync.tick();
    } catch (StateStoreException e) {
      // the state alarm says it, once a minute
    } catch (RuntimeException e) {
      log.error("cluster sync failed; retrying in a second", e);
    }
  }

  /** Another member's facts arrived (an ack, a page sent): act on them now, not at the next tick. */
  private void syncClusterSoon() {
    try {
      scheduler.execute("cluster sync", this::syncCluster);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down
    }
  }

  private void checkDeliveries() {
    try {
      deliveries.check();
    } catch (RuntimeException e) {
      log.error("delivery check failed; retrying in a second", e);
    }
  }

  /**
   * A test page is sent on a thread of its own (the HTTP I/O thread that asked must not wait for
   * Twilio); /status shows the channel's answer right after.
   */
  private void sendTestPage(Runnable send) {
    try {
      testPageSender.execute(() -> {
        send.run();
        pagingView.refresh();
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down: the test page stays recorded as being sent, and is marked not sent at the next start
    }
  }

  /** Pages were queued: the next escalation tick reads the paging side again. */
  private void pagingChanged() {
    PagingView view = pagingView;
    if (view != null) {
      view.changed();
    }
  }

  /** After an ack or a silence through the API: /status shows it at once, not after the next pass. */
  private void refreshPagingSoon() {
    scheduler.execute("paging view", pagingView::refresh);
  }

  /**
   * The paging channel: Twilio (with the fallback in front when one is configured), or the console
   * when no Twilio account is configured.
   */
  static Pager pager(Config config, Clock clock, PrintStream console) {
    Config.Paging paging = config.paging();
    if (paging == null || paging.twilio() == null) {
      return new ConsolePager(console);
    }
    String publicUrl = config.http().publicUrl();
    String statusCallback = publicUrl == null ? null : publicUrl.replaceAll("/+$", "") + "/twilio/status";
    Pager primary = new TwilioPager(paging.twilio(), statusCallback);
    Config.Fallback f = paging.fallback();
    if (f == null) {
      return primary;
    }
    Pager fallback = f.twilio() != null ? new TwilioPager(f.twilio(), statusCallback)
        : new WebhookPager(config.instance(), f.webhookUrl(), f.webhookToken(), Duration.ofSeconds(10));
    return new FailoverPager(primary, fallback, f.after(), clock);
  }

  /**
   * Follows each sent page to its final status; a page that reached nobody moves to its next route
   * through {@link Alerts#undelivered}.
   */
  static DeliveryWatch deliveryWatch(Config config, Stores stores, Pager pager, Clock clock, Alerts alerts) {
    Duration timeout = config.paging() == null ? Config.Paging.DEFAULT_DELIVERY_TIMEOUT : config.paging().deliveryTimeout();
    return new DeliveryWatch(stores.outbox(), stores.testPages(), pager, clock, timeout, alerts::undelivered);
  }

  /** Grouping, the hourly cap, call acks, and who is paged when someone cannot be reached. */
  static PageDispatcher.Settings dispatchSettings(Config config) {
    Config.Paging paging = config.paging();
    if (paging == null) {
      return PageDispatcher.Settings.plain(config.instance());
    }
    String publicUrl = config.http().publicUrl() == null ? null : config.http().publicUrl().replaceAll("/+$", "");
    return new PageDispatcher.Settings(config.instance(), paging.maxPagesPerHour(), publicUrl,
        name -> nextPerson(paging, name));
  }

  /**
   * Whom to page when {@code name} cannot be reached: the next person named in the escalation after
   * them (steps in order), else the next in the on-call list.
   */
  static Optional<Page> nextPerson(Config.Paging paging, String name) {
    List<String> order = new ArrayList<>();
    paging.escalation().stream().sorted(java.util.Comparator.comparing(Config.Step::after)).forEach(s -> {
      s.sms().forEach(n -> { if (!order.contains(n)) order.add(n); });
      s.call().forEach(n -> { if (!order.contains(n)) order.add(n); });
    });
    paging.oncall().forEach(p -> { if (!order.contains(p.name())) order.add(p.name()); });
    int at = order.indexOf(name);
    if (at < 0 || at + 1 >= order.size()) {
      return Optional.empty();
    }
    Config.OnCall next = paging.person(order.get(at + 1));
    return Optional.of(new Page(next.name(), next.phone(), ""));
  }

  public Alerts alerts() {
    return alerts;
  }

  public PageDispatcher dispatcher() {
    return dispatcher;
  }

  public InetSocketAddress httpAddress() {
    return server.address();
  }

  public Stores stores() {
    return stores;
  }

  public List<PipelineWatch> watches() {
    return List.copyOf(watches);
  }

  public HeartbeatWatch heartbeats() {
    return heartbeats;
  }

  public List<QualityWatch> qualityWatches() {
    return List.copyOf(qualityWatches);
  }

  public List<SignalWatch> signalWatches() {
    return List.copyOf(signalWatches);
  }

  /** This machine's name, as a page about the machine says it; the instance name when it has none. */
  static String hostName(Config config) {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return config.instance();
    }
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
    testPageSender.shutdownNow();
    try {
      testPageSender.awaitTermination(15, TimeUnit.SECONDS); // a request to the channel ends within its timeout
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (scheduler != null) {
      // a probe ends within its timeout, a store read before the store closes
      scheduler.close(Duration.ofSeconds(10));
    }
    if (server != null) {
      server.close();
    }
    taps.forEach(TapWatch::close);
    if (dispatcher != null) {
      dispatcher.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    for (AutoCloseable p : probes) {
      try {
        p.close();
      } catch (Exception e) {
        log.warn("closing a probe: {}", e.toString());
      }
    }
    stores.close();
  }
}
