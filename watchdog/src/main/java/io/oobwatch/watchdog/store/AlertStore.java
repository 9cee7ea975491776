package io.oobwatch.watchdog.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Alerts with their escalations and silences, on oobwatch's own disk. A change to an alert and the
 * pages it causes are written in one transaction (the pages go to the {@link Outbox}). Every method
 * is durable when it returns.
 */
public interface AlertStore {

  /** The open alert of a subject's rule (firing or acknowledged), if any. */
  Optional<Alert> openAlert(String subject, String rule);

  /**
   * Opens an alert and queues its pages, atomically: either both are stored or neither.
   *
   * @param pages builds the pages once the alert's id is known
   */
  Alert fire(String subject, String rule, String stage, String summary, Instant at, Function<Alert, List<Outgoing>> pages);

  /** Resolves an open alert and queues its resolve notices, atomically; its unsent step pages are cancelled. */
  Alert resolve(long alertId, Instant at, Function<Alert, List<Outgoing>> pages);

  /** Firing alerts, and alerts resolved since {@code since}, newest first. */
  List<Alert> alerts(Instant since);

  /**
   * Opens an alert together with its escalation (timed from {@code at}) and the pages of the steps
   * due at once, atomically. The escalation keeps {@code text}: every step pages it.
   *
   * @param nextStep how many steps {@code pages} covers (the escalation's next step afterwards)
   * @param pages the pages of those steps, given the alert and its text
   */
  Alert open(String subject, String rule, String stage, String summary, Instant at, Function<Alert, String> text,
      boolean silenced, int nextStep, BiFunction<Alert, String, List<Outgoing>> pages);

  /** Open alerts with their escalation progress, oldest first. */
  List<Escalating> escalating();

  Optional<Alert> alert(long id);

  /**
   * Moves an escalation from step {@code from} to {@code to} and writes the pages of those steps,
   * atomically, only if it is still at {@code epoch}/{@code from} (else nothing happens and false is
   * returned): a step's pages are written once, whatever crashes or races.
   */
  boolean advance(long alertId, int epoch, int from, int to, List<Outgoing> pages, Instant at);

  /** Starts the escalation over from its first step, timed from {@code at} (ack timed out, silence ended). */
  void restart(long alertId, Instant at, boolean stillSilenced);

  /**
   * Acknowledges an open alert: escalation stops and its unsent step pages are cancelled. Returns the
   * alert as it is afterwards (unchanged when it was already acknowledged or resolved), or empty.
   */
  Optional<Alert> ack(long alertId, String by, Instant at);

  /** Writes one page of an alert outside its escalation steps; false when a page with its dedupe key exists. */
  boolean add(long alertId, Outgoing page, Instant at);

  /** The people (name, phone) an alert's step pages reached, in the order they were first paged. */
  List<Outgoing> pagedFor(long alertId);

  Silence silence(String subject, Instant from, Instant until, String reason, String by);

  /** Silences in force at {@code now}. */
  List<Silence> silences(Instant now);

  /**
   * Ends a silence at {@code at} if it is still in force then (its alerts are paged again from the
   * next escalation pass, as when it expires); the silence as it was before, empty when there is none.
   */
  Optional<Silence> endSilence(long silenceId, Instant at);
}
