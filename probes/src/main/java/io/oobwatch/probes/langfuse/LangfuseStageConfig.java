package io.oobwatch.probes.langfuse;

import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.Stage;
import io.oobwatch.probes.StageConfig;
import io.oobwatch.probes.http.HttpCall;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a canary trace is looked for in Langfuse, and through which generation of its read API.
 *
 * @param langfuse the Langfuse project and its keys
 * @param api {@link Api#V2} (observations, Langfuse Cloud and self-hosted v4+) or {@link Api#V1}
 *     (traces, self-hosted v3)
 * @param poll a canary is looked up first this long after emission, then at most this often
 */
public record LangfuseStageConfig(LangfuseConfig langfuse, Api api, Duration poll) implements StageConfig {
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(10);

  /** The read API generation. */
  public enum Api {
    /** {@code GET /api/public/v2/observations?traceId=...}: real time on current versions. */
    V2,
    /** {@code GET /api/public/traces/{traceId}}: self-hosted v3; 404 until the trace is ingested. */
    V1
  }

  public LangfuseStageConfig {
    Objects.requireNonNull(langfuse, "langfuse");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(poll, "poll");
  }

  @Override
  public Stage open(String name, ProbeContext ctx) {
    return new LangfuseStage(name, this, ctx.http(), ctx.clock());
  }

  @Override
  public String where() {
    return "langfuse at " + HttpCall.redact(langfuse.url()) + " (" + (api == Api.V2 ? "v2 observations" : "v1 traces") + ")";
  }
}
