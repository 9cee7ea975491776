package io.oobwatch.probes.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.http.HttpCall;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * One cluster and index expression as the Elasticsearch probes talk to it: JSON POSTs to an
 * endpoint of the index ({@code _search}, {@code _count}) with the configured credentials, and the
 * reading of the answers every endpoint shares (error types, shard counts). Plain JSON over HTTP:
 * Elasticsearch 8/9 and OpenSearch 2 answer the same requests.
 */
final class EsClient {
  static final ObjectMapper JSON = new ObjectMapper();

  final ElasticsearchConfig cfg;
  /** How the cluster is named in reasons: "elasticsearch at http://es:9200"; holds no secret. */
  final String who;
  private final HttpClient http;
  private final String base;
  private final String authorization;

  /** @param http a shared client; not closed here */
  EsClient(ElasticsearchConfig cfg, HttpClient http) {
    this.cfg = cfg;
    this.http = http;
    this.base = cfg.url().endsWith("/") ? cfg.url().substring(0, cfg.url().length() - 1) : cfg.url();
    this.who = "elasticsearch at " + HttpCall.redact(base);
    this.authorization = authorization(cfg);
  }

  /**
   * The URI of an endpoint of the configured index expression, e.g. {@code _search?x=y}. Missing
   * indices are tolerated so that in a list such as {@code logs-*,archive-*} one part matching
   * nothing does not fail the whole request; an expression that matches nothing at all is
   * recognised by {@link #nothingMatched}.
   *
   * @throws IllegalArgumentException if the URL cannot be used
   */
  URI endpoint(String endpoint) {
    String sep = endpoint.contains("?") ? "&" : "?";
    return HttpCall.uri(base + "/" + encodeIndex(cfg.index()) + "/" + endpoint + sep
        + "allow_no_indices=true&ignore_unavailable=true");
  }

  HttpCall.Result post(URI uri, String json) {
    HttpRequest.Builder req = HttpRequest.newBuilder(uri)
        .timeout(cfg.timeout())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    if (authorization != null) {
      req.header("Authorization", authorization);
    }
    return HttpCall.send(http, req.build(), cfg.timeout(), who);
  }

  /**
   * A signal probe's request: the complete 200 answer's body, or the observation that replaces a
   * measurement (UNKNOWN: not answered, an error status, not JSON, shards failed; NONE: no index
   * matches the expression).
   */
  record Reply(JsonNode body, Observation instead) {}

  Reply ask(URI uri, String json, Instant at) {
    HttpCall.Result r = post(uri, json);
    if (!r.answered()) {
      return new Reply(null, Observation.unknown(at, r.failure()));
    }
    JsonNode body = parse(r.body());
    if (nothingMatched(r.status(), body)) {
      return new Reply(null, Observation.none(at, "no index matches " + cfg.index()));
    }
    if (r.status() != 200) {
      return new Reply(null, Observation.unknown(at, failure(r.status(), body)));
    }
    if (body == null) {
      return new Reply(null, Observation.unknown(at, who + " answered HTTP 200 with a body that is not JSON"));
    }
    String incomplete = incomplete(body);
    if (incomplete != null) {
      return new Reply(null, Observation.unknown(at, incomplete));
    }
    return new Reply(body, null);
  }

  /** Whether a 200 answer resolved no index at all (zero shards), or the answer is a 404 index_not_found. */
  static boolean nothingMatched(int status, JsonNode body) {
    if (status == 404) {
      return "index_not_found_exception".equals(errorType(body));
    }
    return status == 200 && body != null && body.path("_shards").path("total").asInt(-1) == 0;
  }

  /** Why an answer that is not a usable 200 cannot be used, in words for the person paged. */
  String failure(int status, JsonNode body) {
    if (status == 401 || status == 403) {
      return who + " rejected the credentials (HTTP " + status + ")";
    }
    String type = errorType(body);
    String said = who + " answered HTTP " + status + (type == null ? "" : " (" + type + ")");
    if (status == 400 && body != null) {
      // a bad request is a config problem (a field that is not a date, a bad pattern): say which
      String reason = body.path("error").path("root_cause").path(0).path("reason").asText("");
      String line = reason.strip().lines().findFirst().orElse("");
      if (!line.isEmpty()) {
        said += ": " + (line.length() > 200 ? line.substring(0, 197) + "..." : line);
      }
    }
    return said;
  }

  /** Why a 200 answer is incomplete (shards failed, timed out), or null when it is complete. */
  String incomplete(JsonNode body) {
    int failedShards = body.path("_shards").path("failed").asInt(0);
    if (failedShards > 0) {
      int shards = body.path("_shards").path("total").asInt(0);
      return who + " searched " + cfg.index() + " but " + failedShards + " of " + shards + " shards failed";
    }
    if (body.path("timed_out").asBoolean(false)) {
      return who + " timed out searching " + cfg.index();
    }
    return null;
  }

  /** The short error type ES puts in an error body, or null. */
  static String errorType(JsonNode body) {
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

  static JsonNode parse(String body) {
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
}
