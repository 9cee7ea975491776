package io.oobwatch.probes.loki;

import io.oobwatch.probes.Probe;
import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.SignalSource;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the newest real line is read from Loki.
 *
 * @param loki the Loki and its credentials
 * @param selector the stream selector of the service's logs
 * @param lookback how far back a line is looked for; older than this is "no real line" (keep it
 *     within Loki's {@code max_query_length})
 */
public record LokiFreshnessConfig(LokiConfig loki, String selector, Duration lookback) implements SignalSource.Freshness {
  public static final Duration DEFAULT_LOOKBACK = Duration.ofHours(1);

  public LokiFreshnessConfig {
    Objects.requireNonNull(loki, "loki");
    Objects.requireNonNull(lookback, "lookback");
    String problem = LogQl.selectorProblem(selector);
    if (problem != null) {
      throw new IllegalArgumentException("loki selector: " + problem);
    }
  }

  /** Real lines only: canaries are JSON with {@code "synthetic":true}, whichever entry they came through. */
  String query() {
    return selector + " != \"\\\"synthetic\\\":true\"";
  }

  @Override
  public Probe freshness(ProbeContext ctx) {
    return new LokiFreshness(this, ctx.http(), ctx.clock());
  }

  @Override
  public String where(String checkName) {
    return "loki " + selector;
  }
}
