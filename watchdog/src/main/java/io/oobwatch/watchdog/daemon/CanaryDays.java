package io.oobwatch.watchdog.daemon;

import io.oobwatch.watchdog.status.CanaryStatus;
import io.oobwatch.watchdog.store.CanaryStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per pipeline, its judged canaries of the last 24 hours by verdict: read from the store by {@link
 * #refresh} on the pipeline's own thread after a round that judged a canary, kept in memory for
 * {@code /status}. The window moves with each judged canary, so it is at most one canary period old.
 */
final class CanaryDays {
  private static final Logger log = LoggerFactory.getLogger(CanaryDays.class);
  static final Duration WINDOW = Duration.ofHours(24);

  private final Clock clock;
  private final CanaryStore store;
  private final Map<String, CanaryStatus.DayCounts> counts = new ConcurrentHashMap<>();

  CanaryDays(Clock clock, CanaryStore store) {
    this.clock = clock;
    this.store = store;
  }

  /** Reads one pipeline's counts again. A failing read keeps the previous counts (logged). */
  void refresh(String pipeline) {
    try {
      CanaryStore.OutcomeCounts c = store.counts(pipeline, clock.instant().minus(WINDOW));
      counts.put(pipeline, new CanaryStatus.DayCounts(c.ok(), c.slow(), c.lost(), c.unreachable(), c.duplicates()));
    } catch (RuntimeException e) {
      log.warn("pipeline {}: canary counts of the last day not refreshed: {}", pipeline, e.toString());
    }
  }

  /** The last counts read for a pipeline; all zero before the first read. */
  CanaryStatus.DayCounts of(String pipeline) {
    return counts.getOrDefault(pipeline, CanaryStatus.DayCounts.NONE);
  }
}
