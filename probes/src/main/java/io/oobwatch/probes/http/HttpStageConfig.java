package io.oobwatch.probes.http;

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
    String url, String method, String body, Map<String, String> headers, Duration timeout) {

  /** Where the canary id goes in {@code url} and {@code body}. */
  public static final String PLACEHOLDER = "{canary_id}";

  public HttpStageConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("http stage timeout must be positive");
    }
    method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
    if (!method.equals("GET") && !method.equals("POST")) {
      throw new IllegalArgumentException("http stage method must be GET or POST, not " + method);
    }
    if (body != null && method.equals("GET")) {
      throw new IllegalArgumentException("http stage has a body but method GET; use method POST");
    }
    if (!url.contains(PLACEHOLDER) && (body == null || !body.contains(PLACEHOLDER))) {
      throw new IllegalArgumentException(
          "http stage " + HttpCall.redact(url) + " must have " + PLACEHOLDER + " in its url or body");
    }
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /** Header values are masked: they may be credentials. The URL loses user info and query. */
  @Override
  public String toString() {
    return "HttpStageConfig[url=" + HttpCall.redact(url) + ", method=" + method
        + ", body=" + (body == null ? "null" : body.length() + " chars")
        + ", headers=" + HttpInjectorConfig.masked(headers) + ", timeout=" + timeout + "]";
  }
}
