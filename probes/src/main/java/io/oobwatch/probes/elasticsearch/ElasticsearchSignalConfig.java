package io.oobwatch.probes.elasticsearch;

import io.oobwatch.probes.Probe;
import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.SignalSource;

import java.time.Duration;
import java.util.Objects;

/**
 * What the freshness and volume probes read from an index.
 *
 * @param cluster the cluster, index expression, credentials and timeout (as a stage has them)
 * @param timestampField the field holding each record's event time ({@code @timestamp}); must be
 *     mapped as a date
 * @param delay the volume probe counts the minute that ended this long ago, so records still on
 *     their way through the pipeline are not counted as missing
 */
public record ElasticsearchSignalConfig(ElasticsearchConfig cluster, String timestampField, Duration delay)
    implements SignalSource.Freshness, SignalSource.Volume {
  public static final String DEFAULT_TIMESTAMP_FIELD = "@timestamp";
  public static final Duration DEFAULT_DELAY = Duration.ofMinutes(1);

  public ElasticsearchSignalConfig {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(delay, "delay");
    if (timestampField == null || timestampField.isBlank()) {
      throw new IllegalArgumentException("timestamp_field must not be empty");
    }
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative");
    }
  }

  @Override
  public Probe freshness(ProbeContext ctx) {
    return new ElasticsearchFreshness(this, ctx.http(), ctx.clock());
  }

  @Override
  public Probe volume(ProbeContext ctx) {
    return new ElasticsearchCount(this, ctx.http(), ctx.clock());
  }

  @Override
  public String where(String checkName) {
    return cluster.where();
  }
}
