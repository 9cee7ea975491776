package io.oobwatch.probes;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Objects;

/**
 * What opening a probe may use: the one HTTP client of the process (its connection pool is shared
 * by every HTTP probe), oobwatch's clock, and the clients probes share (one Kafka admin client per
 * cluster and credentials). Opening never connects; probes connect on first use.
 */
public record ProbeContext(HttpClient http, Clock clock, SharedClients shared) {
  public ProbeContext {
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(shared, "shared");
  }

  /** A context whose probes share clients only among themselves. */
  public ProbeContext(HttpClient http, Clock clock) {
    this(http, clock, new SharedClients());
  }
}
