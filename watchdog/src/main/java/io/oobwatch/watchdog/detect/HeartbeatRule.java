package io.oobwatch.watchdog.detect;

import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.config.Config;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * The heartbeat rule for one heartbeat, pure: (state, observation) → state, and (state, now, is
 * its alert open) → decision. No I/O and no clock of its own, so it is tested alone, and the
 * state it works on is what the store keeps, so a restart resets no timer: a heartbeat that is
 * overdue when oobwatch starts is overdue at once, and one whose alert is already open is not
 * paged again.
 *
 * <p>Push: a ping ({@code POST /heartbeat/NAME}) is a success. No success for {@code every + grace}
 * (counted from the last success, or from when oobwatch began watching when there never was one)
 * is "missing"; a {@code /fail} is failing until the next success; a {@code /start} not followed by
 * a success (or a fail) within {@code grace} is "did not finish". Pull: {@code failuresToFire}
 * failed probes in a row fire; one good probe resolves.
 *
 * <p>The rule is level-triggered ({@link Decision#of}): it fires when a problem holds and no alert
 * is open, resolves when no problem holds and one is (acknowledged or not), so after downtime what is still true pages once and what
 * stopped being true does not page at all.
 */
public final class HeartbeatRule {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);

  private final Config.Heartbeat hb;

  public HeartbeatRule(Config.Heartbeat hb) {
    this.hb = Objects.requireNonNull(hb, "hb");
  }

  /**
   * What is known about a heartbeat. Times are null until the thing first happened.
   *
   * @param watchedSince when oobwatch first watched it (kept across restarts)
   * @param lastOk push: last ping; pull: last good probe
   * @param lastStart push: last {@code /start}
   * @param lastFail push: last {@code /fail}; pull: last failed probe
   * @param failures pull: failed probes in a row (0 after a good one); push: 0
   * @param reason push: what the last {@code /fail} said (may be empty); pull: why the last probe
   *     failed; null when nothing failed yet
   */
  public record State(Instant watchedSince, Instant lastOk, Instant lastStart, Instant lastFail, int failures, String reason) {
    public State {
      Objects.requireNonNull(watchedSince, "watchedSince");
    }

    public static State watchedFrom(Instant at) {
      return new State(at, null, null, null, 0, null);
    }
  }

  /** Something learnt about a heartbeat at a moment on oobwatch's clock. */
  public sealed interface Observation permits Ping, Start, Fail, Probe {
    Instant at();
  }

  /** Push: the component says it is alive (and its job succeeded). */
  public record Ping(Instant at) implements Observation {}

  /** Push: the component's job started. */
  public record Start(Instant at) implements Observation {}

  /** Push: the component's job failed; {@code reason} is what it said ("" when nothing). */
  public record Fail(Instant at, String reason) implements Observation {}

  /** Pull: one probe of the health URL. */
  public record Probe(Instant at, boolean ok, String reason) implements Observation {}

  /** A decision and, when it fires, the alert's one-line summary. */
  public record Step(Decision decision, String summary) {
    static final Step NONE = new Step(Decision.NONE, null);
  }

  /** The state after an observation. */
  public State observe(State s, Observation o) {
    Instant at = o.at();
    if (o instanceof Ping) {
      return new State(s.watchedSince(), at, s.lastStart(), s.lastFail(), 0, s.reason());
    }
    if (o instanceof Start) {
      return new State(s.watchedSince(), s.lastOk(), at, s.lastFail(), s.failures(), s.reason());
    }
    if (o instanceof Fail f) {
      return new State(s.watchedSince(), s.lastOk(), s.lastStart(), at, s.failures(), f.reason());
    }
    Probe p = (Probe) o;
    return p.ok()
        ? new State(s.watchedSince(), at, s.lastStart(), s.lastFail(), 0, s.reason())
        : new State(s.watchedSince(), s.lastOk(), s.lastStart(), at, s.failures() + 1, p.reason());
  }

  /** What is wrong at {@code now}, as the alert's summary; null when nothing is. */
  public String problem(State s, Instant now) {
    return hb.push() ? pushProblem(s, now) : pullProblem(s, now);
  }

  /**
   * @param open whether this heartbeat's alert is open (firing or acknowledged)
   */
  public Step decide(State s, Instant now, boolean open) {
    String problem = problem(s, now);
    Decision d = Decision.of(problem != null, problem == null, open);
    return d == Decision.NONE ? Step.NONE : new Step(d, d == Decision.FIRE ? problem : null);
  }

  /** When a push heartbeat is next expected ({@code every} after the last ping); null for pull. */
  public Instant nextDue(State s) {
    return hb.push() ? base(s).plus(hb.every()) : null;
  }

  /** When a push heartbeat turns missing ({@code every + grace} after the last ping); null for pull. */
  public Instant overdueAt(State s) {
    return hb.push() ? base(s).plus(hb.every()).plus(hb.grace()) : null;
  }

  private static Instant base(State s) {
    return s.lastOk() == null ? s.watchedSince() : s.lastOk();
  }

  private String pushProblem(State s, Instant now) {
    if (after(s.lastFail(), s.lastOk())) {
      String said = s.reason() == null || s.reason().isEmpty() ? "" : ": " + s.reason();
      return "heartbeat " + hb.name() + " reported failure at " + time(s.lastFail(), now) + said;
    }
    if (after(s.lastStart(), s.lastOk()) && after(s.lastStart(), s.lastFail())
        && now.isAfter(s.lastStart().plus(hb.grace()))) {
      return "heartbeat " + hb.name() + " started at " + time(s.lastStart(), now) + " and did not finish within "
          + period(hb.grace());
    }
    if (now.isAfter(overdueAt(s))) {
      String every = "expected every " + period(hb.every());
      return s.lastOk() == null
          ? "heartbeat " + hb.name() + " never pinged (watched since " + time(s.watchedSince(), now) + ", " + every + ")"
          : "heartbeat " + hb.name() + " missing since " + time(s.lastOk(), now) + " (" + every + ")";
    }
    return null;
  }

  private String pullProblem(State s, Instant now) {
    if (s.failures() < hb.failuresToFire()) {
      return null;
    }
    return "heartbeat " + hb.name() + " failing: " + s.reason() + " (" + s.failures() + " in a row)";
  }

  /** Whether {@code a} happened and after {@code b} (or {@code b} never happened). */
  private static boolean after(Instant a, Instant b) {
    return a != null && (b == null || a.isAfter(b));
  }

  /**
   * A configured period as it was likely written: "1m", "2h", "1d", "30s"; other lengths as
   * {@link Durations#format} writes them ("1.5s", "2m30s").
   */
  public static String period(Duration d) {
    long ms = d.toMillis();
    long[] units = {86_400_000, 3_600_000, 60_000, 1_000};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms >= units[i] && ms % units[i] == 0) {
        return ms / units[i] + names[i];
      }
    }
    return Durations.format(d);
  }

  /** "08:41Z" within a day of {@code now}, else "2026-11-26 08:41Z". */
  public static String time(Instant t, Instant now) {
    return Duration.between(t, now).abs().compareTo(Duration.ofHours(20)) < 0 ? TIME.format(t) : DAY_TIME.format(t);
  }
}
