package io.oobwatch.probes.datadog;

import io.oobwatch.probes.Probe;
import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.SignalSource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the freshness and volume probes count in Datadog's logs.
 *
 * @param account the organisation, its keys and the request timeout
 * @param indexes the log indexes counted; empty for all
 * @param query which logs are the pipeline's, in Datadog's search syntax ({@code service:inference});
 *     {@code -@synthetic:true} is always added, so canaries are never counted
 * @param delay the volume probe counts the minute that ended this long ago, so logs still being
 *     indexed are not counted as missing
 * @param lookback how far back the freshness probe looks for the newest real log
 */
public record DatadogSignalConfig(
    DatadogAccount account, List<String> indexes, String query, Duration delay, Duration lookback)
    implements SignalSource.Freshness, SignalSource.Volume {
  public static final String DEFAULT_QUERY = "*";
  public static final Duration DEFAULT_DELAY = Duration.ofMinutes(1);
  public static final Duration DEFAULT_LOOKBACK = Duration.ofHours(1);

  public DatadogSignalConfig {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(account.applicationKey(), "datadog needs application_key_file (or application_key: ${ENV_VAR})");
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(lookback, "lookback");
    indexes = List.copyOf(indexes);
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("datadog query must not be empty (\"*\" counts every log)");
    }
    if (delay.isNegative()) {
      throw new IllegalArgumentException("datadog delay must not be negative");
    }
    if (lookback.compareTo(Duration.ofMinutes(2)) < 0) {
      throw new IllegalArgumentException("datadog lookback must be at least 2m");
    }
  }

  /** The pipeline's real logs: the configured query without canaries. */
  String realLogs() {
    return "(" + query + ") -@synthetic:true";
  }

  @Override
  public Probe freshness(ProbeContext ctx) {
    return new DatadogCount(DatadogCount.Signal.FRESHNESS, this, new DatadogApi(account, ctx.http(), ctx.clock()), ctx.clock());
  }

  @Override
  public Probe volume(ProbeContext ctx) {
    return new DatadogCount(DatadogCount.Signal.VOLUME, this, new DatadogApi(account, ctx.http(), ctx.clock()), ctx.clock());
  }

  @Override
  public String where(String checkName) {
    return "datadog logs at " + account.site() + (DEFAULT_QUERY.equals(query) ? "" : " matching " + query);
  }
}
