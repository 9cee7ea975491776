package io.oobwatch.probes.loki;

import com.fasterxml.jackson.databind.JsonNode;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Stage;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  /** Loki's default max_entries_limit_per_query. */
  static final int MAX_LINES = 5000;
  /** Ids that can stand in a regular expression as they are. */
  private static final java.util.regex.Pattern PLAIN_ID = java.util.regex.Pattern.compile("[A-Za-z0-9-]+");

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
    return answers(r, List.of(canary.id())).get(canary.id());
  }

  /**
   * Every canary in flight in one {@code query_range}: the ids as alternatives of one regular
   * expression, from a little before the oldest was emitted, {@value #LIMIT} lines per canary.
   * Ids that are not plain UUID-like words (letters, digits, '-') are asked one by one.
   */
  @Override
  public Map<String, Lookup> lookupAll(List<CanaryRecord> canaries) {
    if (canaries.size() == 1 || !canaries.stream().allMatch(c -> PLAIN_ID.matcher(c.id()).matches())) {
      return Stage.super.lookupAll(canaries);
    }
    Instant now = clock.instant();
    Instant oldest = canaries.stream().map(CanaryRecord::emittedAt).min(Instant::compareTo).orElse(now);
    List<String> ids = canaries.stream().map(CanaryRecord::id).toList();
    LokiApi.Reply r = api.queryRange(cfg.query(ids), oldest.minus(SKEW), now.plus(SKEW),
        Math.min(LIMIT * ids.size(), MAX_LINES), now);
    return answers(r, ids);
  }

  private Map<String, Lookup> answers(LokiApi.Reply r, List<String> ids) {
    Lookup all = switch (r.outcome()) {
      case LIMITED -> Lookup.notFound(r.reason());
      case REJECTED, FAILED -> Lookup.unreachable(r.reason());
      default -> null;
    };
    JsonNode data = all == null ? r.body().path("data") : null;
    if (all == null
        && (!"success".equals(r.body().path("status").asText()) || !"streams".equals(data.path("resultType").asText()))) {
      all = Lookup.unreachable(api.who + " answered the query without a streams result");
    }
    Map<String, Lookup> out = new LinkedHashMap<>();
    if (all != null) {
      for (String id : ids) {
        out.put(id, all);
      }
      return out;
    }
    Map<String, Integer> copies = new HashMap<>();
    for (JsonNode stream : data.path("result")) {
      for (JsonNode entry : stream.path("values")) {
        for (String id : ids) {
          if (holds(stream.path("stream"), entry, id)) {
            copies.merge(id, 1, Integer::sum);
          }
        }
      }
    }
    Instant seen = clock.instant();
    Lookup missing = Lookup.notFound("not in " + cfg.where() + " (" + api.who + ")");
    ids.forEach(id -> out.put(id, copies.containsKey(id) ? Lookup.found(copies.get(id), seen) : missing));
    return out;
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
