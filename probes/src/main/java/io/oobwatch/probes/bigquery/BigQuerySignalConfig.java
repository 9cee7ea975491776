package io.oobwatch.probes.bigquery;

import io.oobwatch.probes.Probe;
import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.SignalSource;
import java.time.Duration;
import java.util.Objects;

/**
 * What the freshness and volume probes read from a BigQuery table: its real (non-synthetic) rows.
 *
 * @param bigquery the table and how it is queried
 * @param syntheticColumn the BOOL column (or STRUCT field) that marks canaries; rows where it is
 *     not true (false or NULL) are real
 * @param lookback how far back freshness looks for the newest real row (each query scans that window)
 * @param delay volume counts the minute that ended this long ago, so rows still streaming in are
 *     not counted as missing
 */
public record BigQuerySignalConfig(BigQueryConfig bigquery, String syntheticColumn, Duration lookback, Duration delay)
    implements SignalSource.Freshness, SignalSource.Volume {
  public static final String DEFAULT_SYNTHETIC_COLUMN = "synthetic";
  public static final Duration DEFAULT_LOOKBACK = Duration.ofHours(1);
  public static final Duration DEFAULT_DELAY = Duration.ofMinutes(1);

  public BigQuerySignalConfig {
    Objects.requireNonNull(bigquery, "bigquery");
    Objects.requireNonNull(lookback, "lookback");
    Objects.requireNonNull(delay, "delay");
    if (syntheticColumn == null || !BigQueryConfig.COLUMN.matcher(syntheticColumn).matches()) {
      throw new IllegalArgumentException("bigquery synthetic_column must be a column name, found " + syntheticColumn);
    }
    if (delay.isNegative()) {
      throw new IllegalArgumentException("bigquery delay must not be negative");
    }
  }

  /** {@code MAX(ts)} of the real rows between {@code @from} and {@code @to}. */
  String freshnessSql() {
    return "SELECT MAX(" + BigQueryConfig.sqlColumn(bigquery.timestampColumn()) + ") AS newest" + realRows();
  }

  /** {@code COUNT(*)} of the real rows in {@code [@from, @to)}. */
  String volumeSql() {
    return "SELECT COUNT(*) AS records" + realRows();
  }

  private String realRows() {
    String ts = BigQueryConfig.sqlColumn(bigquery.timestampColumn());
    return " FROM " + bigquery.sqlTable() + " WHERE " + ts + " >= @from AND " + ts + " < @to AND "
        + BigQueryConfig.sqlColumn(syntheticColumn) + " IS NOT TRUE";
  }

  @Override
  public Probe freshness(ProbeContext ctx) {
    return new BigQuerySignal(BigQuerySignal.Signal.FRESHNESS, this,
        new BigQueryApi(bigquery, ctx.http(), ctx.clock()), ctx.clock());
  }

  @Override
  public Probe volume(ProbeContext ctx) {
    return new BigQuerySignal(BigQuerySignal.Signal.VOLUME, this,
        new BigQueryApi(bigquery, ctx.http(), ctx.clock()), ctx.clock());
  }

  @Override
  public String where(String checkName) {
    return "bigquery table " + bigquery.table();
  }
}
