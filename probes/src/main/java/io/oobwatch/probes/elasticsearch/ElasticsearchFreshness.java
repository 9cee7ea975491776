package io.oobwatch.probes.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oobwatch.probes.Observation;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;

/**
 * The time of the newest real record in an index: one {@code _search} with a {@code max}
 * aggregation over the timestamp field, canaries excluded ({@link RealRecords}).
 *
 * <p>Observations: VALUE with the newest record's epoch millis; NONE when no index matches the
 * expression ("no index matches inference-logs-*") or the indices hold no real record with the
 * field — never a zero, never fresh; UNKNOWN when the cluster cannot be queried, rejects the
 * credentials, or answers with failed shards (the newest record may sit on the shard that failed).
 */
public final class ElasticsearchFreshness extends IndexProbe {
  /** @param http a shared client; not closed here */
  public ElasticsearchFreshness(ElasticsearchSignalConfig cfg, HttpClient http, Clock clock) {
    super(cfg, http, clock, "_search", "query");
  }

  @Override
  Observation read(Instant now) {
    EsClient.Reply reply = es.ask(uri, body(cfg.timestampField()), now);
    if (reply.instead() != null) {
      return reply.instead();
    }
    JsonNode newest = reply.body().path("aggregations").path("newest").path("value");
    if (!newest.isNumber()) {
      return Observation.none(now, "no real (non-synthetic) record with " + cfg.timestampField() + " in " + cfg.cluster().index());
    }
    return Observation.value(now, Math.floor(newest.asDouble()));
  }

  static String body(String timestampField) {
    ObjectNode q = EsClient.JSON.createObjectNode();
    q.put("size", 0);
    q.put("track_total_hits", false);
    RealRecords.exclude(q.putObject("query").putObject("bool"));
    q.putObject("aggs").putObject("newest").putObject("max").put("field", timestampField);
    return q.toString();
  }
}
