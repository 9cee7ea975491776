package io.oobwatch.watchdog.schedule;

import io.oobwatch.probes.http.HealthProbe;
import io.oobwatch.probes.http.HttpCall;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.alert.HeartbeatText;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.detect.HeartbeatRule;
import io.oobwatch.watchdog.status.HeartbeatStatus;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.HeartbeatRecord;
import io.oobwatch.watchdog.store.HeartbeatStore;
import io.oobwatch.watchdog.store.StateStoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every configured heartbeat: receives pushes (from the HTTP server), records pull probes,
 * keeps each heartbeat's state in the store before answering, and carries out the heartbeat rule's
 * decisions through {@link Alerts}. {@link #evaluate()} is ticked by the daemon's scheduler (a push
 * heartbeat turns missing by time passing alone); {@link #probe(String)} by one schedule per pull
 * heartbeat. Thread-safe: pushes arrive on server threads, probes and ticks on scheduler threads;
 * a probe's HTTP call runs outside the lock.
 *
 * <p>On start the states are read back from the store, so timers are not reset by a restart: a
 * heartbeat overdue while oobwatch was down is overdue at the first evaluation, and pages once.
 */
public final class HeartbeatWatch {
  private static final Logger log = LoggerFactory.getLogger(HeartbeatWatch.class);
  /** A {@code /fail} body is kept (and paged) up to this many characters of its first line. */
  static final int REASON_CHARS = 80;

  /** What a push did. */
  public enum Receipt {
    RECORDED,
    /** No push heartbeat has that name (a pull heartbeat does not accept pushes). */
    UNKNOWN,
    /** The bearer token is missing or wrong; nothing was recorded. */
    UNAUTHORIZED
  }

  /** What a push says, as in healthchecks.io: a success, a job starting, a job failing. */
  public enum Signal {
    PING,
    START,
    FAIL
  }

  /**
   * One heartbeat as status and metrics show it.
   *
   * @param problem the failing condition's sentence, null when none holds
   * @param alertId the open alert's id (firing or acknowledged), or null
   * @param lastProbe pull: the last probe in this run, or null
   */
  public record View(
      Config.Heartbeat config, HeartbeatRule.State state, String problem, Long alertId, Instant nextDue,
      Instant overdueAt, HealthProbe.Result lastProbe) {}

  private final class Watched {
    final Config.Heartbeat hb;
    final HeartbeatRule rule;
    final byte[] tokenHash;
    final HealthProbe probe;
    HeartbeatRule.State state;
    HealthProbe.Result lastProbe;

    Watched(Config.Heartbeat hb, HealthProbe probe, HeartbeatRule.State state) {
      this.hb = hb;
      this.rule = new HeartbeatRule(hb);
      this.tokenHash = hb.push() ? sha256(hb.token()) : null;
      this.probe = probe;
      this.state = state;
    }
  }

  private final String instance;
  private final HeartbeatStore store;
  private final Alerts alerts;
  private final Clock clock;
  private final Map<String, Watched> watched = new LinkedHashMap<>();
  /** The heartbeats with an open alert (firing or acknowledged). */
  private final Set<String> open = new HashSet<>();
  private volatile Instant lastEvaluation;
  private volatile List<HeartbeatStatus> published = List.of();
  /** What {@link #published} is copied from, in config order; guarded by the lock. */
  private final Map<String, HeartbeatStatus> current = new LinkedHashMap<>();

  /**
   * @param probes the probe of each pull heartbeat, by name
   */
  public HeartbeatWatch(
      String instance, List<Config.Heartbeat> heartbeats, Map<String, HealthProbe> probes, HeartbeatStore store,
      Alerts alerts, Clock clock) {
    this.instance = instance;
    this.store = store;
    this.alerts = alerts;
    this.clock = clock;
    Map<String, HeartbeatRecord> stored = store.heartbeats();
    Instant now = clock.instant();
    for (Config.Heartbeat hb : heartbeats) {
      HeartbeatRule.State state = state(stored.get(hb.name()));
      if (state == null) {
        state = HeartbeatRule.State.watchedFrom(now);
        save(hb.name(), state);
      }
      watched.put(hb.name(), new Watched(hb, hb.push() ? null : probes.get(hb.name()), state));
      if (alerts.openAlert(hb.name(), Rule.HEARTBEAT).isPresent()) {
        open.add(hb.name());
      }
    }
    publish();
  }

  /** The heartbeats' alert rules, for {@link Alerts#retire}. */
  public List<Alerts.Watched> watchedRules() {
    return watched.keySet().stream().map(name -> new Alerts.Watched(name, Rule.HEARTBEAT)).toList();
  }

  /** The pull heartbeats' names, for the scheduler. */
  public List<Config.Heartbeat> pulls() {
    return watched.values().stream().filter(w -> !w.hb.push()).map(w -> w.hb).toList();
  }

  /**
   * A push from a component. The token is compared in constant time (both sides hashed first, so
   * not even its length leaks). Recorded in the store before this returns.
   *
   * @param token the bearer token presented, null when none
   * @param body the request body; for {@link Signal#FAIL} its first line is kept as the reason
   */
  public Receipt receive(String name, String token, Signal signal, String body) {
    Watched w = watched.get(name);
    if (w == null || !w.hb.push()) {
      return Receipt.UNKNOWN;
    }
    if (token == null || !MessageDigest.isEqual(w.tokenHash, sha256(token))) {
      log.warn("heartbeat {}: {} refused: {} bearer token", name, signal, token == null ? "no" : "wrong");
      return Receipt.UNAUTHORIZED;
    }
    synchronized (this) {
      Instant now = clock.instant();
      HeartbeatRule.Observation o = switch (signal) {
        case PING -> new HeartbeatRule.Ping(now);
        case START -> new HeartbeatRule.Start(now);
        case FAIL -> new HeartbeatRule.Fail(now, reason(body));
      };
      observe(w, o, now);
      publish(w);
    }
    log.info("heartbeat {}: {}", name, signal);
    return Receipt.RECORDED;
  }

  /** Probes a pull heartbeat once (bounded by its timeout) and judges the result. Never throws. */
  public void probe(String name) {
    Watched w = watched.get(name);
    if (w == null || w.probe == null) {
      return;
    }
    try {
      HealthProbe.Result r = w.probe.probe();
      synchronized (this) {
        w.lastProbe = r;
        observe(w, new HeartbeatRule.Probe(clock.instant(), r.ok(), r.reason()), clock.instant());
        publish(w);
      }
      if (!r.ok()) {
        log.info("heartbeat {}: probe failed: {}", name, r.reason());
      }
    } catch (StateStoreException e) {
      // the state alarm says it, once a minute; the probe still counts in the streak (observe)
    } catch (RuntimeException e) {
      log.error("heartbeat {}: probe could not be judged: {}", name, e.toString(), e);
    }
  }

  /** Judges every heartbeat at the clock's now: a push heartbeat turns missing by time alone. */
  public synchronized void evaluate() {
    Instant now = clock.instant();
    boolean[] failed = {false};
    alerts.round(() -> {
      for (Watched w : watched.values()) {
        try {
          decide(w, now);
        } catch (StateStoreException e) {
          failed[0] = true; // the state alarm says it, once a minute
        } catch (RuntimeException e) {
          failed[0] = true;
          log.error("heartbeat {}: evaluation failed: {}", w.hb.name(), e.toString(), e);
        }
      }
    });
    publish();
    // a pass that failed is not a completed one: the stall judgement (/healthz, systemd) sees it
    if (!failed[0]) {
      lastEvaluation = now;
    }
  }

  /** When {@link #evaluate()} last completed, null before the first time. */
  public Instant lastEvaluation() {
    return lastEvaluation;
  }

  public synchronized List<View> views() {
    Instant now = clock.instant();
    List<View> out = new ArrayList<>();
    for (Watched w : watched.values()) {
      out.add(view(w, now));
    }
    return out;
  }

  private View view(Watched w, Instant now) {
    Long alertId = open.contains(w.hb.name())
        ? alerts.openAlert(w.hb.name(), Rule.HEARTBEAT).map(Alert::id).orElse(null) : null;
    return new View(w.hb, w.state, w.rule.problem(w.state, now), alertId, w.rule.nextDue(w.state),
        w.rule.overdueAt(w.state), w.lastProbe);
  }

  /**
   * The {@code heartbeats} part of {@code /status}, as published after the last evaluation, probe
   * or push: answers from memory, on any thread.
   */
  public List<HeartbeatStatus> status() {
    return published;
  }

  /** Publishes what {@link #status()} answers, every heartbeat anew. Caller holds the lock. */
  private void publish() {
    Instant now = clock.instant();
    for (Watched w : watched.values()) {
      current.put(w.hb.name(), status(view(w, now)));
    }
    published = List.copyOf(current.values());
  }

  /**
   * Publishes one heartbeat anew after a push or a probe, the others as they were: with a thousand
   * heartbeats, a probe does not rebuild a thousand views. Caller holds the lock.
   */
  private void publish(Watched w) {
    current.put(w.hb.name(), status(view(w, clock.instant())));
    published = List.copyOf(current.values());
  }

  private static HeartbeatStatus status(View v) {
    Config.Heartbeat hb = v.config();
    HeartbeatRule.State s = v.state();
    String state = v.problem() != null ? "down" : s.lastOk() == null ? "waiting" : "ok";
    String every = HeartbeatRule.period(hb.every());
    if (hb.push()) {
      return new HeartbeatStatus.Push(hb.name(), "push", state, v.problem(), v.alertId(), every, s.lastOk(),
          HeartbeatRule.period(hb.grace()), v.nextDue(), v.overdueAt(), s.lastStart(), s.lastFail(), s.reason(),
          s.watchedSince());
    }
    HealthProbe.Result r = v.lastProbe();
    return new HeartbeatStatus.Pull(hb.name(), "pull", state, v.problem(), v.alertId(), every, s.lastOk(),
        HttpCall.redact(hb.pull().url()), hb.pull().expectation(), hb.failuresToFire(), s.failures(), s.lastFail(),
        s.reason(), r == null ? null : r.at(), r == null ? null : r.at().plus(hb.every()), s.watchedSince());
  }

  /** The rule's state as the store kept it; null when none was kept. */
  private static HeartbeatRule.State state(HeartbeatRecord r) {
    return r == null ? null
        : new HeartbeatRule.State(r.watchedSince(), r.lastOk(), r.lastStart(), r.lastFail(), r.failures(), r.reason());
  }

  private void save(String name, HeartbeatRule.State s) {
    store.saveHeartbeat(name,
        new HeartbeatRecord(s.watchedSince(), s.lastOk(), s.lastStart(), s.lastFail(), s.failures(), s.reason()));
  }

  /**
   * Moves the state, stores it, then carries out the rule's decision. Caller holds the lock. The
   * state in memory moves even when storing it fails (a full disk), so the streak counts every
   * observation of the outage; the next store that succeeds writes the whole state.
   */
  private void observe(Watched w, HeartbeatRule.Observation o, Instant now) {
    w.state = w.rule.observe(w.state, o);
    save(w.hb.name(), w.state);
    decide(w, now);
  }

  private void decide(Watched w, Instant now) {
    String name = w.hb.name();
    HeartbeatRule.Step step = w.rule.decide(w.state, now, open.contains(name));
    alerts.apply(step.decision(), name, Rule.HEARTBEAT, new Alerts.Words(
        () -> new Alerts.Fire("", step.summary(), alert -> HeartbeatText.fire(instance, alert)),
        (alert, at) -> HeartbeatText.resolve(instance, alert, at, w.hb.push() ? "pinged " + HeartbeatRule.time(w.state.lastOk(), now)
            : Optional.ofNullable(w.lastProbe).map(HealthProbe.Result::reason).orElse("probe ok"))));
    switch (step.decision()) {
      case FIRE -> open.add(name);
      case RESOLVE -> open.remove(name);
      case NONE -> { }
    }
  }

  /** The first non-blank line of a fail body, without control characters, cut to a page's size. */
  static String reason(String body) {
    if (body == null) {
      return "";
    }
    String line = body.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
    line = line.replaceAll("\\p{Cntrl}", "");
    return line.length() > REASON_CHARS ? line.substring(0, REASON_CHARS) + "..." : line;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
