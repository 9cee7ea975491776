package io.oobwatch.probes.datadog;

import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.Stage;
import io.oobwatch.probes.StageConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where canaries are looked for in Datadog's log search.
 *
 * @param account the organisation, its keys and the request timeout
 * @param indexes the log indexes searched; empty for all
 * @param poll at most one search per this interval, however many canaries are in flight
 * @param indexingDelay no canary is searched for before it is this old: Datadog needs a few
 *     seconds to make an accepted log searchable, and an earlier search is a wasted request
 */
public record DatadogStageConfig(DatadogAccount account, List<String> indexes, Duration poll, Duration indexingDelay)
    implements StageConfig {
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_INDEXING_DELAY = Duration.ofSeconds(5);

  public DatadogStageConfig {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(poll, "poll");
    Objects.requireNonNull(indexingDelay, "indexing_delay");
    Objects.requireNonNull(account.applicationKey(), "datadog needs application_key_file (or application_key: ${ENV_VAR})");
    indexes = List.copyOf(indexes);
    if (poll.isNegative() || poll.isZero()) {
      throw new IllegalArgumentException("datadog poll must be positive");
    }
    if (indexingDelay.isNegative()) {
      throw new IllegalArgumentException("datadog indexing_delay must not be negative");
    }
  }

  @Override
  public Stage open(String name, ProbeContext ctx) {
    return new DatadogStage(name, this, new DatadogApi(account, ctx.http(), ctx.clock()), ctx.clock());
  }

  @Override
  public String where() {
    return "datadog logs at " + account.site() + (indexes.isEmpty() ? "" : " (indexes " + String.join(", ", indexes) + ")");
  }
}
