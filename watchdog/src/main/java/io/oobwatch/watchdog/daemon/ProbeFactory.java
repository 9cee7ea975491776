package io.oobwatch.watchdog.daemon;

import io.oobwatch.probes.Injector;
import io.oobwatch.probes.Probe;
import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.RealTraffic;
import io.oobwatch.probes.Stage;
import io.oobwatch.probes.canary.CanaryTracker;
import io.oobwatch.probes.canary.LearnedLatency;
import io.oobwatch.probes.http.HealthProbe;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.schedule.SignalWatch;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Opens the probes of a config. Each kind's settings open their own probe, so this knows no kind:
 * it hands them the process's HTTP client and clock. Opening never connects.
 */
public final class ProbeFactory {
  private final ProbeContext ctx;

  public ProbeFactory(Clock clock) {
    this(HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(HTTP_THREADS)
        .build(), clock);
  }

  /**
   * The probes' HTTP client's own work (completing responses; callers block in {@code send}) on two
   * long-lived threads: the client's default, a cached pool, starts and retires threads all day
   * under thousands of probes a minute.
   */
  private static final java.util.concurrent.ExecutorService HTTP_THREADS =
      java.util.concurrent.Executors.newFixedThreadPool(2, new java.util.concurrent.ThreadFactory() {
        private final java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
          Thread t = new Thread(r, "oobwatch-http-client-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }
      });

  ProbeFactory(HttpClient http, Clock clock) {
    this.ctx = new ProbeContext(http, clock);
  }

  /**
   * A stage whose newest real record has not moved for this long before a canary was emitted is
   * idle (a quiet night): a late canary there is not judged a stall, it waits for the deadline.
   */
  static final Duration BUSY_WITHIN = Duration.ofMinutes(5);

  /** A tracker for the pipeline's canary; closing the tracker's parts is the caller's (see {@link Tracked}). */
  public Tracked tracker(Config.Pipeline p) {
    Config.Canary c = p.canary();
    Injector injector = c.inject().settings().open(ctx);
    List<Stage> stages = new ArrayList<>();
    List<String> after = new ArrayList<>();
    for (Config.StageSpec s : c.stages()) {
      stages.add(s.settings().open(s.name(), ctx));
      after.add(s.after());
    }
    Config.Early e = c.early();
    LearnedLatency learned = new LearnedLatency(e.lateFactor(), e.lateFloor(), e.learnFrom(), ctx.clock());
    CanaryTracker.Early early = null;
    if (e.on()) {
      List<Optional<RealTraffic>> traffic = new ArrayList<>();
      for (Config.StageSpec s : c.stages()) {
        traffic.add(s.settings().realTraffic(ctx));
      }
      early = new CanaryTracker.Early(traffic, BUSY_WITHIN);
    }
    CanaryTracker tracker =
        new CanaryTracker(p.name(), injector, stages, after, c.deadline(), c.slo(), ctx.clock(), learned, early);
    return new Tracked(tracker, injector, stages);
  }

  /** The pipeline's tap, in oobwatch's own consumer group {@code oobwatch-INSTANCE}; opening never connects. */
  public io.oobwatch.probes.Tap tap(Config.Pipeline p, String instance) {
    return p.quality().tap().source().tap("oobwatch-" + instance, ctx);
  }

  /** A tracker and the probes it uses, closed together. */
  public record Tracked(CanaryTracker tracker, Injector injector, List<Stage> stages) implements AutoCloseable {
    @Override
    public void close() {
      tracker.close();
      injector.close();
      stages.forEach(Stage::close);
    }
  }

  /** The probe of a pull heartbeat. */
  public HealthProbe health(Config.Heartbeat hb) {
    return new HealthProbe(hb.pull(), ctx.http(), ctx.clock());
  }

  /**
   * One probe per freshness, volume and consumer-lag check of the pipeline, by the store's name of
   * its signal, in config order. The caller closes them.
   */
  public Map<String, Probe> signals(Config.Pipeline p) {
    Map<String, Probe> out = new LinkedHashMap<>();
    Config.Checks c = p.checks();
    for (Config.Freshness f : c.freshness()) {
      out.put(SignalWatch.signal(p.name(), "freshness", f.name()), freshness(f));
    }
    for (Config.Volume v : c.volume()) {
      out.put(SignalWatch.signal(p.name(), "volume", v.name()), volume(v));
    }
    for (Config.ConsumerLag l : c.consumerLag()) {
      out.put(SignalWatch.signal(p.name(), "consumer_lag", l.name()), consumerLag(l));
    }
    return out;
  }

  /** The probe of a freshness check: the newest real record's time. The caller closes it. */
  public Probe freshness(Config.Freshness f) {
    return f.settings().freshness(ctx);
  }

  /** The probe of a consumer-lag check: the group's lag, committed offsets and state. The caller closes it. */
  public Probe consumerLag(Config.ConsumerLag c) {
    return c.settings().consumerLag(ctx);
  }

  /** The probe of a volume check: records per minute from its source. The caller closes it. */
  Probe volume(Config.Volume v) {
    return v.settings().volume(ctx);
  }
}
