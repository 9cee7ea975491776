package io.oobwatch.watchdog.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  /** Two workers, spares after 100 ms: small enough that a few hanging jobs would stall it without spares. */
  static final Scheduler.Settings SMALL = new Scheduler.Settings(2, 8, Duration.ofMillis(100), Duration.ofMillis(20));

  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  Scheduler scheduler;
  final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void close() {
    release.countDown();
    if (scheduler != null) {
      scheduler.close(Duration.ofSeconds(5));
    }
  }

  @Test
  void aJobRunsWhenDueOnTheInjectedTimeAndAgainAfterTheDelayItReturns() {
    scheduler = new Scheduler("t", SMALL, nanos::get);
    AtomicInteger runs = new AtomicInteger();
    scheduler.schedule("job", Duration.ofSeconds(10), () -> {
      runs.incrementAndGet();
      return Duration.ofSeconds(5);
    });
    nanos.addAndGet(Duration.ofSeconds(9).toNanos());
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 0);
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    await().atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 1);
    nanos.addAndGet(Duration.ofSeconds(4).toNanos());
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 1);
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    await().atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 2);
  }

  @Test
  void aFixedRateJobThatFellBehindSkipsTheMissedRunsAndKeepsItsPhase() {
    scheduler = new Scheduler("t", SMALL, nanos::get);
    long t0 = nanos.get();
    List<Long> ranAt = new CopyOnWriteArrayList<>();
    scheduler.atFixedRate("job", Duration.ZERO, Duration.ofSeconds(10), () -> ranAt.add(nanos.get() - t0));
    await().atMost(Duration.ofSeconds(2)).until(() -> ranAt.size() == 1);
    // 35 s pass at once (a suspended machine): one run now, then back on the 10 s grid at 40 s, not three runs
    nanos.addAndGet(Duration.ofSeconds(35).toNanos());
    await().atMost(Duration.ofSeconds(2)).until(() -> ranAt.size() == 2);
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> ranAt.size() == 2);
    nanos.addAndGet(Duration.ofSeconds(5).toNanos());
    await().atMost(Duration.ofSeconds(2)).until(() -> ranAt.size() == 3);
    assertThat(ranAt.get(2)).isEqualTo(Duration.ofSeconds(40).toNanos());
    // the run after the jump started 25 s after it was due: drift the metrics show
    Scheduler.Lateness late = scheduler.lateness();
    assertThat(late.max()).isEqualTo(Duration.ofSeconds(25));
    assertThat(late.counts()[Scheduler.LATENESS_BUCKETS.length]).isEqualTo(1);
    assertThat(late.runs()).isEqualTo(3);
  }

  @Test
  void aJobIsNeverRunByTwoWorkersAtOnce() {
    scheduler = Scheduler.start("t", SMALL);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    scheduler.schedule("job", Duration.ZERO, () -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      sleepQuietly(5);
      running.decrementAndGet();
      runs.incrementAndGet();
      return Duration.ZERO;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 50);
    assertThat(most.get()).isEqualTo(1);
  }

  @Test
  void jobsHangingOnEveryWorkerDoNotDelayAnotherJobBeyondTheStuckThreshold() throws Exception {
    scheduler = Scheduler.start("t", SMALL);
    // four hanging stores: twice as many as there are workers
    for (int i = 0; i < 4; i++) {
      scheduler.execute("hanging " + i, () -> awaitQuietly(release));
    }
    List<Long> ticks = new CopyOnWriteArrayList<>();
    long start = System.nanoTime();
    scheduler.atFixedRate("healthy pipeline", Duration.ofMillis(50), Duration.ofMillis(100),
        () -> ticks.add(System.nanoTime() - start));
    await().atMost(Duration.ofSeconds(5)).until(() -> ticks.size() >= 10);
    assertThat(scheduler.workers()).as("spare workers took over").isGreaterThan(SMALL.workers());
    // the 10th run is due at 50 + 9 × 100 ms; without spares it would never come (the hanging jobs
    // hold both workers until the test ends); a margin for a loaded machine
    assertThat(Duration.ofNanos(ticks.get(9))).isLessThan(Duration.ofMillis(2000));
    Scheduler.Lateness late = scheduler.lateness();
    assertThat(late.runs()).isGreaterThanOrEqualTo(14);
    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.workers() == SMALL.workers());
  }

  @Test
  void aJobThatThrowsRunsAgainAfterItsPeriod() {
    scheduler = Scheduler.start("t", SMALL);
    AtomicInteger runs = new AtomicInteger();
    scheduler.atFixedRate("failing", Duration.ZERO, Duration.ofMillis(50), () -> {
      runs.incrementAndGet();
      throw new IllegalStateException("store gone");
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
  }

  @Test
  void schedulesOfOneFamilyAreSpreadOverTheirPeriodAndAtMostAMinute() {
    assertThat(Scheduler.spread(0, 200, Duration.ofSeconds(10))).isEqualTo(Duration.ZERO);
    assertThat(Scheduler.spread(100, 200, Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(5));
    assertThat(Scheduler.spread(1, 2, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(30));
    assertThat(Scheduler.spread(0, 1, Duration.ofHours(1))).isEqualTo(Duration.ZERO);
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms); // the job's own work, not the test waiting
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
