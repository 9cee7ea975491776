package io.oobwatch.watchdog.daemon;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.watchdog.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One canary round trip per pipeline, for {@code oobwatch check}: inject, look at every stage until
 * it has been seen everywhere or its deadline passed. Pipelines are checked in parallel. Uses no
 * state: check canaries carry sequence number 0 and leave the daemon's numbering alone.
 */
public final class CanaryCheck {
  private final Clock clock;
  private final String instance;

  public CanaryCheck(String instance, Clock clock) {
    this.instance = instance;
    this.clock = clock;
  }

  /** Checks the given pipelines; one outcome per pipeline, in the same order. */
  public List<CanaryOutcome> run(List<Config.Pipeline> pipelines) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, pipelines.size()), r -> {
      Thread t = new Thread(r, "oobwatch-check");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<CanaryOutcome>> futures = new ArrayList<>();
      for (Config.Pipeline p : pipelines) {
        futures.add(pool.submit(() -> once(p)));
      }
      List<CanaryOutcome> out = new ArrayList<>();
      for (Future<CanaryOutcome> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  CanaryOutcome once(Config.Pipeline p) throws InterruptedException {
    Config.Canary c = p.canary();
    try (ProbeFactory.Tracked t = new ProbeFactory(clock).tracker(p)) {
      CanaryRecord canary = CanaryRecord.create(0, clock.instant(), p.name(), instance, c.record());
      CanaryOutcome refused = t.tracker().launch(canary);
      if (refused != null) {
        return refused;
      }
      while (true) {
        List<CanaryOutcome> done = t.tracker().poll();
        if (!done.isEmpty()) {
          return done.get(0);
        }
        Thread.sleep(Math.max(50, Math.min(c.poll().toMillis(), Duration.ofSeconds(1).toMillis())));
      }
    }
  }
}
