package io.oobwatch.probes;

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

  /** The canary is finished with (found everywhere or past its deadline); drop state kept for it. */
  default void forget(CanaryRecord canary) {}

  @Override
  default void close() {}
}
