package io.oobwatch.probes.langfuse;

import io.oobwatch.probes.Injector;
import io.oobwatch.probes.InjectorConfig;
import io.oobwatch.probes.ProbeContext;
import java.util.Objects;

/**
 * Where canary traces enter Langfuse: its OpenTelemetry endpoint.
 *
 * @param langfuse the Langfuse project and its keys
 */
public record LangfuseEntryConfig(LangfuseConfig langfuse) implements InjectorConfig {
  public LangfuseEntryConfig {
    Objects.requireNonNull(langfuse, "langfuse");
  }

  @Override
  public Injector open(ProbeContext ctx) {
    return new LangfuseInjector(this, ctx.http(), ctx.clock());
  }

  @Override
  public String where() {
    return "langfuse OTLP endpoint at " + io.oobwatch.probes.http.HttpCall.redact(langfuse.url());
  }
}
