package io.oobwatch.probes.loki;

import com.fasterxml.jackson.databind.JsonNode;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.canary.BatchedStage;
import io.oobwatch.probes.canary.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Looks for canaries in Loki: {@code query_range} over the configured stream selector with a filter
 * on the canary ids, newest first, from a little before the oldest was emitted, at most {@value
 * #LIMIT} lines per canary.
 *
 * <p>Why a {@link BatchedStage}: the tracker asks every round (four times a second early in a
 * canary's life), and each {@code query_range} costs the Loki a scan of the selector's chunks
 * (shared with the Grafana dashboards, within the tenant's query limits). So at most one query per
 * {@code poll} goes out for every canary in flight, the ids as alternatives of one regular
 * expression (ids that are not plain UUID-like words are asked one by one in the same poll).
 *
 * <p>Outcomes: lines holding the id FOUND (their number is the copies); none NOT_FOUND; a 429 or
 * Loki's query limits ("max query length") RATE_LIMITED, and no query until the hold-back ends
 * (late, never lost: a limit that outlasts the deadline pages "cannot query loki: rate-limited");
 * credentials rejected, HTTP 5xx, a bad query, a refused connection or a timeout UNREACHABLE with
 * the reason.
 */
final class LokiStage extends BatchedStage {
  /** More lines than copies a pipeline could make of one canary; keeps each answer small. */
  static final int LIMIT = 20;
  /** Lines are timestamped by whoever shipped them: allow for clock skew either side. */
  static final Duration SKEW = Duration.ofMinutes(5);
  /** Loki's default max_entries_limit_per_query. */
  static final int MAX_LINES = 5000;
  /** Ids that can stand in a regular expression as they are. */
  private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9-]+");

  private final LokiStageConfig cfg;
  private final LokiApi api;

  LokiStage(String name, LokiStageConfig cfg, LokiApi api, Clock clock) {
    super(name, "loki", cfg.poll(), Duration.ZERO, clock);
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.api = Objects.requireNonNull(api, "api");
  }

  @Override
  protected String heldBack(Instant now) {
    return api.heldBack(now);
  }

  @Override
  protected String notYet() {
    return "not queried in loki yet (at most every " + Durations.format(cfg.poll()) + ")";
  }

  @Override
  protected String notFound(Duration age) {
    return "not in " + cfg.where() + " (" + api.who + ") " + Durations.format(age) + " after emission";
  }

  @Override
  protected Lookup run(List<String> ids, Map<String, Instant> emitted, Instant now, Map<String, Integer> copies) {
    List<String> plain = ids.stream().filter(id -> PLAIN_ID.matcher(id).matches()).toList();
    int perQuery = MAX_LINES / LIMIT;
    for (int i = 0; i < plain.size(); i += perQuery) {
      List<String> chunk = plain.subList(i, Math.min(plain.size(), i + perQuery));
      String query = chunk.size() == 1 ? cfg.query(chunk.get(0)) : cfg.query(chunk);
      Lookup failed = ask(query, chunk, emitted, now, copies);
      if (failed != null) {
        return failed;
      }
    }
    for (String id : ids) {
      if (!PLAIN_ID.matcher(id).matches()) {
        Lookup failed = ask(cfg.query(id), List.of(id), emitted, now, copies);
        if (failed != null) {
          return failed;
        }
      }
    }
    return null;
  }

  /** One {@code query_range} for {@code ids}; null, or why it failed. */
  private Lookup ask(String query, List<String> ids, Map<String, Instant> emitted, Instant now,
      Map<String, Integer> copies) {
    Instant oldest = ids.stream().map(emitted::get).min(Instant::compareTo).orElse(now);
    LokiApi.Reply r = api.queryRange(query, oldest.minus(SKEW), now.plus(SKEW), LIMIT * ids.size(), now);
    switch (r.outcome()) {
      case LIMITED:
        return Lookup.rateLimited(r.reason());
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
    for (JsonNode stream : data.path("result")) {
      for (JsonNode entry : stream.path("values")) {
        for (String id : ids) {
          if (holds(stream.path("stream"), entry, id)) {
            copies.merge(id, 1, Integer::sum);
          }
        }
      }
    }
    return null;
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
    return "LokiStage[" + name() + ", " + cfg.loki() + ", " + cfg.selector() + ", poll " + cfg.poll() + "]";
  }
}
