package io.oobwatch.watchdog.store;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The quality and cost tap's tallies on oobwatch's own disk: per pipeline, one compact blob per
 * minute and per hour (what the tap counted, never a raw record), so baselines of the same hour on
 * past days are oobwatch's own and survive a restart; and the sessions each request signal has
 * paged for, so a session pages once.
 */
public interface QualityStore {
  /** Saves minutes' tallies in one transaction, each replacing what was stored for its minute. */
  void saveMinutes(String pipeline, List<Row> minutes);

  /** The stored minutes beginning in {@code [from, to)}, oldest first. */
  List<Row> minutes(String pipeline, Instant from, Instant to);

  /** The start of the newest stored minute; empty when none is stored. */
  java.util.Optional<Instant> lastMinute(String pipeline);

  /** Saves an hour's tally (the merge of its minutes), replacing what was stored for it. */
  void saveHour(String pipeline, Row hour);

  /** The stored hours beginning in {@code [from, to)}, oldest first. */
  List<Row> hours(String pipeline, Instant from, Instant to);

  /** The sessions a signal has paged for. */
  Set<String> namedSessions(String pipeline, String signal);

  /** Notes that a signal paged for a session. */
  void nameSession(String pipeline, String signal, String session, Instant at);

  /** Deletes minutes, hours and named sessions older than {@code before}. */
  void prune(Instant before);

  /**
   * A stored tally.
   *
   * @param at the start of its minute or hour
   * @param tally its compact form
   */
  record Row(Instant at, byte[] tally) {}
}
