package io.oobwatch.watchdog.alert;

import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.detect.Decision;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.AlertStore;
import io.oobwatch.watchdog.store.Delivery;
import io.oobwatch.watchdog.store.Escalating;
import io.oobwatch.watchdog.store.OutboxEntry;
import io.oobwatch.watchdog.store.Outgoing;
import io.oobwatch.watchdog.store.Silence;
import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the rules' decisions ({@link #apply}, the one way every rule fires and resolves) and
 * runs escalation. An alert is opened together with its
 * escalation in one transaction; {@link #escalate()} (every second in the daemon, or driven by a
 * test clock) writes each step's pages to the outbox when the step is due, once per person per step,
 * and wakes the dispatcher. Acknowledgement stops escalation; an ack older than {@code ack_timeout}
 * on an alert that still fires re-arms it. Silenced subjects' alerts are recorded, not paged. With no
 * paging configured, pages go to the console.
 *
 * <p>Lifecycle: firing → acknowledged → resolved (or firing → resolved). An alert is <em>open</em>
 * while firing or acknowledged; rules decide against open alerts, so an acknowledged alert resolves
 * when its condition clears. <em>Firing</em> means not acknowledged (yet). Thread-safe: rules raise and
 * clear from their own threads, acks arrive from the HTTP server, escalation runs on the scheduler.
 */
public final class Alerts {
  private static final Logger log = LoggerFactory.getLogger(Alerts.class);
  static final String CONSOLE = "console";

  private final String instance;
  private final AlertStore store;
  private final Config.Paging paging;
  private final Clock clock;
  private final Runnable wake;
  private final Escalation escalation;
  /** Evaluation rounds running now, on any thread. */
  private final AtomicInteger roundsOpen = new AtomicInteger();
  /** This thread's round: how deep, and whether it queued pages (woken for once, at its end). */
  private final ThreadLocal<Round> round = ThreadLocal.withInitial(Round::new);

  private static final class Round {
    int depth;
    boolean queued;
  }

  /**
   * @param paging null pages the console
   * @param wake called after pages were queued (the dispatcher's wake)
   */
  public Alerts(String instance, AlertStore store, Config.Paging paging, Clock clock, Runnable wake) {
    this.instance = instance;
    this.store = store;
    this.paging = paging;
    this.clock = clock;
    this.wake = wake;
    this.escalation = paging == null || paging.escalation().isEmpty()
        ? new Escalation(List.of(new Config.Step(Duration.ZERO, List.of(CONSOLE), List.of())), Duration.ofDays(1), 0,
            Duration.ofDays(1))
        : Escalation.of(paging);
  }

  public String instance() {
    return instance;
  }

  /**
   * Carries out one evaluation round's decisions (a pipeline's judged canaries, a round of signal
   * rules, a pass over the heartbeats) so that the pages they queue go out together: the
   * dispatcher holds its passes while a round is open ({@link #inRound}) and is woken once, when
   * it ends. Alerts raised in the same evaluation reach each person as one message.
   */
  public void round(Runnable decisions) {
    Round r = round.get();
    r.depth++;
    roundsOpen.incrementAndGet();
    try {
      decisions.run();
    } finally {
      roundsOpen.decrementAndGet();
      if (--r.depth == 0 && r.queued) {
        r.queued = false;
        wake.run();
      }
    }
  }

  /** True while some evaluation round is carrying out its decisions. */
  public boolean inRound() {
    return roundsOpen.get() > 0;
  }

  // pages were written: wake the dispatcher now, or at the end of this thread's round
  private void queued() {
    Round r = round.get();
    if (r.depth > 0) {
      r.queued = true;
    } else {
      wake.run();
    }
  }

  public Escalation escalation() {
    return escalation;
  }

  /** The open alert (firing or acknowledged) of a rule on a subject (a pipeline, a heartbeat, a peer), if any. */
  public Optional<Alert> openAlert(String subject, Rule rule) {
    return store.openAlert(subject, rule.id());
  }

  /** The rules with an open alert (firing or acknowledged) on a subject, in one read. */
  public Set<Rule> openRules(String subject) {
    Set<Rule> out = new java.util.HashSet<>();
    for (Alert a : store.alerts(clock.instant())) {
      if (a.open() && a.subject().equals(subject)) {
        Rule.parse(a.rule()).ifPresent(out::add);
      }
    }
    return out;
  }

  /**
   * What a new alert says.
   *
   * @param stage the hop or part the alert names ("elasticsearch"), may be empty
   * @param summary one line for people ("canary lost between kafka and elasticsearch")
   * @param text the page text, given the alert (its id is known only once it is stored)
   */
  public record Fire(String stage, String summary, Function<Alert, String> text) {}

  /**
   * The words of a rule's alert for either decision, each built only when that decision is taken.
   *
   * @param fire what a new alert says (asked on FIRE only)
   * @param resolve the resolve notice, given the alert and the time it resolved (asked on RESOLVE only)
   */
  public record Words(Supplier<Fire> fire, BiFunction<Alert, Instant, String> resolve) {}

  /**
   * Carries out a rule's decision on a subject: FIRE raises its alert ({@link #raise}), RESOLVE
   * clears it ({@link #clear}), NONE does nothing. Every rule's decision comes through here.
   *
   * @param words built before the decision is known; only the part the decision needs is asked for
   */
  public void apply(Decision decision, String subject, Rule rule, Words words) {
    switch (decision) {
      case FIRE -> {
        Fire f = words.fire().get();
        raise(subject, rule, f.stage(), f.summary(), f.text());
      }
      case RESOLVE -> clear(subject, rule, words.resolve());
      case NONE -> { }
    }
  }

  /**
   * Opens an alert for a subject's rule and pages its first escalation step, unless one is already
   * open (then nothing happens and the open one is returned). Every rule fires through here.
   *
   * @param subject what the alert is about: a pipeline name, or e.g. a heartbeat or peer name
   * @param stage the hop or part it names ("elasticsearch"), may be empty
   * @param summary one line for people ("canary lost between kafka and elasticsearch")
   * @param text the page text, given the alert (its id is known only once it is stored); every
   *     escalation step sends it
   */
  public Alert raise(String subject, Rule rule, String stage, String summary, Function<Alert, String> text) {
    Alert a;
    synchronized (this) {
      Optional<Alert> open = store.openAlert(subject, rule.id());
      if (open.isPresent()) {
        return open.get();
      }
      Instant now = clock.instant();
      boolean silenced = silenced(subject, now);
      // the steps due at once are written with the alert, in one transaction
      int due = silenced ? 0 : escalation.reached(now, 0, now);
      a = store.open(subject, rule.id(), stage, summary, now, text, silenced, due, (alert, body) -> {
        Escalating e = new Escalating(alert, body, 0, now, 0, null, null, silenced);
        List<Outgoing> pages = new ArrayList<>();
        for (int i = 0; i < due; i++) {
          pages.addAll(pagesOf(e, i));
        }
        return pages;
      });
      log.warn("ALERT {} {}: {}{}", a.id(), a.subject(), a.summary(), silenced ? " (silenced: recorded, not paged)" : "");
    }
    queued();
    return a;
  }

  /**
   * Resolves the subject's open alert for a rule, sending the resolve notice to everyone its pages
   * reached (when {@code notify_resolved}). Returns the resolved alert, or empty when none was open.
   *
   * @param text the notice, given the alert and the time it resolved
   */
  public Optional<Alert> clear(String subject, Rule rule, BiFunction<Alert, Instant, String> text) {
    Alert a;
    synchronized (this) {
      Alert open = store.openAlert(subject, rule.id()).orElse(null);
      if (open == null) {
        return Optional.empty();
      }
      a = resolve(open, text);
    }
    queued();
    return Optional.of(a);
  }

  // call holding this object's lock, and queued() after releasing it
  private Alert resolve(Alert open, BiFunction<Alert, Instant, String> text) {
    Instant now = clock.instant();
    boolean notify = paging == null || paging.notifyResolved();
    List<Outgoing> reached = store.pagedFor(open.id());
    Alert a = store.resolve(open.id(), now, alert -> {
      List<Outgoing> out = new ArrayList<>();
      if (notify) {
        String body = text.apply(alert, now);
        for (Outgoing o : reached) {
          out.add(Outgoing.sms("resolve", o.recipient(), o.phone(), body));
        }
      }
      return out;
    });
    log.info("RESOLVED {} {}: was {}", a.id(), a.subject(), a.summary());
    return a;
  }

  /**
   * A rule on a subject that some watch judges, by the config: an alert of it (or of one of its
   * sessions, see {@link Rule#session}) can still resolve.
   */
  public record Watched(String subject, Rule rule) {
    boolean covers(Alert a) {
      return subject.equals(a.subject()) && rule.covers(a.rule());
    }
  }

  /**
   * Resolves the open alerts that nothing watches any more, because their pipeline, check,
   * heartbeat or peer was taken out of the config: left open, they would never resolve and would
   * go on escalating. Everyone they paged gets the notice. Called at start, before any watch runs.
   *
   * @param watched every subject and rule the configured watches can raise
   * @return the alerts resolved
   */
  public List<Alert> retire(Set<Watched> watched) {
    List<Alert> retired = new ArrayList<>();
    for (Escalating e : store.escalating()) {
      Alert open = e.alert();
      if (watched.stream().noneMatch(w -> w.covers(open))) {
        retire(open).ifPresent(a -> {
          log.warn("RESOLVED {} {} ({}): no longer watched, it was removed from the config", a.id(), a.subject(), a.rule());
          retired.add(a);
        });
      }
    }
    return retired;
  }

  // an alert whose rule name no rule has any more is resolved as well: nothing could ever clear it
  private Optional<Alert> retire(Alert open) {
    Optional<Alert> a;
    synchronized (this) {
      Optional<Alert> still = store.openAlert(open.subject(), open.rule());
      if (still.isEmpty()) {
        return Optional.empty();
      }
      a = Optional.of(resolve(still.get(), (alert, at) -> AlertText.retired(instance, alert, at)));
    }
    queued();
    return a;
  }

  /** What an acknowledgement did. */
  public enum AckOutcome {
    ACKNOWLEDGED,
    ALREADY_ACKNOWLEDGED,
    ALREADY_RESOLVED,
    UNKNOWN
  }

  /** @param alert the alert afterwards; null when unknown */
  public record AckResult(AckOutcome outcome, Alert alert) {}

  /** Acknowledges an alert: its escalation stops (until {@code ack_timeout}, if it still fires then). */
  public synchronized AckResult ack(long id, String by) {
    Optional<Alert> before = store.alert(id);
    if (before.isEmpty()) {
      return new AckResult(AckOutcome.UNKNOWN, null);
    }
    switch (before.get().state()) {
      case RESOLVED:
        return new AckResult(AckOutcome.ALREADY_RESOLVED, before.get());
      case ACKNOWLEDGED:
        return new AckResult(AckOutcome.ALREADY_ACKNOWLEDGED, before.get());
      default:
        break;
    }
    Alert after = store.ack(id, by, clock.instant()).orElseThrow();
    log.warn("ACK {} {} by {}: escalation stopped", id, after.subject(), by);
    return new AckResult(after.state() == Alert.State.ACKNOWLEDGED ? AckOutcome.ACKNOWLEDGED : AckOutcome.ALREADY_RESOLVED,
        after);
  }

  /** Open alerts with their escalation progress, oldest first. */
  public List<Escalating> open() {
    return store.escalating();
  }

  /**
   * Silences a subject (a pipeline, or another watched thing) until {@code now + length}: its alerts are
   * recorded but nobody is paged; open alerts stop paging now. When it expires, an alert that still
   * fires starts its escalation from the first step.
   */
  public synchronized Silence silence(String subject, Duration length, String reason, String by) {
    Instant now = clock.instant();
    return silence(subject, now, now.plus(length), reason, by);
  }

  /**
   * Silences a subject from {@code from} until {@code until}, as another member of the cluster took
   * it (keeping its {@code from} tells the members' copies of one silence apart from other silences).
   */
  public synchronized Silence silence(String subject, Instant from, Instant until, String reason, String by) {
    Silence s = store.silence(subject, from, until, reason, by);
    log.warn("SILENCE {} until {} by {}: {}", subject, s.until(), by, reason);
    return s;
  }

  /**
   * Ends a silence now, if it is in force: an alert of its subject that still fires starts its
   * escalation from the first step at the next pass, as when a silence expires.
   *
   * @return the silence as it was before; empty when there is no silence with this id
   */
  public synchronized Optional<Silence> endSilence(long silenceId, String by) {
    Instant now = clock.instant();
    Optional<Silence> before = store.endSilence(silenceId, now);
    before.filter(s -> s.until().isAfter(now))
        .ifPresent(s -> log.warn("SILENCE {} of {} ended early by {}", s.id(), s.subject(), by));
    return before;
  }

  /** Silences in force now. */
  public List<Silence> silences() {
    return store.silences(clock.instant());
  }

  /** One escalation pass over every open alert: writes the pages of the steps now due. */
  public void escalate() {
    // one round: the steps falling due together reach each person as one message
    round(() -> {
      synchronized (this) {
        Instant now = clock.instant();
        for (Escalating e : store.escalating()) {
          if (escalate(e, now)) {
            queued();
          }
        }
      }
    });
  }

  /** Returns true when pages were written. */
  private boolean escalate(Escalating e, Instant now) {
    Alert a = e.alert();
    if (a.state() == Alert.State.ACKNOWLEDGED) {
      Instant rearm = escalation.rearmAt(e.ackedAt());
      if (now.isBefore(rearm)) {
        return false;
      }
      boolean silenced = silenced(a.subject(), now);
      store.restart(a.id(), rearm, silenced);
      log.warn("ALERT {} {} still firing {} after the ack by {}: escalation starts again", a.id(), a.subject(),
          io.oobwatch.probes.canary.Durations.format(Duration.between(e.ackedAt(), rearm)), e.ackedBy());
      e = new Escalating(a, e.text(), e.epoch() + 1, rearm, 0, null, null, silenced);
    } else if (e.silenced()) {
      if (silenced(a.subject(), now)) {
        return false;
      }
      store.restart(a.id(), now, false);
      log.warn("ALERT {} {}: silence ended while it still fires; paging starts", a.id(), a.subject());
      e = new Escalating(a, e.text(), e.epoch() + 1, now, 0, null, null, false);
    }
    if (e.silenced()) {
      return false;
    }
    int to = escalation.reached(e.epochAt(), e.nextStep(), now);
    if (to == e.nextStep()) {
      return false;
    }
    List<Outgoing> pages = new ArrayList<>();
    for (int i = e.nextStep(); i < to; i++) {
      pages.addAll(pagesOf(e, i));
    }
    return store.advance(a.id(), e.epoch(), e.nextStep(), to, pages, now);
  }

  /**
   * A sent page reached nobody (its delivery is on the row: undelivered, no-answer, voicemail, no
   * receipt): the page moves to its next route at once, without waiting for the next step's timer.
   * After an SMS, first a call to the same person when the policy calls them and no step called them
   * yet in this escalation (the next step, when it is the one that calls them); else the next step of
   * the escalation, now; its timer-due turn is then taken. Each hop's text begins with why
   * ("(alice's SMS undelivered: 30034 ...)"). Nothing moves for a resolve notice, or for an alert
   * that is acknowledged, silenced or resolved.
   */
  public void undelivered(OutboxEntry page) {
    Delivery d = page.delivery();
    if (page.event().equals("resolve") || d == null || !d.state().reachedNobody()) {
      return;
    }
    round(() -> {
      synchronized (this) {
        if (hop(page, d)) {
          queued();
        }
      }
    });
  }

  private boolean hop(OutboxEntry page, Delivery d) {
    Optional<Escalating> open = store.escalating().stream().filter(e -> e.alert().id() == page.alertId()).findFirst();
    if (open.isEmpty() || open.get().alert().state() != Alert.State.FIRING || open.get().silenced()) {
      return false;
    }
    Escalating e = open.get();
    Instant now = clock.instant();
    boolean sms = Outgoing.SMS.equals(page.channel());
    String why = "(" + page.recipient() + "'s " + (sms ? "SMS" : "call") + " " + d.state().word() + ": " + d.detail()
        + ") ";
    String name = page.recipient();
    boolean nextStepCalls = e.nextStep() < escalation.total() && escalation.step(e.nextStep()).call().contains(name);
    // the policy's call to them is brought forward: as its own page, unless the next step places it anyway
    if (sms && !nextStepCalls && callsInPolicy(name) && !calledAlready(e, name)) {
      Outgoing call = new Outgoing("undelivered", name, phone(name), why + e.text(), Outgoing.CALL,
          "a" + e.alert().id() + ":e" + e.epoch() + ":undelivered-call:" + name);
      if (store.add(e.alert().id(), call, now)) {
        log.warn("ALERT {}: {}; calling {} now", e.alert().id(), why.strip(), name);
        return true;
      }
    }
    if (e.nextStep() >= escalation.total()) {
      log.error("ALERT {}: {}; no escalation step is left to page, see oobwatch status", e.alert().id(), why.strip());
      return false;
    }
    List<Outgoing> pages = pagesOf(e, e.nextStep()).stream()
        .map(o -> new Outgoing(o.event(), o.recipient(), o.phone(), why + o.body(), o.channel(), o.dedupe())).toList();
    boolean written = store.advance(e.alert().id(), e.epoch(), e.nextStep(), e.nextStep() + 1, pages, now);
    if (written) {
      log.warn("ALERT {}: {}; paging escalation step {} now ({})", e.alert().id(), why.strip(), e.nextStep() + 1,
          String.join(", ", pages.stream().map(o -> o.channel() + " " + o.recipient()).toList()));
    }
    return written;
  }

  private boolean callsInPolicy(String name) {
    return paging != null && paging.escalation().stream().anyMatch(st -> st.call().contains(name));
  }

  // a step already paged in this escalation called them (a hop call once is the dedupe key's job)
  private boolean calledAlready(Escalating e, String name) {
    for (int i = 0; i < e.nextStep(); i++) {
      if (escalation.step(i).call().contains(name)) {
        return true;
      }
    }
    return false;
  }

  private List<Outgoing> pagesOf(Escalating e, int index) {
    Config.Step step = escalation.step(index);
    String event = index == 0 ? (e.epoch() == 0 ? "fire" : "rearm") : "escalate";
    String key = "a" + e.alert().id() + ":e" + e.epoch() + ":s" + index + ":";
    List<Outgoing> out = new ArrayList<>();
    for (String name : step.sms()) {
      out.add(new Outgoing(event, name, phone(name), e.text(), Outgoing.SMS, key + "sms:" + name));
    }
    for (String name : step.call()) {
      out.add(new Outgoing(event, name, phone(name), e.text(), Outgoing.CALL, key + "call:" + name));
    }
    return out;
  }

  private String phone(String name) {
    return name.equals(CONSOLE) && (paging == null || paging.escalation().isEmpty()) ? CONSOLE : paging.person(name).phone();
  }

  private boolean silenced(String subject, Instant now) {
    return store.silences(now).stream().anyMatch(s -> s.subject().equals(subject));
  }
}
