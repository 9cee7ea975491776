package io.oobwatch.watchdog.schedule;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's one scheduler: every pipeline watch, signal watch, pull heartbeat and housekeeping
 * pass is a job in one queue ordered by when it is due, run by a small pool of workers, with no
 * thread per pipeline. One timer thread moves due jobs to the workers.
 *
 * <p>Contracts:
 *
 * <ul>
 *   <li>A job never runs twice at once: it is either waiting, due or running, and its next run is
 *       scheduled only after the previous one returned. So a {@link PipelineWatch} is ticked by one
 *       thread at a time, and may be ticked by different workers over its life.
 *   <li>A slow job does not stall the others. Probes are bounded by their timeouts, but a hanging
 *       store still holds a worker for that long; when work is due, no worker is free and one has
 *       been on the same job longer than {@code stuckAfter}, the timer starts a spare worker (at
 *       most {@code maxSpares} at once). A spare ends when it has found nothing due for 25 ×
 *       {@code stuckAfter}, so the pool is back to its steady size once the store answers or times
 *       out.
 *   <li>Time is monotonic ({@code nanoTime}, {@link System#nanoTime} in the daemon), not the wall
 *       clock: a clock step neither bursts nor stalls the schedule, and a test that sets the watches'
 *       clock does not stop the loops that read it. The watches judge on their own injected clock.
 *   <li>A job that throws is logged and runs again after its period (or {@link #RETRY}); it is
 *       never dropped.
 * </ul>
 *
 * <p>How late each run started against when it was due is counted in {@link #lateness()}: the
 * schedule drift, shown on {@code /metrics}.
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
  /** When a job without a period of its own threw, it runs again after this. */
  static final Duration RETRY = Duration.ofSeconds(1);
  /** A spare worker ends after this many times {@code stuckAfter} with nothing due. */
  static final int SPARE_IDLE = 25;
  /** Upper bounds (seconds) of the lateness histogram's buckets; one more bucket holds everything above. */
  public static final double[] LATENESS_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  /** One run of a job; returns how long until its next run, or null when it is done. */
  @FunctionalInterface
  public interface Job {
    Duration run();
  }

  /**
   * How the pool is sized and how often the timer looks.
   *
   * @param workers steady worker threads
   * @param maxSpares spare workers at most, started while steady ones are stuck on slow jobs
   * @param stuckAfter a worker on one job this long counts as stuck when other work is due
   * @param maxSleep the timer wakes at least this often, even with nothing due (a manual
   *     {@code nanoTime} in a test is noticed within it)
   */
  public record Settings(int workers, int maxSpares, Duration stuckAfter, Duration maxSleep) {
    /**
     * The daemon's: 16 workers (jobs are short and mostly wait for a probe's answer: with 4, 200
     * pipelines, 1,000 heartbeats and 2,000 signals queued behind them), up to 16 spares after 200 ms,
     * the timer awake at least every second.
     */
    public static final Settings DAEMON = new Settings(16, 16, Duration.ofMillis(200), Duration.ofSeconds(1));

    public Settings {
      if (workers < 1 || maxSpares < 0) {
        throw new IllegalArgumentException("at least one worker, and no negative number of spares");
      }
      Objects.requireNonNull(stuckAfter, "stuckAfter");
      Objects.requireNonNull(maxSleep, "maxSleep");
    }
  }

  /**
   * Runs started, and how late they started against when they were due.
   *
   * @param counts runs per bucket of {@link #LATENESS_BUCKETS} (not cumulative), then the runs later
   *     than the largest bound
   */
  public record Lateness(long[] counts, double sumSeconds, Duration max) {
    /** No run yet. */
    public static Lateness none() {
      return new Lateness(new long[LATENESS_BUCKETS.length + 1], 0, Duration.ZERO);
    }

    public long runs() {
      return java.util.Arrays.stream(counts).sum();
    }
  }

  private static final class Entry implements Comparable<Entry> {
    final String name;
    final Job job;
    /** Fixed-rate period in nanos, or 0 when the job says its next delay. */
    final long period;
    final long seq;
    long due;

    Entry(String name, Job job, long period, long seq, long due) {
      this.name = name;
      this.job = job;
      this.period = period;
      this.seq = seq;
      this.due = due;
    }

    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(due - o.due, 0);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final String name;
  private final Settings settings;
  private final LongSupplier nanoTime;
  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when a job became due and a steady worker is idle. */
  private final Condition ready = lock.newCondition();
  /** Signalled when a job became due and only spares are idle: they take work last, so they can retire. */
  private final Condition spareReady = lock.newCondition();
  /** Signalled when the timer should look again (a new earliest job, close). */
  private final Condition timerWake = lock.newCondition();
  private final PriorityQueue<Entry> waiting = new PriorityQueue<>();
  private final ArrayDeque<Entry> due = new ArrayDeque<>();
  /** Per running worker, since when (nanos) it runs its current job; absent when idle. */
  private final java.util.Map<Thread, Long> busySince = new java.util.HashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Thread timer;
  private int idle;
  private int idleSpares;
  private int spares;
  private int started;
  private long seq;
  private boolean closed;

  private final AtomicLongArray lateBuckets = new AtomicLongArray(LATENESS_BUCKETS.length + 1);
  private final java.util.concurrent.atomic.AtomicLong lateNanos = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong lateMax = new java.util.concurrent.atomic.AtomicLong();

  /** A scheduler on {@link System#nanoTime}, with its threads started. */
  public static Scheduler start(String name, Settings settings) {
    return new Scheduler(name, settings, System::nanoTime);
  }

  /**
   * @param name the threads' name prefix ("oobwatch" gives oobwatch-worker-1, oobwatch-timer)
   * @param nanoTime monotonic time in nanoseconds
   */
  public Scheduler(String name, Settings settings, LongSupplier nanoTime) {
    this.name = Objects.requireNonNull(name, "name");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    lock.lock();
    try {
      for (int i = 0; i < settings.workers(); i++) {
        startWorker(false);
      }
    } finally {
      lock.unlock();
    }
    this.timer = new Thread(this::timerLoop, name + "-timer");
    timer.setDaemon(true);
    timer.start();
  }

  /**
   * Runs {@code job} after {@code initialDelay}, then again after each delay it returns.
   *
   * @param name for the log when the job throws
   */
  public void schedule(String name, Duration initialDelay, Job job) {
    add(new Entry(name, job, 0, 0, 0), initialDelay);
  }

  /**
   * Runs {@code task} after {@code initialDelay}, then every {@code period} on a fixed phase: a run
   * that ends late shifts no later run, and runs missed meanwhile are skipped, not bunched.
   */
  public void atFixedRate(String name, Duration initialDelay, Duration period, Runnable task) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException(name + ": period must be positive");
    }
    add(new Entry(name, () -> {
      task.run();
      return null;
    }, period.toNanos(), 0, 0), initialDelay);
  }

  /** Runs {@code task} once, as soon as a worker is free. */
  public void execute(String name, Runnable task) {
    schedule(name, Duration.ZERO, () -> {
      task.run();
      return null;
    });
  }

  /**
   * Where the {@code i}-th of {@code n} schedules with the same period starts, so that they are
   * spread over the period (at most a minute) instead of all falling due at the same instant.
   */
  public static Duration spread(int i, int n, Duration period) {
    Duration over = period.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : period;
    return n <= 1 ? Duration.ZERO : over.multipliedBy(i).dividedBy(n);
  }

  private void add(Entry template, Duration delay) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      Entry e = new Entry(template.name, template.job, template.period, seq++,
          nanoTime.getAsLong() + Math.max(0, delay.toNanos()));
      enqueue(e);
    } finally {
      lock.unlock();
    }
  }

  // under the lock
  private void enqueue(Entry e) {
    waiting.add(e);
    if (waiting.peek() == e) {
      timerWake.signal();
    }
  }

  private void timerLoop() {
    lock.lock();
    try {
      while (!closed) {
        long now = nanoTime.getAsLong();
        while (!waiting.isEmpty() && waiting.peek().due - now <= 0) {
          due.add(waiting.poll());
          if (idle > idleSpares) {
            ready.signal();
          } else {
            spareReady.signal();
          }
        }
        if (!due.isEmpty() && idle == 0 && spares < settings.maxSpares() && anyStuck(now)) {
          startWorker(true);
        }
        long sleep = settings.maxSleep().toNanos();
        if (!waiting.isEmpty()) {
          sleep = Math.min(sleep, waiting.peek().due - now);
        }
        if (!due.isEmpty()) {
          // work is waiting for a worker: wake any idle one (a signal may have gone to a worker that
          // was already waking), and look again soon whether one is stuck
          if (idle > idleSpares) {
            ready.signalAll();
          } else if (idle > 0) {
            spareReady.signal();
          }
          sleep = Math.min(sleep, Math.max(settings.stuckAfter().toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(5)));
        }
        if (sleep > 0) {
          timerWake.awaitNanos(sleep);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  // under the lock
  private boolean anyStuck(long now) {
    long stuck = settings.stuckAfter().toNanos();
    for (long since : busySince.values()) {
      if (now - since >= stuck) {
        return true;
      }
    }
    return false;
  }

  // under the lock
  private void startWorker(boolean spare) {
    Thread t = new Thread(() -> work(spare), name + (spare ? "-spare-" : "-worker-") + (++started));
    t.setDaemon(true);
    threads.add(t);
    if (spare) {
      spares++;
    }
    t.start();
  }

  private void work(boolean spare) {
    Thread self = Thread.currentThread();
    while (true) {
      Entry e;
      lock.lock();
      try {
        while (due.isEmpty() && !closed) {
          idle++;
          idleSpares += spare ? 1 : 0;
          try {
            if (!spare) {
              ready.await();
            } else if (spareReady.awaitNanos(settings.stuckAfter().toNanos() * SPARE_IDLE) <= 0 && due.isEmpty()) {
              spares--;
              threads.remove(self);
              return;
            }
          } catch (InterruptedException ie) {
            if (closed) {
              return;
            }
          } finally {
            idle--;
            idleSpares -= spare ? 1 : 0;
          }
        }
        if (closed) {
          return;
        }
        e = due.poll();
        busySince.put(self, nanoTime.getAsLong());
      } finally {
        lock.unlock();
      }
      long start = nanoTime.getAsLong();
      countLateness(start - e.due);
      Duration next = runOnce(e);
      lock.lock();
      try {
        busySince.remove(self);
        if (closed) {
          return;
        }
        long now = nanoTime.getAsLong();
        if (e.period > 0) {
          e.due += e.period;
          if (e.due - now <= 0) {
            // behind: skip the runs missed, keep the phase
            long behind = now - e.due;
            e.due += (behind / e.period + 1) * e.period;
          }
          enqueue(e);
        } else if (next != null) {
          e.due = now + Math.max(0, next.toNanos());
          enqueue(e);
        }
      } finally {
        lock.unlock();
      }
    }
  }

  private Duration runOnce(Entry e) {
    try {
      return e.job.run();
    } catch (RuntimeException ex) {
      log.error("{}: {}; running it again in {}", e.name, ex.toString(),
          e.period > 0 ? Duration.ofNanos(e.period) : RETRY, ex);
      return RETRY;
    }
  }

  private void countLateness(long lateNs) {
    long ns = Math.max(0, lateNs);
    int i = 0;
    while (i < LATENESS_BUCKETS.length && ns > LATENESS_BUCKETS[i] * 1e9) {
      i++;
    }
    lateBuckets.incrementAndGet(i);
    lateNanos.addAndGet(ns);
    lateMax.accumulateAndGet(ns, Math::max);
  }

  /** The runs started so far and how late they started. */
  public Lateness lateness() {
    long[] b = new long[lateBuckets.length()];
    for (int i = 0; i < b.length; i++) {
      b[i] = lateBuckets.get(i);
    }
    return new Lateness(b, lateNanos.get() / 1e9, Duration.ofNanos(lateMax.get()));
  }

  /** Threads now running jobs or waiting for one (steady and spare workers; not the timer). */
  public int workers() {
    lock.lock();
    try {
      return threads.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops scheduling, interrupts the jobs running (a probe's HTTP call ends at once) and waits up
   * to {@code wait} for them to return, so a store is not closed under a job still writing it.
   */
  public void close(Duration wait) {
    List<Thread> all;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      waiting.clear();
      due.clear();
      ready.signalAll();
      spareReady.signalAll();
      timerWake.signalAll();
      all = new ArrayList<>(threads);
    } finally {
      lock.unlock();
    }
    timer.interrupt();
    all.forEach(Thread::interrupt);
    long until = System.nanoTime() + wait.toNanos();
    try {
      for (Thread t : all) {
        long left = until - System.nanoTime();
        if (left > 0) {
          TimeUnit.NANOSECONDS.timedJoin(t, left);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
