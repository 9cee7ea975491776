package io.oobwatch.probes.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.probes.QueryBytes;
import io.oobwatch.probes.canary.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * Freshness ({@code MAX(ts)} of the real rows in the lookback) or volume ({@code COUNT(*)} of the
 * real rows in the minute that ended {@code delay} ago) of a BigQuery table, one bounded query per
 * observation.
 *
 * <p>Observations: VALUE (freshness: the newest real row's epoch millis; volume: rows per minute),
 * with what the query billed in the note; NONE when no real row is in the lookback; UNKNOWN when
 * BigQuery cannot be queried, rejects the account, or limits the query (a rate limit is reported
 * as such: freshness repeats the newest row seen, whose age keeps growing).
 */
final class BigQuerySignal implements Probe {
  enum Signal {
    FRESHNESS,
    VOLUME
  }

  private final Signal signal;
  private final BigQuerySignalConfig cfg;
  private final BigQueryApi api;
  private final Clock clock;
  private double lastNewest = Double.NaN;

  BigQuerySignal(Signal signal, BigQuerySignalConfig cfg, BigQueryApi api, Clock clock) {
    this.signal = Objects.requireNonNull(signal, "signal");
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.api = Objects.requireNonNull(api, "api");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Observation observe() {
    Instant now = clock.instant();
    try {
      Instant from;
      Instant to;
      String sql;
      if (signal == Signal.FRESHNESS) {
        from = now.minus(cfg.lookback());
        to = now.plus(BigQueryStage.CLOCK_SKEW);
        sql = cfg.freshnessSql();
      } else {
        to = now.minus(cfg.delay()).truncatedTo(ChronoUnit.MINUTES);
        from = to.minus(Duration.ofMinutes(1));
        sql = cfg.volumeSql();
      }
      BigQueryApi.Reply r = api.query(sql, List.of(
          BigQueryApi.param("from", "TIMESTAMP", BigQueryApi.timestamp(from)),
          BigQueryApi.param("to", "TIMESTAMP", BigQueryApi.timestamp(to))));
      if (r.outcome() == BigQueryApi.Outcome.LIMITED && signal == Signal.FRESHNESS && !Double.isNaN(lastNewest)) {
        return Observation.value(now, lastNewest, 0, r.reason());
      }
      if (r.outcome() != BigQueryApi.Outcome.OK) {
        return Observation.unknown(now, r.reason());
      }
      JsonNode v = r.rows().isEmpty() || r.rows().get(0).isEmpty() ? null : r.rows().get(0).get(0);
      if (signal == Signal.VOLUME) {
        return Observation.value(now, v == null || v.isNull() ? 0 : v.asLong(), 0, billed(r.bytes()));
      }
      if (v == null || v.isNull()) {
        return Observation.none(now, "no real (non-synthetic) row in " + cfg.where("") + " in the last "
            + Durations.write(cfg.lookback()));
      }
      lastNewest = epochMillis(v);
      return Observation.value(now, lastNewest, 0, billed(r.bytes()));
    } catch (RuntimeException e) {
      return Observation.unknown(now, api.who + " answer could not be read: " + e.getClass().getSimpleName());
    }
  }

  /** What the query cost, as the observation's note. */
  static String billed(QueryBytes b) {
    return b == null ? "" : "billed " + b.billed() + " bytes (" + b.processed() + " processed)";
  }

  /**
   * A TIMESTAMP cell: microseconds since the epoch as a string (asked for with {@code
   * useInt64Timestamp}), or BigQuery's older form, seconds as a float ({@code 1.7648256E9}).
   */
  static double epochMillis(JsonNode v) {
    String s = v.asText();
    if (s.matches("-?[0-9]+")) {
      return Math.floorDiv(Long.parseLong(s), 1000L);
    }
    return Math.floor(Double.parseDouble(s) * 1000);
  }

  @Override
  public void close() {
    // the HTTP client is shared
  }
}
