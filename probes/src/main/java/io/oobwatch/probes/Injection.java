package io.oobwatch.probes;

import java.time.Duration;
import java.util.Objects;

/**
 * What happened when a canary was handed to the pipeline's entry.
 *
 * @param ok whether the entry accepted the record (Kafka acks=all, HTTP 2xx, ...)
 * @param took how long the hand-over took
 * @param reason for a failure, what went wrong in words for the person paged; for success a short
 *     detail such as "partition 3 offset 1200"
 */
public record Injection(boolean ok, Duration took, String reason) {
  public Injection {
    Objects.requireNonNull(took, "took");
    Objects.requireNonNull(reason, "reason");
  }

  public static Injection accepted(Duration took, String detail) {
    return new Injection(true, took, detail);
  }

  public static Injection failed(Duration took, String reason) {
    return new Injection(false, took, reason);
  }
}
