package io.oobwatch.watchdog.config;

import java.util.List;
import java.util.Objects;

/**
 * A pipeline's quality and cost signals and how its records name a request.
 *
 * @param pricing null without a price table
 */
public record QualitySpec(FieldPath requestId, FieldPath sessionId, List<Signal> signals, Pricing pricing) {
  /** Records larger than this are counted as a problem and not parsed. */
  public static final int MAX_RECORD_BYTES = 1 << 20;
  /** The largest requests kept per minute and signal, with their request and session ids. */
  public static final int TOP_REQUESTS = 10;
  /** Example request ids kept per minute and rate. */
  public static final int EXAMPLES = 3;

  public QualitySpec {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(sessionId, "sessionId");
    signals = List.copyOf(signals);
  }

  /** The usual field names: request_id, session_id. */
  public static QualitySpec of(List<Signal> signals, Pricing pricing) {
    return new QualitySpec(FieldPath.of("request_id"), FieldPath.of("session_id"), signals, pricing);
  }
}
