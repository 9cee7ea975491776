package io.oobwatch.probes.datadog;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Datadog sites, as written in {@code site:} (the part after {@code app.} in the address of the
 * user's Datadog). Each has its API host ({@code api.SITE}) and its log intake host ({@code
 * http-intake.logs.SITE}).
 */
enum DatadogSite {
  US1("datadoghq.com"),
  US3("us3.datadoghq.com"),
  US5("us5.datadoghq.com"),
  EU1("datadoghq.eu"),
  AP1("ap1.datadoghq.com"),
  AP2("ap2.datadoghq.com"),
  US1_FED("ddog-gov.com");

  private final String domain;

  DatadogSite(String domain) {
    this.domain = domain;
  }

  String domain() {
    return domain;
  }

  /** Where the API (search, aggregate) answers. */
  String api() {
    return "https://api." + domain;
  }

  /** Where logs are sent. */
  String intake() {
    return "https://http-intake.logs." + domain;
  }

  static Optional<DatadogSite> of(String domain) {
    return Arrays.stream(values()).filter(s -> s.domain.equals(domain)).findFirst();
  }

  /** The sites as a user writes them, for error messages. */
  static String written() {
    return Arrays.stream(values()).map(DatadogSite::domain).collect(Collectors.joining(", "));
  }
}
