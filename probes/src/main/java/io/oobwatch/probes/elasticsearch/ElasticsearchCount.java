package io.oobwatch.probes.elasticsearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oobwatch.probes.Observation;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;

/**
 * Records per minute arriving in an index, from the sink's side: one {@code _count} of the real
 * records whose timestamp lies in the minute that ended {@code delay} ago (canaries excluded).
 *
 * <p>Observations: VALUE with the count; NONE when no index matches the expression (reported as
 * such, never as zero records); UNKNOWN when the cluster cannot be queried or shards failed.
 */
public final class ElasticsearchCount extends IndexProbe {
  /** @param http a shared client; not closed here */
  public ElasticsearchCount(ElasticsearchSignalConfig cfg, HttpClient http, Clock clock) {
    super(cfg, http, clock, "_count", "count");
  }

  @Override
  Observation read(Instant now) {
    Instant to = now.minus(cfg.delay());
    EsClient.Reply reply = es.ask(uri, body(cfg.timestampField(), to.minusSeconds(60), to), now);
    if (reply.instead() != null) {
      return reply.instead();
    }
    if (!reply.body().path("count").isNumber()) {
      return Observation.unknown(now, es.who + " answered a count without a number");
    }
    return Observation.value(now, reply.body().path("count").asLong());
  }

  /** Real records with {@code from <= timestamp < to}. */
  static String body(String timestampField, Instant from, Instant to) {
    ObjectNode q = EsClient.JSON.createObjectNode();
    ObjectNode bool = q.putObject("query").putObject("bool");
    ArrayNode filter = bool.putArray("filter");
    ObjectNode range = filter.addObject().putObject("range").putObject(timestampField);
    range.put("gte", from.toEpochMilli());
    range.put("lt", to.toEpochMilli());
    range.put("format", "epoch_millis");
    RealRecords.exclude(bool);
    return q.toString();
  }
}
