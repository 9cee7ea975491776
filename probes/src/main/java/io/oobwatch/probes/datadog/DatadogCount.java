package io.oobwatch.probes.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.probes.canary.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Freshness or volume from counts of the pipeline's real logs: one {@code POST
 * /api/v2/logs/analytics/aggregate} ({@code count}, query with {@code -@synthetic:true}) per
 * observation, held back while Datadog's rate limit says so.
 *
 * <ul>
 *   <li>Volume: the count of real logs whose timestamp lies in the whole minute that ended {@code
 *       delay} ago. VALUE with the count (zero is a real zero: Datadog answered and nothing
 *       matched).
 *   <li>Freshness: counts per minute over the last {@code lookback}; the newest minute with a log
 *       gives the value (its start: the probe errs towards stale by less than a minute, never
 *       towards fresh). Datadog's log API has no "newest timestamp" aggregate, and a search for
 *       the newest log would cost the same request. NONE when no real log lies in the lookback.
 * </ul>
 *
 * <p>Both are UNKNOWN, with the reason, when Datadog cannot be queried, rejects the keys, or the
 * rate limit holds the query back.
 */
final class DatadogCount implements Probe {
  enum Signal {
    FRESHNESS,
    VOLUME
  }

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private final Signal signal;
  private final DatadogSignalConfig cfg;
  private final DatadogApi api;
  private final Clock clock;

  DatadogCount(Signal signal, DatadogSignalConfig cfg, DatadogApi api, Clock clock) {
    this.signal = signal;
    this.cfg = cfg;
    this.api = api;
    this.clock = clock;
  }

  @Override
  public Observation observe() {
    Instant now = clock.instant();
    try {
      String held = api.heldBack(now);
      if (held != null) {
        return Observation.unknown(now, held);
      }
      return signal == Signal.VOLUME ? volume(now) : freshness(now);
    } catch (DateTimeParseException e) {
      return Observation.unknown(now, "datadog answered a timeseries point whose time is not ISO-8601");
    } catch (RuntimeException e) {
      return Observation.unknown(now, "datadog " + signal.name().toLowerCase() + " query failed: "
          + e.getClass().getSimpleName());
    }
  }

  private Observation volume(Instant now) {
    Instant to = now.minus(cfg.delay()).truncatedTo(ChronoUnit.MINUTES);
    DatadogApi.Reply r = api.post(DatadogApi.AGGREGATE, request(to.minus(MINUTE), to, null));
    JsonNode c0 = computed(r);
    if (c0 == null) {
      return unusable(r, now);
    }
    return Observation.value(now, c0.isNumber() ? c0.asDouble() : 0);
  }

  private Observation freshness(Instant now) {
    Instant to = now.truncatedTo(ChronoUnit.MINUTES).plus(MINUTE);
    DatadogApi.Reply r = api.post(DatadogApi.AGGREGATE, request(to.minus(cfg.lookback()), to, MINUTE));
    JsonNode c0 = computed(r);
    if (c0 == null) {
      return unusable(r, now);
    }
    Instant newest = null;
    for (JsonNode point : c0) {
      if (point.path("value").asDouble(0) > 0) {
        Instant t = Instant.parse(point.path("time").asText());
        newest = newest == null || t.isAfter(newest) ? t : newest;
      }
    }
    if (newest == null) {
      return Observation.none(now, "no real log in " + cfg.where("") + " for " + Durations.format(cfg.lookback()));
    }
    return Observation.value(now, newest.toEpochMilli());
  }

  private ObjectNode request(Instant from, Instant to, Duration interval) {
    ObjectNode body = DatadogApi.JSON.createObjectNode();
    ObjectNode compute = body.putArray("compute").addObject();
    compute.put("aggregation", "count");
    if (interval == null) {
      compute.put("type", "total");
    } else {
      compute.put("type", "timeseries");
      compute.put("interval", interval.toMinutes() + "m");
    }
    DatadogApi.filter(body, cfg.realLogs(), from, to, cfg.indexes());
    return body;
  }

  private static Observation unusable(DatadogApi.Reply r, Instant now) {
    return Observation.unknown(now, r.outcome() == DatadogApi.Outcome.OK
        ? "datadog answered an aggregate without data.buckets" : r.reason());
  }

  /** The first bucket's {@code c0} (missing when no bucket: nothing matched), or null when the answer is no use. */
  private static JsonNode computed(DatadogApi.Reply r) {
    if (r.outcome() != DatadogApi.Outcome.OK) {
      return null;
    }
    JsonNode buckets = r.body().path("data").path("buckets");
    return buckets.isArray() ? buckets.path(0).path("computes").path("c0") : null;
  }

  @Override
  public void close() {
    // the HTTP client is shared
  }

  @Override
  public String toString() {
    return "DatadogCount[" + signal + ", " + cfg.account() + ", " + cfg.query() + "]";
  }
}
