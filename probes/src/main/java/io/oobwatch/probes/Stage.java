package io.oobwatch.probes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One hop of the pipeline where a canary can be looked for (a Kafka topic, an index, an HTTP query).
 *
 * <p>Contract: {@link #lookup} never throws for a failing target: a store that cannot be queried is
 * {@link Lookup.Status#UNREACHABLE} with the reason (connection refused, timeout, HTTP 503, auth
 * rejected), never "not found" and never "found". Each call is bounded in time.
 */
public interface Stage extends AutoCloseable {
  /** The stage's name in pages and tables; unique within a pipeline ("kafka", "elasticsearch"). */
  String name();

  /**
   * Called just before the canary is injected, so that the stage can position itself to see it
   * (a Kafka consumer at the current end offsets). Default: nothing to do.
   */
  default void arm(CanaryRecord canary) {}

  /** Looks once for the canary. */
  Lookup lookup(CanaryRecord canary);

  /**
   * Looks once for every canary in flight: one query to the store where its API allows it (a
   * {@code terms} query, one scan of a topic), so the load on the store does not grow with the
   * number of canaries in flight. Same contract as {@link #lookup}, per canary; the answer has one
   * entry per canary given, by {@link CanaryRecord#id()}.
   *
   * <p>Default: one {@link #lookup} per canary, oldest first; once the stage could not be queried
   * (unreachable, rate-limited) the others get the same answer without asking again, so a hanging
   * store costs one timeout per poll, not one per canary.
   */
  default Map<String, Lookup> lookupAll(List<CanaryRecord> canaries) {
    Map<String, Lookup> out = new LinkedHashMap<>();
    Lookup couldNot = null;
    for (CanaryRecord c : canaries) {
      Lookup l = couldNot != null ? couldNot : lookup(c);
      if (l.status() == Lookup.Status.UNREACHABLE || l.status() == Lookup.Status.RATE_LIMITED) {
        couldNot = l;
      }
      out.put(c.id(), l);
    }
    return out;
  }

  /**
   * How old an answer may be when it is given: a stage that queries its store at most once per
   * {@code poll} repeats its last answer in between, so its "not found" may be that old. Zero (the
   * default): every answer is asked of the store now.
   */
  default java.time.Duration maxAnswerAge() {
    return java.time.Duration.ZERO;
  }

  /** The canary is finished with (found everywhere or past its deadline); drop state kept for it. */
  default void forget(CanaryRecord canary) {}

  @Override
  default void close() {}
}
