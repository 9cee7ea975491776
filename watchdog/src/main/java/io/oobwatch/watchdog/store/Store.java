package io.oobwatch.watchdog.store;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.watchdog.detect.HeartbeatRule;
import io.oobwatch.watchdog.page.Page;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * oobwatch's own state, on its own disk: canary sequence numbers, judged canaries, alerts and the
 * page outbox. Never kept in a monitored store. Every method is durable when it returns.
 */
public interface Store extends AutoCloseable {

  /** The next canary sequence number for a pipeline; continues across restarts. */
  long nextSeq(String pipeline);

  /** The last sequence number handed out for a pipeline (0 when none). */
  long lastSeq(String pipeline);

  void saveOutcome(CanaryOutcome outcome);

  /** The newest {@code limit} judged canaries of a pipeline, oldest first. */
  List<OutcomeRow> recentOutcomes(String pipeline, int limit);

  /** Counts of judged canaries by verdict since {@code since}, plus duplicates. */
  OutcomeCounts counts(String pipeline, Instant since);

  /** The open alert of a subject's rule (firing or acknowledged), if any. */
  Optional<Alert> openAlert(String subject, String rule);

  /**
   * Opens an alert and queues its pages, atomically: either both are stored or neither.
   *
   * @param pages builds the pages once the alert's id is known
   */
  Alert fire(String subject, String rule, String stage, String summary, Instant at, Function<Alert, List<Page>> pages);

  /** Resolves an open alert and queues its resolve notices, atomically; its unsent step pages are cancelled. */
  Alert resolve(long alertId, Instant at, Function<Alert, List<Page>> pages);

  /** Open alerts (firing or acknowledged), and alerts resolved since {@code since}, newest first. */
  List<Alert> alerts(Instant since);

  /** Pending pages whose next attempt is due at {@code now}, oldest first. */
  List<OutboxEntry> duePages(Instant now);

  /** Every page not yet sent (pending or failed) plus the newest sent ones, newest first. */
  List<OutboxEntry> pages(int limit);

  void pageSent(long pageId, String sid, Instant at);

  /** Records a failed attempt: retried at {@code retryAt}, or given up when it is null. */
  void pageFailed(long pageId, String error, Instant retryAt);

  /**
   * Saves one round of observations in one transaction, each under its signal's name and the
   * minute it was made in (a later observation of a signal in the same minute replaces the
   * earlier). Kept until pruned: at least 8 days, so "same time last week" is oobwatch's own.
   */
  void saveObservations(List<SignalObservation> observations);

  /** A signal's observations made in {@code [from, to)}, oldest first, each at its minute. */
  List<Observation> observations(String signal, Instant from, Instant to);

  /** The known (VALUE) observations of a signal made in {@code [from, to)}: how many, and their sum. */
  Window window(String signal, Instant from, Instant to);

  /**
   * Several windows of one signal in one read, as {@link #window} gives each: for every end in
   * {@code ends}, the known observations made in {@code [end - length, end)}; in the order of ends.
   */
  List<Window> windows(String signal, java.time.Duration length, List<Instant> ends);

  /**
   * When the signal's current run of observations of the given kinds began: the first observation
   * after the newest one of another kind; null when the newest observation is of another kind or
   * there is none.
   */
  Instant runStart(String signal, java.util.Set<Observation.Kind> kinds);

  /** Deletes judged canaries and observations older than {@code before} (history is kept at least 8 days). */
  void prune(Instant before);

  /**
   * Saves what is known about a heartbeat (its last ping, start, fail, probe streak), so that
   * after a restart its timers continue instead of starting over.
   */
  void saveHeartbeat(String name, HeartbeatRule.State state);

  /** Every stored heartbeat's state, by name. */
  Map<String, HeartbeatRule.State> heartbeats();

  /** How many pages the outbox holds in each state (for metrics); absent states count 0. */
  Map<OutboxEntry.State, Long> pageCounts();
  // --- escalation, acknowledgement, silences (issue 4) ---

  /**
   * Opens an alert together with its escalation (timed from {@code at}) and the pages of the steps
   * due at once, atomically. The escalation keeps {@code text}: every step pages it.
   *
   * @param nextStep how many steps {@code pages} covers (the escalation's next step afterwards)
   * @param pages the pages of those steps, given the alert and its text
   */
  Alert open(String subject, String rule, String stage, String summary, Instant at, Function<Alert, String> text,
      boolean silenced, int nextStep, java.util.function.BiFunction<Alert, String, List<Outgoing>> pages);

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

  /** Writes pages for an alert outside its escalation (reroutes); rows whose dedupe key exists are skipped. */
  void enqueue(long alertId, List<Outgoing> pages, Instant at);

  /** The people (name, phone) an alert's step pages reached, in the order they were first paged. */
  List<Outgoing> pagedFor(long alertId);

  /** Marks every row of a grouped send with the one id the channel gave it. */
  void pagesSent(List<Long> pageIds, String sid, Instant at);

  /** Holds pages back because of the hourly cap. */
  void pagesSuppressed(List<Long> pageIds, String why);

  /** Distinct messages and calls sent to {@code phone} since {@code since}. */
  int sentTo(String phone, Instant since);

  /** Alerts whose pages to {@code phone} were suppressed since the last text message that reached it. */
  int suppressedSinceLastSent(String phone);

  Silence silence(String subject, Instant from, Instant until, String reason, String by);

  /** Silences in force at {@code now}. */
  List<Silence> silences(Instant now);

  /** Pages that failed for good since {@code since}, newest first. */
  List<OutboxEntry> failedPages(Instant since);

  @Override
  void close();

  /** An observation of a named signal ("inference-logs/volume/kafka"). */
  record SignalObservation(String signal, Observation observation) {}

  /** Known observations in a span of time: how many, and the sum of their values. */
  record Window(int values, double sum) {
    /** The mean value, or 0 with no values. */
    public double mean() {
      return values == 0 ? 0 : sum / values;
    }
  }

  /** Judged canaries by verdict. */
  record OutcomeCounts(long ok, long slow, long lost, long unreachable, long duplicates) {}
}
