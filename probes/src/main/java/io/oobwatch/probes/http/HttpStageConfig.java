package io.oobwatch.probes.http;

import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.Stage;
import io.oobwatch.probes.StageConfig;
import java.util.LinkedHashMap;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A generic HTTP query that answers whether a canary reached a store (Loki, a search API, a log
 * service). {@value #PLACEHOLDER} in {@code url} is replaced by the URL-encoded canary id, in
 * {@code body} by the id as is (a UUID needs no JSON escaping).
 *
 * @param url the query URL; may be written as people type it (spaces, quotes, braces are encoded)
 * @param method GET (default when null) or POST
 * @param body the request body, POST only; sent as application/json unless a Content-Type header
 *     says otherwise
 * @param headers extra request headers (e.g. Authorization); values are treated as secrets
 * @param timeout bound on the whole request
 */
public record HttpStageConfig(
    String url, String method, String body, Map<String, String> headers, Duration timeout)
    implements StageConfig {

  /** Where the canary id goes in {@code url} and {@code body}. */
  public static final String PLACEHOLDER = "{canary_id}";

  public HttpStageConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("http stage timeout must be positive");
    }
    method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
    Map<String, String> problems = problems(url, method, body);
    if (!problems.isEmpty()) {
      Map.Entry<String, String> first = problems.entrySet().iterator().next();
      throw new IllegalArgumentException("http stage " + first.getKey() + ": " + first.getValue());
    }
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /**
   * What is wrong with these values, by the key that is wrong (empty when nothing): the one place
   * where an HTTP stage's rules are written, for the config reader's messages and this record's
   * invariants alike.
   */
  public static Map<String, String> problems(String url, String method, String body) {
    Map<String, String> out = new LinkedHashMap<>();
    String m = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
    if (!m.equals("GET") && !m.equals("POST")) {
      out.put("method", "expected GET or POST, found \"" + m + "\"");
    }
    if (m.equals("GET") && body != null) {
      out.put("body", "a GET request has no body; write method: POST, or remove body");
    }
    if (!url.contains(PLACEHOLDER) && (body == null || !body.contains(PLACEHOLDER))) {
      out.put("url", "the url (or the body) must contain " + PLACEHOLDER + ", where oobwatch puts the id it looks for");
    }
    return out;
  }

  @Override
  public Stage open(String name, ProbeContext ctx) {
    return new HttpStage(name, this, ctx.http(), ctx.clock());
  }

  @Override
  public String where() {
    return "http query " + HttpCall.redact(url);
  }

  /** Header values are masked: they may be credentials. The URL loses user info and query. */
  @Override
  public String toString() {
    return "HttpStageConfig[url=" + HttpCall.redact(url) + ", method=" + method
        + ", body=" + (body == null ? "null" : body.length() + " chars")
        + ", headers=" + HttpInjectorConfig.masked(headers) + ", timeout=" + timeout + "]";
  }
}
