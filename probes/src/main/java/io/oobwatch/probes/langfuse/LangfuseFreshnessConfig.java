package io.oobwatch.probes.langfuse;

import io.oobwatch.probes.Probe;
import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.SignalSource;
import io.oobwatch.probes.http.HttpCall;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the newest real trace is read from Langfuse.
 *
 * @param langfuse the Langfuse project and its keys
 * @param lookback how far back a trace is looked for; older than this is "no real trace"
 */
public record LangfuseFreshnessConfig(LangfuseConfig langfuse, Duration lookback) implements SignalSource.Freshness {
  public static final Duration DEFAULT_LOOKBACK = Duration.ofHours(1);

  public LangfuseFreshnessConfig {
    Objects.requireNonNull(langfuse, "langfuse");
    Objects.requireNonNull(lookback, "lookback");
  }

  @Override
  public Probe freshness(ProbeContext ctx) {
    return new LangfuseFreshness(this, ctx.http(), ctx.clock());
  }

  @Override
  public String where(String checkName) {
    return "langfuse traces at " + HttpCall.redact(langfuse.url());
  }
}
