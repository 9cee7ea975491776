package io.oobwatch.watchdog.schedule;

import io.oobwatch.probes.Tap;
import io.oobwatch.watchdog.quality.MinuteTallies;
import io.oobwatch.watchdog.config.QualitySpec;
import io.oobwatch.watchdog.quality.TapHealth;
import io.oobwatch.watchdog.quality.Tally;
import io.oobwatch.watchdog.store.QualityStore;
import io.oobwatch.watchdog.store.StateStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline's tap: reads the log stream on its own thread, counts each record into its minute's
 * {@link Tally} and stores the minutes it has counted about once a second (each replacing what was
 * stored for it), never a raw record. At start it counts again, from the stream's retained history
 * (offsets for times), everything since the last minute it stored (at most {@link #MAX_REBUILD}),
 * so a restarted oobwatch judges at once and its baselines have no hole. A stream
 * it cannot read, and records it cannot use, are shown in its {@link #health()}, never fatal.
 */
public final class TapWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TapWatch.class);
  /**
   * The most history counted again at start (with an empty state_dir, or after a long stop): a
   * day, what the spend forecast reads of today; older hours come from the store or are missed.
   */
  public static final Duration MAX_REBUILD = Duration.ofHours(24);
  static final long POLL_MILLIS = 500;
  private static final Duration FLUSH_EVERY = Duration.ofSeconds(1);

  private final String pipeline;
  private final Tap tap;
  private final MinuteTallies tallies;
  private final QualityStore store;
  private final Clock clock;
  private volatile TapHealth health;
  private Instant newest;
  private Instant flushedAt = Instant.EPOCH;
  /** Minutes before this were stored and forgotten: records still arriving for them are added to what is stored. */
  private Instant forgotten;
  private long records;
  private Thread thread;
  private volatile boolean closed;

  public TapWatch(String pipeline, Tap tap, QualitySpec spec, QualityStore store, Clock clock) {
    this.pipeline = pipeline;
    this.tap = tap;
    this.tallies = new MinuteTallies(spec);
    this.store = store;
    this.clock = clock;
    this.health = new TapHealth(null, -1, null, null, null, 0, null);
  }

  public String name() {
    return pipeline;
  }

  public TapHealth health() {
    return health;
  }

  /**
   * Positions the tap where counting must start again: {@link QualityWatch#SETTLED} before the last
   * stored minute (the minutes stored last may lack records still on their way; each is counted
   * again whole and replaces what was stored), at most {@link #MAX_REBUILD} ago.
   */
  public void rebuild() {
    Instant bound = MinuteTallies.minuteOf(clock.instant().minus(MAX_REBUILD));
    Instant from = bound;
    try {
      Instant resume = store.lastMinute(pipeline).map(m -> m.minus(QualityWatch.SETTLED)).orElse(bound);
      from = resume.isAfter(bound) ? resume : bound;
    } catch (StateStoreException e) {
      // the state alarm reports the disk; counting the whole day again is the safe side
    }
    String problem = tap.seek(from);
    TapHealth h = health;
    health = new TapHealth(h.polledAt(), h.lag(), h.newest(), problem, problem == null ? null : clock.instant(), h.records(),
        problem == null ? "rebuilt from " + from : problem);
    if (problem != null) {
      log.warn("pipeline {}: tap: {}", pipeline, problem);
    }
  }

  /** One poll, then the counted minutes stored when a second has passed since the last time. */
  public void pollOnce(long waitMillis) {
    Tap.Polled polled = tap.poll(waitMillis);
    for (Tap.Record r : polled.records()) {
      tallies.offer(r.value(), r.loggedAt());
      if (newest == null || r.loggedAt().isAfter(newest)) {
        newest = r.loggedAt();
      }
    }
    records += polled.records().size();
    Instant now = clock.instant();
    TapHealth before = health;
    String problem = polled.problem();
    Instant since = problem == null ? null : before.problemSince() != null ? before.problemSince() : now;
    health = new TapHealth(now, polled.lag(), newest, problem, since, records, before.rebuilt());
    if (problem != null && before.problem() == null) {
      log.warn("pipeline {}: tap: {}", pipeline, problem);
    }
    if (!now.isBefore(flushedAt.plus(FLUSH_EVERY))) {
      flush(now);
    }
  }

  /** Stores every minute counted so far; forgets those the tap has read past for good. */
  public void flush(Instant now) {
    List<QualityStore.Row> rows = new ArrayList<>();
    try {
      for (Map.Entry<Instant, Tally> e : tallies.minutes().entrySet()) {
        Tally t = e.getValue();
        if (forgotten != null && e.getKey().isBefore(forgotten)) {
          // late records (another partition, read later) of a minute already stored: added to it, never replacing it
          for (QualityStore.Row r : store.minutes(pipeline, e.getKey(), e.getKey().plusSeconds(60))) {
            t = Tally.decode(r.tally()).merge(t);
          }
        }
        rows.add(new QualityStore.Row(e.getKey(), t.encode()));
      }
      store.saveMinutes(pipeline, rows);
      flushedAt = now;
      if (newest != null) {
        // records come roughly in time order: a minute this far behind the newest is complete
        Instant horizon = MinuteTallies.minuteOf(newest).minus(QualityWatch.SETTLED);
        tallies.forget(horizon);
        forgotten = forgotten == null || horizon.isAfter(forgotten) ? horizon : forgotten;
      }
    } catch (StateStoreException e) {
      // kept in memory and written at the next flush; the state alarm reports the disk
    }
  }

  /** Rebuilds, then polls on its own thread until closed. */
  public void start() {
    thread = new Thread(() -> {
      rebuild();
      while (!closed) {
        try {
          pollOnce(POLL_MILLIS);
        } catch (RuntimeException e) {
          // the Tap contract forbids it; a bug must still not end the tap
          log.error("pipeline {}: tap failed: {}", pipeline, e.toString(), e);
          health = new TapHealth(clock.instant(), -1, newest, "tap failed: " + e, clock.instant(), records,
              health.rebuilt());
        }
      }
      flush(clock.instant());
      tap.close();
    }, "oobwatch-tap-" + pipeline);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() {
    closed = true;
    if (thread == null) {
      tap.close();
      return;
    }
    try {
      thread.join(Duration.ofSeconds(15).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
