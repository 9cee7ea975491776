package io.oobwatch.watchdog.store;

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

  /** Deletes judged canaries older than {@code before} (history is kept at least 8 days). */
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

  @Override
  void close();

  /** Judged canaries by verdict. */
  record OutcomeCounts(long ok, long slow, long lost, long unreachable, long duplicates) {}
}
