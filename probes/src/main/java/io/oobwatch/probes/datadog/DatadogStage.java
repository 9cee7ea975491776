package io.oobwatch.probes.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.canary.BatchedStage;
import io.oobwatch.probes.canary.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Looks for canaries in Datadog's log search, with one search for every canary in flight.
 *
 * <p>Why one search for many: Datadog's log search is rate-limited per organisation (a few hundred
 * requests per hour, shared with every dashboard script of the organisation), while the {@link
 * Stage} contract asks for one canary per call and the tracker asks every second. So the stage
 * remembers the canaries it was told about ({@link #arm}, and any canary it is asked about) until
 * {@link #forget}, and a lookup that finds the last search at least {@code poll} old (and the rate
 * limit willing) runs one {@code POST /api/v2/logs/events/search} with {@code @canary.id:("a" OR
 * "b" ...)} over every such canary that is older than {@code indexing_delay} and not yet found, in
 * a window from the oldest emission (less 5 minutes of clock skew) to now (plus 5 minutes), paging
 * through {@code meta.page.after}. Every other lookup is answered from that search: the canaries it
 * found stay found (with the instant of the search that found them) until forgotten, the others
 * are not found yet.
 *
 * <p>Outcomes: found in the last search FOUND; not in it NOT_FOUND; a 429, or a search held back
 * by the rate limit, RATE_LIMITED (the answer is late, not lost: a storm that ends before the
 * deadline costs nothing, one that outlasts it leaves the canary unknown, never lost); the key rejected (401/403), HTTP 5xx, a refused
 * connection or a timeout UNREACHABLE, as long as that search stays the last one.
 */
final class DatadogStage extends BatchedStage {
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
  /** At most this many ids per search, so the query stays far below Datadog's query length limit. */
  static final int IDS_PER_SEARCH = 100;
  static final int PAGE_LIMIT = 1000;
  static final int MAX_PAGES = 5;

  private final DatadogStageConfig cfg;
  private final DatadogApi api;

  DatadogStage(String name, DatadogStageConfig cfg, DatadogApi api, Clock clock) {
    super(name, "datadog", cfg.poll(), cfg.indexingDelay(), clock);
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.api = Objects.requireNonNull(api, "api");
  }

  @Override
  protected String heldBack(Instant now) {
    return api.heldBack(now);
  }

  @Override
  protected boolean mayQuery(Instant now) {
    return api.mayQuery(now);
  }

  @Override
  protected String notYet() {
    return "not searched in datadog yet (searched from " + Durations.format(cfg.indexingDelay())
        + " after emission, at most every " + Durations.format(cfg.poll()) + ")";
  }

  @Override
  protected String notFound(Duration age) {
    return "not searchable in " + cfg.where() + " " + Durations.format(age) + " after emission"
        + ": an exclusion filter, an index quota or an intake backlog?";
  }

  @Override
  protected Lookup run(List<String> ids, Map<String, Instant> emitted, Instant now, Map<String, Integer> counts) {
    Set<String> searched = Set.copyOf(ids);
    for (int i = 0; i < ids.size(); i += IDS_PER_SEARCH) {
      List<String> chunk = ids.subList(i, Math.min(ids.size(), i + IDS_PER_SEARCH));
      Instant oldest = chunk.stream().map(emitted::get).min(Instant::compareTo).orElse(now);
      String cursor = null;
      for (int page = 0; page < MAX_PAGES; page++) {
        DatadogApi.Reply r = api.post(DatadogApi.SEARCH, request(chunk, oldest, now, cursor));
        if (r.outcome() != DatadogApi.Outcome.OK) {
          // what a failed page did find is still found: a canary is there or it is not
          return r.outcome() == DatadogApi.Outcome.RATE_LIMITED
              ? Lookup.rateLimited(r.reason()) : Lookup.unreachable(r.reason());
        }
        count(r.body(), searched, counts);
        cursor = r.body().path("meta").path("page").path("after").asText(null);
        if (cursor == null || cursor.isEmpty()) {
          break;
        }
      }
    }
    return null;
  }

  private ObjectNode request(List<String> ids, Instant oldest, Instant now, String cursor) {
    ObjectNode body = DatadogApi.JSON.createObjectNode();
    DatadogApi.filter(body, query(ids), oldest.minus(CLOCK_SKEW), now.plus(CLOCK_SKEW), cfg.indexes());
    ObjectNode page = body.putObject("page");
    page.put("limit", PAGE_LIMIT);
    if (cursor != null) {
      page.put("cursor", cursor);
    }
    body.put("sort", "timestamp");
    return body;
  }

  /** {@code @canary.id:("a" OR "b")}: ids are quoted, so a UUID's dashes are no syntax. */
  static String query(List<String> ids) {
    return ids.stream().map(id -> "\"" + id.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(" OR ", "@canary.id:(", ")"));
  }

  private static void count(JsonNode body, Set<String> searched, Map<String, Integer> counts) {
    for (JsonNode log : body.path("data")) {
      JsonNode attrs = log.path("attributes").path("attributes");
      JsonNode id = attrs.path("canary").path("id");
      if (!id.isTextual()) {
        id = attrs.path("canary.id");
      }
      if (id.isTextual() && searched.contains(id.asText())) {
        counts.merge(id.asText(), 1, Integer::sum);
      }
    }
  }

  @Override
  public String toString() {
    return "DatadogStage[" + name() + ", " + cfg.account() + "]";
  }
}
