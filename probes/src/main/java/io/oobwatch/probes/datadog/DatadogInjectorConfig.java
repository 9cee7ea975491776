package io.oobwatch.probes.datadog;

import io.oobwatch.probes.Injector;
import io.oobwatch.probes.InjectorConfig;
import io.oobwatch.probes.ProbeContext;
import java.util.Objects;

/**
 * Canaries sent straight to Datadog's log intake (agentless), as a service that logs to Datadog
 * without an agent or forwarder would.
 *
 * @param account the organisation; only its API key is used
 * @param source {@code ddsource}
 * @param service {@code service}
 * @param hostname {@code hostname}; null for the oobwatch instance's name
 * @param tags {@code ddtags}, comma-separated {@code key:value} pairs; {@code synthetic:true} is
 *     always added
 */
public record DatadogInjectorConfig(DatadogAccount account, String source, String service, String hostname, String tags)
    implements InjectorConfig {
  public static final String DEFAULT_SOURCE = "oobwatch";
  public static final String DEFAULT_SERVICE = "oobwatch-canary";

  public DatadogInjectorConfig {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(service, "service");
    tags = tags == null ? "" : tags;
  }

  @Override
  public Injector open(ProbeContext ctx) {
    return new DatadogInjector(this, ctx.http(), ctx.clock());
  }

  @Override
  public String where() {
    return "datadog log intake at " + account.site();
  }
}
