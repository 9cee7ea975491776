package io.oobwatch.watchdog.demo;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The simulated Kafka → Elasticsearch connector: a thread that, every poll interval (random within
 * a range, to look like real batching), copies the records after its committed offset from the
 * topic into the store. Records stay in the topic (retention), as in Kafka. When retention has
 * dropped records it had not consumed, it skips to the oldest retained one: those records are lost,
 * as they would be in a real pipeline.
 */
final class SimulatedConnector implements AutoCloseable {
  private static final int BATCH = 500;

  private final SimulatedLog topic;
  private final SimulatedLog store;
  private final long minPollNanos;
  private final long maxPollNanos;
  private final Thread thread;
  private final AtomicLong loops = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  /** Held for a whole check-and-move, so that once stall() returns no record moves. */
  private final Object moving = new Object();

  private volatile boolean stalled;
  private volatile boolean closed;
  private volatile long committed;

  SimulatedConnector(SimulatedLog topic, SimulatedLog store, Duration minPoll, Duration maxPoll) {
    if (minPoll.compareTo(maxPoll) > 0 || minPoll.isNegative()) {
      throw new IllegalArgumentException("poll interval range " + minPoll + ".." + maxPoll);
    }
    this.topic = topic;
    this.store = store;
    this.minPollNanos = minPoll.toNanos();
    this.maxPollNanos = maxPoll.toNanos();
    this.thread = new Thread(this::run, "simulated-pipeline-connector");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Stops moving records; returns once no move is in progress. */
  void stall() {
    synchronized (moving) {
      stalled = true;
    }
  }

  /** Moves records again, starting right away with everything that piled up. */
  void resume() {
    synchronized (moving) {
      stalled = false;
    }
    signal();
  }

  boolean stalled() {
    return stalled;
  }

  /** Records in the topic not yet copied to the store (consumer lag). */
  long backlog() {
    return topic.endOffset() - Math.max(committed, topic.startOffset());
  }

  /** Poll loops completed so far, moving or stalled; lets tests know the connector had its chance. */
  long loops() {
    return loops.get();
  }

  private void run() {
    while (!closed) {
      pause();
      if (closed) {
        return;
      }
      synchronized (moving) {
        if (!stalled) {
          move();
        }
      }
      loops.incrementAndGet();
    }
  }

  private void move() {
    long from = Math.max(committed, topic.startOffset());
    List<SimulatedLog.Entry> batch = topic.read(from, BATCH);
    for (SimulatedLog.Entry e : batch) {
      store.append(e.json());
    }
    committed = batch.isEmpty() ? from : batch.get(batch.size() - 1).offset() + 1;
  }

  private void pause() {
    long nanos =
        minPollNanos == maxPollNanos
            ? minPollNanos
            : ThreadLocalRandom.current().nextLong(minPollNanos, maxPollNanos + 1);
    lock.lock();
    try {
      if (!closed) {
        wake.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    signal();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
