package io.oobwatch.probes.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Stage;
import io.oobwatch.probes.http.HttpCall;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
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

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final ElasticsearchConfig cfg;
  private final HttpClient http;
  private final Clock clock;
  private final URI searchUri;
  private final String who;
  private final String authorization;

  /**
   * @param http a shared client; this stage does not close it
   * @throws IllegalArgumentException if the URL cannot be used
   */
  public ElasticsearchStage(String name, ElasticsearchConfig cfg, HttpClient http, Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.http = Objects.requireNonNull(http, "http");
    this.clock = Objects.requireNonNull(clock, "clock");
    String base = cfg.url().endsWith("/") ? cfg.url().substring(0, cfg.url().length() - 1) : cfg.url();
    this.searchUri =
        HttpCall.uri(base + "/" + encodeIndex(cfg.index())
            + "/_search?allow_no_indices=true&ignore_unavailable=true");
    this.who = "elasticsearch at " + HttpCall.redact(base);
    this.authorization = authorization(cfg);
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
      return Lookup.unreachable(who + " lookup failed: " + e.getClass().getSimpleName());
    }
  }

  private Lookup search(String id) {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(searchUri)
            .timeout(cfg.timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(query(id), StandardCharsets.UTF_8));
    if (authorization != null) {
      req.header("Authorization", authorization);
    }
    HttpCall.Result r = HttpCall.send(http, req.build(), cfg.timeout(), who);
    if (!r.answered()) {
      return Lookup.unreachable(r.failure());
    }
    JsonNode body = parse(r.body());
    int status = r.status();
    if (status == 200) {
      return hits(body);
    }
    String type = errorType(body);
    if (status == 404 && "index_not_found_exception".equals(type)) {
      return Lookup.notFound("no index matches " + cfg.index());
    }
    if (status == 401 || status == 403) {
      return Lookup.unreachable(who + " rejected the credentials (HTTP " + status + ")");
    }
    return Lookup.unreachable(who + " answered HTTP " + status + (type == null ? "" : " (" + type + ")"));
  }

  private Lookup hits(JsonNode body) {
    if (body == null) {
      return Lookup.unreachable(who + " answered HTTP 200 with a body that is not JSON");
    }
    JsonNode total = body.path("hits").path("total");
    // ES 7+ and OpenSearch: {"value": n, "relation": "eq"}; ES 6: a bare number
    JsonNode value = total.isObject() ? total.path("value") : total;
    if (!value.isNumber()) {
      return Lookup.unreachable(who + " answered a search without hits.total");
    }
    long count = value.asLong();
    if (count > 0) {
      return Lookup.found((int) Math.min(count, Integer.MAX_VALUE), clock.instant());
    }
    if (body.path("_shards").path("total").asInt(-1) == 0) {
      // nothing resolved: every name missing, every pattern matching no index
      return Lookup.notFound("no index matches " + cfg.index());
    }
    int failedShards = body.path("_shards").path("failed").asInt(0);
    if (failedShards > 0) {
      int shards = body.path("_shards").path("total").asInt(0);
      return Lookup.unreachable(
          who + " searched " + cfg.index() + " but " + failedShards + " of " + shards + " shards failed");
    }
    if (body.path("timed_out").asBoolean(false)) {
      return Lookup.unreachable(who + " timed out searching " + cfg.index());
    }
    return Lookup.notFound("not in index " + cfg.index());
  }

  static String query(String id) {
    ObjectNode q = JSON.createObjectNode();
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

  /** The short error type ES puts in an error body, or null. */
  private static String errorType(JsonNode body) {
    if (body == null) {
      return null;
    }
    JsonNode error = body.path("error");
    String type = error.path("type").asText(null);
    if (type == null) {
      type = error.path("root_cause").path(0).path("type").asText(null);
    }
    return type == null || !type.matches("[A-Za-z0-9_.]{1,80}") ? null : type;
  }

  private static JsonNode parse(String body) {
    try {
      return body.isEmpty() ? null : JSON.readTree(body);
    } catch (Exception e) {
      return null;
    }
  }

  /** URL-encodes the index expression for the path, keeping the pattern's {@code *} and {@code ,}. */
  static String encodeIndex(String index) {
    return URLEncoder.encode(index, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("%2A", "*")
        .replace("%2C", ",");
  }

  private static String authorization(ElasticsearchConfig cfg) {
    if (cfg.apiKey() != null) {
      return "ApiKey " + cfg.apiKey();
    }
    if (cfg.username() != null) {
      String pair = cfg.username() + ":" + (cfg.password() == null ? "" : cfg.password());
      return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
    return null;
  }

  @Override
  public String toString() {
    return "ElasticsearchStage[" + name + ", " + cfg + "]";
  }
}
