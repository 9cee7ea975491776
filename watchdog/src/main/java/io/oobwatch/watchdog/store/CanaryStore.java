package io.oobwatch.watchdog.store;

import io.oobwatch.probes.canary.CanaryOutcome;
import java.time.Instant;
import java.util.List;

/**
 * Canary sequence numbers and judged canaries, on oobwatch's own disk. Every method is durable when
 * it returns.
 */
public interface CanaryStore {

  /** The next canary sequence number for a pipeline; continues across restarts. */
  long nextSeq(String pipeline);

  /** The last sequence number handed out for a pipeline (0 when none). */
  long lastSeq(String pipeline);

  void saveOutcome(CanaryOutcome outcome);

  /** The newest {@code limit} judged canaries of a pipeline, oldest first. */
  List<OutcomeRow> recentOutcomes(String pipeline, int limit);

  /** Counts of judged canaries by verdict since {@code since}, plus duplicates. */
  OutcomeCounts counts(String pipeline, Instant since);

  /**
   * A pipeline's judged canaries finished in {@code [from, to)}, oldest first, each with its stages'
   * results and latencies: the status page's timeline and latency charts.
   */
  List<JudgedCanary> judged(String pipeline, Instant from, Instant to);

  /** Deletes judged canaries older than {@code before} (history is kept at least 8 days). */
  void prune(Instant before);

  /**
   * A judged canary as the history charts need it: when it was judged, its verdict, its stages, and
   * when it was judged LATE before its deadline (null: never), which its final verdict (SLOW when it
   * arrived after all, LOST when it did not) does not undo.
   */
  record JudgedCanary(Instant finishedAt, CanaryOutcome.Verdict verdict, List<StageTime> stages, Instant judgedLateAt) {
    /** A canary never judged LATE. */
    public JudgedCanary(Instant finishedAt, CanaryOutcome.Verdict verdict, List<StageTime> stages) {
      this(finishedAt, verdict, stages, null);
    }
  }

  /** Where one canary got at one stage: SEEN, SLOW, LATE, LOST or UNREACHABLE, after {@code latencyMs}. */
  record StageTime(String stage, String result, long latencyMs) {}

  /** Judged canaries by verdict. */
  record OutcomeCounts(long ok, long slow, long lost, long unreachable, long duplicates) {}
}
