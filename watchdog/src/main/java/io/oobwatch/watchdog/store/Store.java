package io.oobwatch.watchdog.store;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.watchdog.page.Page;
import java.time.Instant;
import java.util.List;
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

  /** The firing alert of a subject's rule, if any. */
  Optional<Alert> firing(String subject, String rule);

  /**
   * Opens an alert and queues its pages, atomically: either both are stored or neither.
   *
   * @param pages builds the pages once the alert's id is known
   */
  Alert fire(String subject, String rule, String stage, String summary, Instant at, Function<Alert, List<Page>> pages);

  /** Resolves a firing alert and queues its resolve notices, atomically. */
  Alert resolve(long alertId, Instant at, Function<Alert, List<Page>> pages);

  /** Firing alerts, and alerts resolved since {@code since}, newest first. */
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
