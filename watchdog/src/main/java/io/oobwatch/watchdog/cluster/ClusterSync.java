package io.oobwatch.watchdog.cluster;

import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.detect.Decision;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.page.SmsText;
import io.oobwatch.watchdog.status.ClusterStatus;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.AlertStore;
import io.oobwatch.watchdog.store.Escalating;
import io.oobwatch.watchdog.store.Silence;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this member's alerts and the cluster's log in step, once a second and whenever another
 * member's facts arrive: tells the others when an alert here opens, is acknowledged or resolves;
 * acknowledges here an alert that someone acknowledged on another member (a Twilio reply or
 * {@code oobwatch ack} reaching any member stops the escalation everywhere); silences and lifts
 * them the same way (a silence taken or lifted on any member, by {@code oobwatch silence} or the
 * status page, holds on every member, and a member that joins late takes the silences in force);
 * and raises the "left the cluster" alert when a member has been gone for {@code peer_timeout}.
 */
public final class ClusterSync {
  private static final Logger log = LoggerFactory.getLogger(ClusterSync.class);
  /** The subject of the alert about members that left. */
  public static final String SUBJECT = "cluster";
  /** How long facts of a finished incident are kept: longer than any ack_timeout re-arm. */
  static final Duration KEEP = Duration.ofDays(2);
  private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm'Z'").withZone(ZoneOffset.UTC);

  private final ClusterChannel channel;
  private final ClusterGate gate;
  private final AlertStore store;
  private final Alerts alerts;
  private final Clock clock;
  /** What was told of each alert of this member: its state when last published. */
  private final Map<Long, Alert.State> told = new HashMap<>();
  /** The silences in force here after the last pass, by subject and from: one gone early was lifted here. */
  private final Set<SilenceId> inForce = new HashSet<>();
  /** This member's first pass. */
  private Instant startedAt;
  /** The member-left alert was open at the first pass and a listed member has not been in the view since. */
  private boolean awaitListed;

  /** A silence, the same on every member (see {@link LogEntry.Window}). */
  private record SilenceId(String subject, long from) {}

  public ClusterSync(ClusterChannel channel, ClusterGate gate, AlertStore store, Alerts alerts, Clock clock) {
    this.channel = channel;
    this.gate = gate;
    this.store = store;
    this.alerts = alerts;
    this.clock = clock;
  }

  /** Runs {@code r} whenever another member's facts arrive or the view changes (the daemon runs a tick). */
  public void onChange(Runnable r) {
    channel.onChange(r);
  }

  /** One pass: tell, apply the others' acks and silences, judge members that left. */
  public synchronized void tick() {
    Instant now = clock.instant();
    tell(now);
    applyAcks();
    syncSilences(now);
    judgeLeft(now);
    channel.notifications().prune(now.minus(KEEP));
  }

  private void tell(Instant now) {
    Map<Long, Escalating> open = new HashMap<>();
    for (Escalating e : store.escalating()) {
      open.put(e.alert().id(), e);
    }
    Map<Long, Alert.State> seen = new HashMap<>();
    for (Alert a : store.alerts(now.minus(Duration.ofDays(1)))) {
      seen.put(a.id(), a.state());
      Alert.State before = told.get(a.id());
      if (before == a.state()) {
        continue;
      }
      String key = ClusterGate.key(a);
      String self = channel.self();
      channel.publish(new LogEntry(LogEntry.Type.OPENED, key, self, null, null, a.openedAt().toEpochMilli()));
      Escalating e = open.get(a.id());
      if (a.state() == Alert.State.ACKNOWLEDGED && e != null && e.ackedAt() != null) {
        channel.publish(new LogEntry(LogEntry.Type.ACKED, key, self, null, e.ackedBy(), e.ackedAt().toEpochMilli()));
      }
      if (a.state() == Alert.State.RESOLVED && a.resolvedAt() != null) {
        channel.publish(new LogEntry(LogEntry.Type.RESOLVED, key, self, null, null, a.resolvedAt().toEpochMilli()));
      }
    }
    told.clear();
    told.putAll(seen);
  }

  // an ack taken on another member in this incident acknowledges the alert here too; an ack from
  // before the escalation last started over (ack_timeout re-armed it) is spent
  private void applyAcks() {
    Set<String> present = new HashSet<>(channel.members());
    for (Escalating e : store.escalating()) {
      Alert a = e.alert();
      if (a.state() != Alert.State.FIRING) {
        continue;
      }
      String key = ClusterGate.key(a);
      Instant since = channel.notifications().incidentStart(key, a.openedAt(), present);
      Optional<LogEntry> ack = channel.notifications().acked(key, e.epoch() == 0 ? since : e.epochAt());
      if (ack.isPresent() && !ack.get().member().equals(channel.self())) {
        LogEntry k = ack.get();
        Alerts.AckResult r = alerts.ack(a.id(), k.detail() + " on " + k.member());
        if (r.outcome() == Alerts.AckOutcome.ACKNOWLEDGED) {
          log.warn("ACK {} {}: acknowledged by {} on {}; escalation stopped here too", a.id(), a.subject(), k.detail(),
              k.member());
        }
      }
    }
  }

  // A silence here that the log lacks is told; one the log has and this member lacks is taken
  // here, or told as lifted if it was in force here at the last pass (someone lifted it here);
  // one lifted elsewhere is lifted here. Only the first member to take a silence tells it: the
  // others' copies have the same subject and from, and are known by them.
  private void syncSilences(Instant now) {
    NotificationLog notes = channel.notifications();
    String self = channel.self();
    Map<SilenceId, Silence> here = new HashMap<>();
    for (Silence s : alerts.silences()) {
      SilenceId id = new SilenceId(s.subject(), s.from().toEpochMilli());
      Optional<LogEntry> lift = notes.liftedBy(id.subject(), id.from());
      if (lift.isPresent()) {
        alerts.endSilence(s.id(), "someone on " + lift.get().member());
        continue;
      }
      here.put(id, s);
      if (!notes.silenced(id.subject(), id.from())) {
        channel.publish(new LogEntry(LogEntry.Type.SILENCED, s.subject(), self, null, null, id.from(),
            new LogEntry.Window(id.from(), s.until().toEpochMilli(), s.reason(), s.by())));
      }
    }
    for (LogEntry f : notes.silences(now)) {
      SilenceId id = new SilenceId(f.key(), f.silence().from());
      // a silence that began in this member's future (the clocks differ a little) is taken once it has begun here
      if (here.containsKey(id) || id.from() > now.toEpochMilli()) {
        continue;
      }
      if (inForce.contains(id)) {
        channel.publish(new LogEntry(LogEntry.Type.SILENCE_LIFTED, f.key(), self, null, null,
            now.toEpochMilli(), f.silence()));
        log.warn("SILENCE of {} lifted here; lifted on every member", f.key());
      } else {
        LogEntry.Window w = f.silence();
        Silence s = alerts.silence(f.key(), Instant.ofEpochMilli(w.from()), Instant.ofEpochMilli(w.until()),
            w.reason(), w.by() + " on " + f.member());
        here.put(id, s);
      }
    }
    inForce.clear();
    inForce.addAll(here.keySet());
  }

  // Who left lives in memory: after a restart with the alert open, the members of cluster.members
  // that are not in the view once peer_timeout has passed are still the ones gone (the alert stays
  // open until each is back); one taken out of cluster.members is not awaited, and the alert
  // resolves when no listed member is missing. This ends once every listed member was in the view.
  private void judgeLeft(Instant now) {
    Duration timeout = channel.config().peerTimeout();
    if (startedAt == null) {
      startedAt = now;
      awaitListed = alerts.openAlert(SUBJECT, Rule.MEMBER_LEFT).isPresent();
    }
    List<String> absent = awaitListed ? channel.absent() : List.of();
    awaitListed = awaitListed && !absent.isEmpty();
    boolean settling = awaitListed && startedAt.plus(timeout).isAfter(now);
    List<String> gone = new ArrayList<>();
    Instant first = null;
    for (Map.Entry<String, Instant> e : channel.left().entrySet()) {
      if (!e.getValue().plus(timeout).isAfter(now)) {
        gone.add(e.getKey());
        first = first == null || e.getValue().isBefore(first) ? e.getValue() : first;
      }
    }
    if (!settling) {
      for (String m : absent) {
        if (!gone.contains(m) && !channel.left().containsKey(m)) {
          gone.add(m);
          first = first == null || startedAt.isBefore(first) ? startedAt : first;
        }
      }
    }
    boolean open = alerts.openAlert(SUBJECT, Rule.MEMBER_LEFT).isPresent();
    Decision d = Decision.of(!gone.isEmpty(), gone.isEmpty() && !settling, open);
    if (d == Decision.NONE) {
      return;
    }
    Instant since = first;
    String summary = gone.isEmpty() ? "" : String.join(", ", gone) + (gone.size() == 1 ? " left" : " left")
        + " the cluster " + Durations.format(Duration.between(since, now).withNanos(0)) + " ago (" + HHMM.format(since)
        + ")";
    String instance = alerts.instance();
    alerts.apply(d, SUBJECT, Rule.MEMBER_LEFT, new Alerts.Words(
        () -> new Alerts.Fire("", summary, a -> SmsText.fit(
            "[oobwatch " + instance + "] ALERT " + a.id() + " " + a.subject() + ": " + a.summary() + "; view now "
                + String.join(", ", channel.members()) + ". Reply ACK " + a.id() + ".",
            instance + ": ALERT " + a.id() + " " + a.subject() + ": " + a.summary() + ". Reply ACK " + a.id() + ".")),
        (a, at) -> SmsText.fit("[oobwatch " + instance + "] RESOLVED " + a.id() + " cluster: every member of"
            + " cluster.members is in the view at " + HHMM.format(at) + ". Was: " + a.summary() + ".",
            instance + ": RESOLVED " + a.id() + " cluster: every listed member is in the view at " + HHMM.format(at)
                + ".")));
  }

  /** What /status shows of the cluster. */
  public ClusterStatus status() {
    List<String> members = channel.members();
    List<ClusterStatus.Member> ms = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      ms.add(new ClusterStatus.Member(members.get(i), i, members.get(i).equals(channel.self())));
    }
    List<ClusterStatus.Left> left = channel.left().entrySet().stream()
        .map(e -> new ClusterStatus.Left(e.getKey(), e.getValue())).toList();
    List<ClusterStatus.Paged> pages = channel.notifications().pages(20).stream()
        .map(e -> new ClusterStatus.Paged(e.key(), e.step(), e.member(), e.detail(), Instant.ofEpochMilli(e.at())))
        .toList();
    return new ClusterStatus(channel.config().name(), channel.self(), channel.rank(), ms, left,
        channel.config().members().size(), channel.config().agree(), Durations.format(channel.config().peerTimeout()),
        gate.sentHere(), gate.heldBack(), pages);
  }
}
