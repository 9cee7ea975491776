package io.oobwatch.probes.http;

import io.oobwatch.probes.Injector;
import io.oobwatch.probes.InjectorConfig;
import io.oobwatch.probes.ProbeContext;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where and how canaries are POSTed: a collector's HTTP intake (Vector, Fluent Bit, an OTLP/JSON
 * gateway, a custom ingest endpoint).
 *
 * @param url the intake URL; the canary JSON is POSTed to it as is
 * @param headers extra request headers (e.g. Authorization); values are treated as secrets
 * @param timeout bound on the whole request
 */
public record HttpInjectorConfig(String url, Map<String, String> headers, Duration timeout)
    implements InjectorConfig {
  public HttpInjectorConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("http inject timeout must be positive");
    }
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  @Override
  public Injector open(ProbeContext ctx) {
    return new HttpInjector(this, ctx.http(), ctx.clock());
  }

  @Override
  public String where() {
    return "http intake " + HttpCall.redact(url);
  }

  /** Header values are masked: they may be credentials. The URL loses user info and query. */
  @Override
  public String toString() {
    return "HttpInjectorConfig[url=" + HttpCall.redact(url) + ", headers=" + masked(headers)
        + ", timeout=" + timeout + "]";
  }

  static Map<String, String> masked(Map<String, String> headers) {
    Map<String, String> m = new TreeMap<>();
    headers.keySet().forEach(k -> m.put(k, "***"));
    return m;
  }
}
