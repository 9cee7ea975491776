package io.oobwatch.probes;

/**
 * The pipeline's entry: where a canary is handed over, as the inference service would hand over a
 * real log record (Kafka produce, HTTP POST, ...).
 *
 * <p>Contract: {@link #inject} never throws for a failing target; it returns a failed {@link
 * Injection} with a reason, within a bounded time.
 */
public interface Injector extends AutoCloseable {
  /** The kind, as written in the config ({@code kafka}, {@code http}). */
  String kind();

  /** Hands the canary to the pipeline entry and waits for it to be accepted. */
  Injection inject(CanaryRecord canary);

  @Override
  default void close() {}
}
