package io.oobwatch.watchdog.systemd;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the daemon is doing ({@code Type=notify}, {@code WatchdogSec=}), and does
 * nothing at all when {@code $NOTIFY_SOCKET} is unset (not started by systemd).
 *
 * <ul>
 *   <li>{@code READY=1} once the first evaluation round of every pipeline ran (the config was
 *       loaded before the daemon was built), so {@code systemctl start} returns when oobwatch
 *       really watches;
 *   <li>{@code STATUS=} a one-line summary for {@code systemctl status}, recomputed every
 *       {@link #STATUS_EVERY} and sent when it changed ("STALLED: ..." while the loop is stalled);
 *   <li>{@code WATCHDOG=1} every half of {@code $WATCHDOG_USEC}, but only while the evaluation
 *       loop makes progress: a wedged scheduler stops the pings and systemd restarts the service;
 *   <li>{@code STOPPING=1} when the daemon shuts down.
 * </ul>
 *
 * <p>Runs on its own thread, not on the evaluation threads whose progress it reports, so a
 * blocked probe cannot keep the pings going, and a dead JVM stops them too.
 */
public final class SystemdNotifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);
  /** How often the summary is recomputed; STATUS= is sent when it changed. */
  static final Duration STATUS_EVERY = Duration.ofSeconds(2);
  /** How often readiness is checked until READY=1 was sent (then only STATUS_EVERY). */
  private static final long READY_CHECK_MS = 50;

  /**
   * What the notifier reads from the daemon.
   *
   * @param firstRoundDone true once every pipeline completed one evaluation round
   * @param stalled why the evaluation loop is not progressing, or null while it is
   * @param summary one line: "3 pipelines, 0 firing, last canary 0.8s"
   */
  public record Source(BooleanSupplier firstRoundDone, Supplier<String> stalled, Supplier<String> summary) {}

  private final NotifySocket socket;
  private final Source source;
  private final Duration watchdogEvery;
  private final ScheduledExecutorService thread;
  private String lastStatus;
  private boolean sendFailed;
  private volatile boolean withholding;
  private final java.util.concurrent.atomic.AtomicLong watchdogPings = new java.util.concurrent.atomic.AtomicLong();

  private SystemdNotifier(NotifySocket socket, Source source, Duration watchdogEvery) {
    this.socket = socket;
    this.source = source;
    this.watchdogEvery = watchdogEvery;
    this.thread = socket == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "oobwatch-systemd");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts notifying per {@code env} ({@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC},
   * {@code WATCHDOG_PID}); without {@code NOTIFY_SOCKET} returns a notifier that does nothing.
   *
   * @throws IllegalStateException when systemd asked for notifications but they cannot be sent
   *     (no epoll transport): starting anyway would only end in systemd's start timeout
   */
  public static SystemdNotifier start(Map<String, String> env, Source source) {
    String address = env.get("NOTIFY_SOCKET");
    if (address == null || address.isBlank()) {
      return new SystemdNotifier(null, source, null);
    }
    Duration every = watchdogInterval(env, ProcessHandle.current().pid());
    SystemdNotifier n = new SystemdNotifier(NotifySocket.open(address), source, every);
    n.thread.schedule(n::awaitReady, 0, TimeUnit.MILLISECONDS);
    if (every != null) {
      n.thread.scheduleAtFixedRate(n::watchdog, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }
    log.info("systemd notification to {}{}", n.socket.describe(),
        every == null ? " (no watchdog)" : "; watchdog ping every " + every.toMillis() + "ms while evaluation progresses");
    return n;
  }

  /**
   * Half of {@code WATCHDOG_USEC} (systemd's recommendation), or null when no watchdog is asked
   * for this process: unset, zero, unparsable, or {@code WATCHDOG_PID} naming another process.
   */
  static Duration watchdogInterval(Map<String, String> env, long pid) {
    String usec = env.get("WATCHDOG_USEC");
    String forPid = env.get("WATCHDOG_PID");
    if (usec == null || (forPid != null && !forPid.isBlank() && !forPid.trim().equals(Long.toString(pid)))) {
      return null;
    }
    try {
      long micros = Long.parseLong(usec.trim());
      return micros <= 0 ? null : Duration.ofNanos(micros * 1000 / 2);
    } catch (NumberFormatException e) {
      log.warn("ignoring WATCHDOG_USEC={}: not a number of microseconds", usec);
      return null;
    }
  }

  /** Whether systemd is being notified (NOTIFY_SOCKET was set). */
  public boolean active() {
    return socket != null;
  }

  /** How often {@code WATCHDOG=1} is sent while evaluation progresses; null when systemd asked for no watchdog. */
  public Duration watchdogEvery() {
    return watchdogEvery;
  }

  /** How many {@code WATCHDOG=1} systemd took so far. */
  public long watchdogPings() {
    return watchdogPings.get();
  }

  /** True while the pings are held back because evaluation stalled (systemd will restart oobwatch). */
  public boolean withholding() {
    return withholding;
  }

  /** Checks readiness every few milliseconds until READY=1 is sent, then updates STATUS= from time to time. */
  private void awaitReady() {
    try {
      if (source.firstRoundDone().getAsBoolean()) {
        lastStatus = status();
        send("READY=1\nSTATUS=" + lastStatus);
        log.info("ready: told systemd READY=1");
        thread.scheduleWithFixedDelay(this::statusUpdate, STATUS_EVERY.toMillis(), STATUS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return;
      }
    } catch (RuntimeException e) {
      log.warn("systemd readiness check failed: {}", e.toString());
    }
    thread.schedule(this::awaitReady, READY_CHECK_MS, TimeUnit.MILLISECONDS);
  }

  private void statusUpdate() {
    try {
      String stalled = source.stalled().get();
      String status = stalled == null ? status() : "STALLED: " + oneLine(stalled);
      if (!status.equals(lastStatus)) {
        send("STATUS=" + status);
        lastStatus = status;
      }
    } catch (RuntimeException e) {
      log.warn("systemd status update failed: {}", e.toString());
    }
  }

  private String status() {
    return oneLine(source.summary().get());
  }

  private void watchdog() {
    try {
      String stalled = source.stalled().get();
      if (stalled == null) {
        if (send("WATCHDOG=1")) {
          watchdogPings.incrementAndGet();
        }
        if (withholding) {
          withholding = false;
          log.info("evaluation progresses again: pinging the systemd watchdog again");
        }
      } else if (!withholding) {
        withholding = true;
        log.error("not pinging the systemd watchdog (systemd restarts oobwatch after WatchdogSec): {}", stalled);
      }
    } catch (RuntimeException e) {
      log.warn("systemd watchdog check failed: {}", e.toString());
    }
  }

  private boolean send(String message) {
    boolean ok = socket.send(message);
    if (ok == sendFailed) {
      sendFailed = !ok;
      if (ok) {
        log.info("systemd notification works again ({})", socket.describe());
      } else {
        log.warn("cannot notify systemd at {}; is the socket gone?", socket.describe());
      }
    }
    return ok;
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
  }

  /** Stops the status and watchdog updates, then sends {@code STOPPING=1}. */
  @Override
  public void close() {
    if (socket == null) {
      return;
    }
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    socket.send("STOPPING=1\nSTATUS=stopping");
    socket.close();
  }
}
