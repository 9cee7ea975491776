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

  /**
   * How a page names where the canary was when the first stage misses it ("canary lost between
   * injection and kafka"). "injection" when the entry's acceptance means a pipeline component
   * holds the canary (a produce, a POST); an entry that only leaves the canary where a component
   * still has to pick it up (a file a shipper tails) names itself, so the page names that hop
   * ("between file and kafka").
   */
  default String origin() {
    return "injection";
  }

  /**
   * Opens what the first injection needs (a connection, the topic's metadata) without handing
   * anything over, so the first canary's latency is the pipeline's, not oobwatch's cold start.
   * Never throws: what fails here is reported by the next {@link #inject}.
   */
  default void prepare() {}

  /** Hands the canary to the pipeline entry and waits for it to be accepted. */
  Injection inject(CanaryRecord canary);

  @Override
  default void close() {}
}
