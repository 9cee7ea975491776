package io.oobwatch.probes.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.QueryBytes;
import io.oobwatch.probes.canary.BatchedStage;
import io.oobwatch.probes.canary.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Looks for canaries in a BigQuery table, with one query for every canary in flight.
 *
 * <p>Why one query for many: BigQuery bills every query (at least 10 MiB on on-demand pricing),
 * while the {@link Stage} contract asks for one canary per call and the tracker asks every second.
 * So it is a {@link BatchedStage}: at most one {@code jobs.query} per {@code poll}, over
 * every canary in flight at least {@code poll} old and not yet found, the ids as the {@code @ids}
 * ARRAY&lt;STRING&gt; parameter, the timestamp column bounded from the oldest emission (less 5
 * minutes of clock skew) to now (plus 5 minutes). Every answer carries what the last query cost.
 *
 * <p>Outcomes: found FOUND; not found NOT_FOUND; a rate limit or spent quota RATE_LIMITED (late,
 * never lost); rejected credentials, HTTP 5xx, a query over maximum_bytes_billed, no answer in time
 * UNREACHABLE with the reason, as long as that query stays the last one.
 */
final class BigQueryStage extends BatchedStage {
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
  /** At most this many ids per query, far below BigQuery's limits on parameters. */
  static final int IDS_PER_QUERY = 500;

  private final BigQueryStageConfig cfg;
  private final BigQueryApi api;
  /** What the last query cost (all its chunks), or null before the first. */
  private volatile QueryBytes lastBytes;

  BigQueryStage(String name, BigQueryStageConfig cfg, BigQueryApi api, Clock clock) {
    super(name, "bigquery", cfg.poll(), cfg.poll(), clock);
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.api = Objects.requireNonNull(api, "api");
  }

  @Override
  protected String heldBack(Instant now) {
    return api.heldBack(now);
  }

  @Override
  protected String notYet() {
    return "not queried in bigquery yet (queried from " + Durations.format(cfg.poll()) + " after emission, at most"
        + " every " + Durations.format(cfg.poll()) + ")";
  }

  @Override
  protected String notFound(Duration age) {
    return "not in " + cfg.where() + " " + Durations.format(age) + " after emission";
  }

  @Override
  protected Lookup dress(Lookup answer) {
    return answer.withBytes(lastBytes);
  }

  @Override
  protected Lookup run(List<String> ids, Map<String, Instant> emitted, Instant now, Map<String, Integer> copies) {
    Set<String> asked = Set.copyOf(ids);
    long processed = 0;
    long billed = 0;
    for (int i = 0; i < ids.size(); i += IDS_PER_QUERY) {
      List<String> chunk = ids.subList(i, Math.min(ids.size(), i + IDS_PER_QUERY));
      Instant oldest = chunk.stream().map(emitted::get).min(Instant::compareTo).orElse(now);
      BigQueryApi.Reply r = api.query(cfg.sql(), List.of(
          BigQueryApi.param("from", "TIMESTAMP", BigQueryApi.timestamp(oldest.minus(CLOCK_SKEW))),
          BigQueryApi.param("to", "TIMESTAMP", BigQueryApi.timestamp(now.plus(CLOCK_SKEW))),
          BigQueryApi.strings("ids", chunk)));
      if (r.bytes() != null) {
        processed += r.bytes().processed();
        billed += r.bytes().billed();
        lastBytes = new QueryBytes(processed, billed);
      }
      if (r.outcome() != BigQueryApi.Outcome.OK) {
        return r.outcome() == BigQueryApi.Outcome.LIMITED ? Lookup.rateLimited(r.reason()) : Lookup.unreachable(r.reason());
      }
      for (List<JsonNode> row : r.rows()) {
        String id = row.isEmpty() ? null : row.get(0).asText(null);
        if (id != null && asked.contains(id)) {
          copies.put(id, row.size() < 2 ? 1 : (int) Math.min(Integer.MAX_VALUE, row.get(1).asLong(1)));
        }
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "BigQueryStage[" + name() + ", " + cfg.bigquery() + "]";
  }
}
