package io.oobwatch.probes.datadog;

import io.oobwatch.probes.http.HttpCall;
import java.time.Duration;
import java.util.Objects;

/**
 * One Datadog organisation as oobwatch talks to it.
 *
 * @param site how the account is named in pages: the site ({@code datadoghq.eu}) or the overriding
 *     URL, without credentials
 * @param api the API's base URL ({@code https://api.datadoghq.eu}, or {@code url:})
 * @param intake the log intake's base URL ({@code https://http-intake.logs.datadoghq.eu}, or
 *     {@code intake_url:})
 * @param apiKey sent as {@code DD-API-KEY}
 * @param applicationKey sent as {@code DD-APPLICATION-KEY} to the API; null for the intake, which
 *     needs none. Its user needs the {@code logs_read_data} permission
 * @param timeout bound on each request
 */
record DatadogAccount(
    String site, String api, String intake, String apiKey, String applicationKey, Duration timeout) {
  DatadogAccount {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(intake, "intake");
    Objects.requireNonNull(apiKey, "datadog needs api_key_file (or api_key: ${ENV_VAR})");
    Objects.requireNonNull(timeout, "timeout");
    api = trimSlash(api);
    intake = trimSlash(intake);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("datadog timeout must be positive");
    }
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Keys are masked; URLs lose user info and query. */
  @Override
  public String toString() {
    return "DatadogAccount[site=" + site + ", api=" + HttpCall.redact(api) + ", intake=" + HttpCall.redact(intake)
        + ", apiKey=***, applicationKey=" + (applicationKey == null ? "null" : "***") + ", timeout=" + timeout + "]";
  }
}
