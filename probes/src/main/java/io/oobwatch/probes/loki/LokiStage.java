package io.oobwatch.probes.loki;

import com.fasterxml.jackson.databind.JsonNode;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Stage;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Looks for a canary in Loki: {@code query_range} over the configured stream selector with a
 * filter on the canary id, newest first, from a little before the canary was emitted, at most
 * {@value #LIMIT} lines.
 *
 * <p>Outcomes: lines holding the id FOUND (their number is the copies); none NOT_FOUND; a rate
 * limit or Loki's query limits NOT_FOUND with the limit as reason (the answer is late, not lost:
 * the canary's deadline decides); credentials rejected, HTTP 5xx, a bad query, a refused
 * connection or a timeout UNREACHABLE with the reason.
 */
final class LokiStage implements Stage {
  /** More lines than copies a pipeline could make of one canary; keeps each answer small. */
  static final int LIMIT = 20;
  /** Lines are timestamped by whoever shipped them: allow for clock skew either side. */
  static final Duration SKEW = Duration.ofMinutes(5);

  private final String name;
  private final LokiStageConfig cfg;
  private final LokiApi api;
  private final Clock clock;

  LokiStage(String name, LokiStageConfig cfg, HttpClient http, Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.api = new LokiApi(cfg.loki(), http);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Lookup lookup(CanaryRecord canary) {
    Instant now = clock.instant();
    LokiApi.Reply r = api.queryRange(cfg.query(canary.id()), canary.emittedAt().minus(SKEW), now.plus(SKEW), LIMIT, now);
    switch (r.outcome()) {
      case LIMITED:
        return Lookup.notFound(r.reason());
      case REJECTED:
      case FAILED:
        return Lookup.unreachable(r.reason());
      default:
        break;
    }
    JsonNode data = r.body().path("data");
    if (!"success".equals(r.body().path("status").asText()) || !"streams".equals(data.path("resultType").asText())) {
      return Lookup.unreachable(api.who + " answered the query without a streams result");
    }
    int copies = 0;
    for (JsonNode stream : data.path("result")) {
      for (JsonNode entry : stream.path("values")) {
        if (holds(stream.path("stream"), entry, canary.id())) {
          copies++;
        }
      }
    }
    return copies > 0
        ? Lookup.found(copies, clock.instant())
        : Lookup.notFound("not in " + cfg.where() + " (" + api.who + ")");
  }

  /**
   * Whether one entry ({@code [ts, line]} or {@code [ts, line, {structuredMetadata...}]}) is the
   * canary: its line holds the id, or its structured metadata does (Loki shows structured metadata
   * among the stream's labels, or apart when asked to categorize labels).
   */
  static boolean holds(JsonNode labels, JsonNode entry, String id) {
    if (entry.path(1).asText("").contains(id) || id.equals(labels.path("canary_id").asText(null))) {
      return true;
    }
    JsonNode meta = entry.path(2);
    return id.equals(meta.path("structuredMetadata").path("canary_id").asText(null))
        || id.equals(meta.path("canary_id").asText(null));
  }

  @Override
  public String toString() {
    return "LokiStage[" + name + ", " + cfg.loki() + ", " + cfg.selector() + "]";
  }
}
