package io.oobwatch.probes.langfuse;

import io.oobwatch.probes.http.HttpCall;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach one Langfuse project: its base URL and the project's API key pair, as every Langfuse
 * use has them. Both keys travel as Basic auth (public key as user, secret key as password).
 *
 * @param url the base URL ({@code https://cloud.langfuse.com}, {@code https://us.cloud.langfuse.com},
 *     or a self-hosted one), without {@code /api/public}
 * @param publicKey the project's public key ({@code pk-lf-...}), read from a file
 * @param secretKey the project's secret key ({@code sk-lf-...}), read from a file; a secret
 * @param timeout bound on each request
 */
public record LangfuseConfig(String url, String publicKey, String secretKey, Duration timeout) {
  public LangfuseConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(publicKey, "langfuse needs public_key_file (or public_key: ${ENV_VAR})");
    Objects.requireNonNull(secretKey, "langfuse needs secret_key_file (or secret_key: ${ENV_VAR})");
    Objects.requireNonNull(timeout, "timeout");
    url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** How messages name this Langfuse: "langfuse at https://cloud.langfuse.com" (no user info, no query). */
  String who() {
    return "langfuse at " + HttpCall.redact(url);
  }

  /** The keys are masked. */
  @Override
  public String toString() {
    return "LangfuseConfig[url=" + HttpCall.redact(url) + ", publicKey=***, secretKey=***, timeout=" + timeout + "]";
  }
}
