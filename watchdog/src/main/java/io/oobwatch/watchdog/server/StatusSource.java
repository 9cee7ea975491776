package io.oobwatch.watchdog.server;

/**
 * What the daemon tells the HTTP server. Both methods are called on a netty I/O thread for each
 * request, so they must answer quickly from state already in memory (a snapshot), never by probing
 * a target. An exception thrown here becomes a 500 for that one request; the server keeps serving.
 */
public interface StatusSource {
  /** Whether the daemon is healthy, for {@code GET /healthz}. */
  Health health();

  /**
   * The document for {@code GET /status}: the daemon answers its typed {@code
   * io.oobwatch.watchdog.status.StatusDocument}; any tree Jackson can serialise (records, maps,
   * lists, {@code JsonNode}) is written as is. {@code java.time} values are written as ISO-8601
   * strings.
   */
  Object status();

  /**
   * The body of {@code GET /metrics}: Prometheus text format 0.0.4 (see {@link Exposition}). A
   * source without metrics answers an empty exposition.
   */
  default String metrics() {
    return "";
  }

  /**
   * The status page for {@code GET /}: HTML drawn from what is already in memory, like {@link
   * #status}. A source without a page answers null (404).
   */
  default String page() {
    return null;
  }

  /** {@code GET /history/canaries?pipeline=P}: the pipeline's canary history; empty when it is not watched (404). */
  default java.util.Optional<Object> canaryHistory(String pipeline) {
    return java.util.Optional.empty();
  }

  /** {@code GET /history/signals?pipeline=P}: the pipeline's signal history; empty when it is not watched (404). */
  default java.util.Optional<Object> signalHistory(String pipeline) {
    return java.util.Optional.empty();
  }

  /**
   * {@code GET /history/quality?pipeline=P}: the quality and cost signals' history of a pipeline
   * with a tap; empty when it has none (404).
   */
  default java.util.Optional<Object> qualityHistory(String pipeline) {
    return java.util.Optional.empty();
  }
}
