package io.oobwatch.probes.loki;

import com.fasterxml.jackson.databind.JsonNode;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.probes.canary.Durations;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The time of the newest real line in Loki: {@code query_range} over the selector, canaries
 * filtered out, newest first, one line, within the lookback.
 *
 * <p>Observations: VALUE with the newest line's epoch millis; NONE when no real line is in the
 * lookback; UNKNOWN when Loki cannot be queried or rejects the credentials. A rate limit is not an
 * outage: the newest line is at least as new as the last one seen, so that is repeated (its age
 * keeps growing, so a silence is still caught); UNKNOWN only when nothing was seen yet.
 */
final class LokiFreshness implements Probe {
  private final LokiFreshnessConfig cfg;
  private final LokiApi api;
  private final Clock clock;
  private double lastNewest = Double.NaN;

  LokiFreshness(LokiFreshnessConfig cfg, HttpClient http, Clock clock) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.api = new LokiApi(cfg.loki(), http);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Observation observe() {
    Instant now = clock.instant();
    try {
      LokiApi.Reply r = api.queryRange(cfg.query(), now.minus(cfg.lookback()), now, 1, now);
      switch (r.outcome()) {
        case LIMITED:
          return Double.isNaN(lastNewest) ? Observation.unknown(now, r.reason())
              : Observation.value(now, lastNewest, 0, r.reason());
        case REJECTED:
        case FAILED:
          return Observation.unknown(now, r.reason());
        default:
          break;
      }
      long newest = Long.MIN_VALUE;
      for (JsonNode stream : r.body().path("data").path("result")) {
        for (JsonNode entry : stream.path("values")) {
          newest = Math.max(newest, Long.parseLong(entry.path(0).asText("0")));
        }
      }
      if (newest == Long.MIN_VALUE) {
        return Observation.none(now, "no real (non-synthetic) line in " + cfg.where("") + " in the last "
            + Durations.write(cfg.lookback()));
      }
      lastNewest = Math.floorDiv(newest, 1_000_000L);
      return Observation.value(now, lastNewest);
    } catch (RuntimeException e) {
      return Observation.unknown(now, api.who + " answer could not be read: " + e.getClass().getSimpleName());
    }
  }

  @Override
  public void close() {
    // the HTTP client is shared
  }
}
