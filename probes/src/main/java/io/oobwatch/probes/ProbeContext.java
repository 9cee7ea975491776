package io.oobwatch.probes;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Objects;

/**
 * What opening a probe may use: the one HTTP client of the process (its connection pool is shared
 * by every HTTP probe) and oobwatch's clock. Opening never connects; probes connect on first use.
 */
public record ProbeContext(HttpClient http, Clock clock) {
  public ProbeContext {
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(clock, "clock");
  }
}
