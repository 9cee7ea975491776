package io.oobwatch.probes.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Stage;
import io.oobwatch.probes.http.HttpCall;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Looks for a canary in Elasticsearch 8/9 or OpenSearch 2 with one {@code _search} over plain JSON
 * (no client library, no compatibility headers: both answer the same request).
 *
 * <p>The query matches {@code canary.id} whatever the index mapping made of it: a log shipper's
 * index is usually created by dynamic mapping, which maps a string to analysed {@code text} with a
 * {@code .keyword} sub-field, where a {@code term} on the bare field misses a UUID. So: term on
 * {@code canary.id.keyword}, term on {@code canary.id} (explicit keyword mappings), match_phrase
 * on {@code canary.id} (text without a keyword sub-field); any one suffices. Count is the total
 * number of hits: more than one is a duplicate in the pipeline.
 *
 * <p>Missing indices are tolerated ({@code allow_no_indices=true&ignore_unavailable=true}) so that
 * in a list such as {@code inference-logs-*,archive-*} one part matching nothing does not fail the
 * whole search; when nothing at all matched, the answer has zero shards and is reported as "no
 * index matches" (a 404 index_not_found_exception, from an alias or an older server, likewise).
 *
 * <p>Outcomes: hits &gt; 0 FOUND; no hit NOT_FOUND; no index matching the pattern NOT_FOUND (the
 * daily index may not exist yet: that is data not arriving, not ES being down); credentials
 * rejected, other error statuses, refused connection, timeout UNREACHABLE. No hit while some shards
 * failed or the search timed out is UNREACHABLE too: the canary may sit on the shard that did not
 * answer, and "lost" would be a false page.
 */
public final class ElasticsearchStage implements Stage {

  private final String name;
  private final EsClient es;
  private final Clock clock;
  private final URI searchUri;
  /** Hits asked for per canary in one batch: a pipeline that duplicates more is rare, and still shown as a duplicate. */
  static final int BATCH_COPIES = 4;

  /**
   * @param http a shared client; this stage does not close it
   * @throws IllegalArgumentException if the URL cannot be used
   */
  public ElasticsearchStage(String name, ElasticsearchConfig cfg, HttpClient http, Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.es = new EsClient(Objects.requireNonNull(cfg, "cfg"), Objects.requireNonNull(http, "http"));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.searchUri = es.endpoint("_search");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Lookup lookup(CanaryRecord canary) {
    try {
      return search(canary.id());
    } catch (RuntimeException e) {
      // a bug here must not take the watchdog down; the SRE still gets a reason
      return Lookup.unreachable(es.who + " lookup failed: " + e.getClass().getSimpleName());
    }
  }

  /**
   * Every canary in flight in one {@code _search}: the same three matches with {@code terms} and
   * one {@code match_phrase} per id, returning each hit's {@code canary.id} (a copy found twice is
   * two hits, as in {@link #lookup}). One canary is asked as {@link #lookup} asks it.
   */
  @Override
  public Map<String, Lookup> lookupAll(List<CanaryRecord> canaries) {
    if (canaries.size() == 1) {
      return Map.of(canaries.get(0).id(), lookup(canaries.get(0)));
    }
    List<String> ids = canaries.stream().map(CanaryRecord::id).toList();
    Lookup all;
    try {
      HttpCall.Result r = es.post(searchUri, query(ids));
      all = r.answered() ? null : Lookup.unreachable(r.failure());
      if (all == null) {
        return batchHits(ids, r);
      }
    } catch (RuntimeException e) {
      all = Lookup.unreachable(es.who + " lookup failed: " + e.getClass().getSimpleName());
    }
    Map<String, Lookup> out = new LinkedHashMap<>();
    for (String id : ids) {
      out.put(id, all);
    }
    return out;
  }

  private Map<String, Lookup> batchHits(List<String> ids, HttpCall.Result r) {
    JsonNode body = EsClient.parse(r.body());
    int status = r.status();
    Lookup notFound;
    Map<String, Integer> counts = new HashMap<>();
    if (EsClient.nothingMatched(status, body)) {
      notFound = Lookup.notFound("no index matches " + es.cfg.index());
    } else if (status != 200) {
      notFound = Lookup.unreachable(es.failure(status, body));
    } else if (body == null) {
      notFound = Lookup.unreachable(es.who + " answered HTTP 200 with a body that is not JSON");
    } else {
      for (JsonNode hit : body.path("hits").path("hits")) {
        JsonNode src = hit.path("_source");
        JsonNode id = src.path("canary").path("id");
        String key = id.isTextual() ? id.asText() : src.path("canary.id").asText("");
        counts.merge(key, 1, Integer::sum);
      }
      // no hit while a shard failed: the canary may sit on that shard, so the stage cannot say
      String incomplete = es.incomplete(body);
      notFound = incomplete != null ? Lookup.unreachable(incomplete) : Lookup.notFound("not in index " + es.cfg.index());
    }
    Instant now = clock.instant();
    Map<String, Lookup> out = new LinkedHashMap<>();
    for (String id : ids) {
      Integer n = counts.get(id);
      out.put(id, n == null ? notFound : Lookup.found(n, now));
    }
    return out;
  }

  private Lookup search(String id) {
    HttpCall.Result r = es.post(searchUri, query(id));
    if (!r.answered()) {
      return Lookup.unreachable(r.failure());
    }
    JsonNode body = EsClient.parse(r.body());
    int status = r.status();
    if (EsClient.nothingMatched(status, body)) {
      // the daily index may not exist yet: data not arriving, not ES being down
      return Lookup.notFound("no index matches " + es.cfg.index());
    }
    if (status != 200) {
      return Lookup.unreachable(es.failure(status, body));
    }
    return hits(body);
  }

  private Lookup hits(JsonNode body) {
    if (body == null) {
      return Lookup.unreachable(es.who + " answered HTTP 200 with a body that is not JSON");
    }
    JsonNode total = body.path("hits").path("total");
    // ES 7+ and OpenSearch: {"value": n, "relation": "eq"}; ES 6: a bare number
    JsonNode value = total.isObject() ? total.path("value") : total;
    if (!value.isNumber()) {
      return Lookup.unreachable(es.who + " answered a search without hits.total");
    }
    long count = value.asLong();
    if (count > 0) {
      return Lookup.found((int) Math.min(count, Integer.MAX_VALUE), clock.instant());
    }
    String incomplete = es.incomplete(body);
    if (incomplete != null) {
      return Lookup.unreachable(incomplete);
    }
    return Lookup.notFound("not in index " + es.cfg.index());
  }

  /** Hits for any of {@code ids}, each with its {@code canary.id}; room for a few copies of each. */
  static String query(List<String> ids) {
    ObjectNode q = EsClient.JSON.createObjectNode();
    q.put("size", Math.min(ids.size() * BATCH_COPIES, 10_000));
    q.putArray("_source").add("canary.id");
    ObjectNode bool = q.putObject("query").putObject("bool");
    ArrayNode should = bool.putArray("should");
    ArrayNode keyword = should.addObject().putObject("terms").putArray("canary.id.keyword");
    ArrayNode plain = should.addObject().putObject("terms").putArray("canary.id");
    for (String id : ids) {
      keyword.add(id);
      plain.add(id);
    }
    for (String id : ids) {
      should.addObject().putObject("match_phrase").put("canary.id", id);
    }
    bool.put("minimum_should_match", 1);
    return q.toString();
  }

  static String query(String id) {
    ObjectNode q = EsClient.JSON.createObjectNode();
    q.put("size", 0);
    q.put("track_total_hits", true);
    ObjectNode bool = q.putObject("query").putObject("bool");
    ArrayNode should = bool.putArray("should");
    should.addObject().putObject("term").put("canary.id.keyword", id);
    should.addObject().putObject("term").put("canary.id", id);
    should.addObject().putObject("match_phrase").put("canary.id", id);
    bool.put("minimum_should_match", 1);
    return q.toString();
  }

  @Override
  public String toString() {
    return "ElasticsearchStage[" + name + ", " + es.cfg + "]";
  }
}
