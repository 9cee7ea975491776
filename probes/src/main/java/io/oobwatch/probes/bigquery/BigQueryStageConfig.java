package io.oobwatch.probes.bigquery;

import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.Stage;
import io.oobwatch.probes.StageConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * Where canaries are looked for in a BigQuery table.
 *
 * @param bigquery the table and how it is queried
 * @param idColumn the column (or STRUCT field) holding the canary id: {@code canary.id} when the
 *     record's JSON is loaded as it is
 * @param poll no canary is looked for before it is this old, and at most one query runs per this
 *     interval, however many canaries are in flight: each query bills at least 10 MiB
 */
public record BigQueryStageConfig(BigQueryConfig bigquery, String idColumn, Duration poll) implements StageConfig {
  public static final String DEFAULT_ID_COLUMN = "canary.id";
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(10);

  public BigQueryStageConfig {
    Objects.requireNonNull(bigquery, "bigquery");
    Objects.requireNonNull(poll, "poll");
    if (idColumn == null || !BigQueryConfig.COLUMN.matcher(idColumn).matches()) {
      throw new IllegalArgumentException("bigquery id_column must be a column name, found " + idColumn);
    }
    if (poll.isNegative() || poll.isZero()) {
      throw new IllegalArgumentException("bigquery poll must be positive");
    }
  }

  /**
   * The stage's query: which of {@code @ids} the table holds between {@code @from} and {@code @to},
   * and how many rows each; the bound on the timestamp column keeps the scan to those partitions.
   */
  String sql() {
    String id = "CAST(" + BigQueryConfig.sqlColumn(idColumn) + " AS STRING)";
    String ts = BigQueryConfig.sqlColumn(bigquery.timestampColumn());
    return "SELECT " + id + " AS canary_id, COUNT(*) AS copies FROM " + bigquery.sqlTable()
        + " WHERE " + ts + " BETWEEN @from AND @to AND " + id + " IN UNNEST(@ids) GROUP BY canary_id";
  }

  @Override
  public Stage open(String name, ProbeContext ctx) {
    return new BigQueryStage(name, this, new BigQueryApi(bigquery, ctx.http(), ctx.clock()), ctx.clock());
  }

  @Override
  public String where() {
    return "bigquery table " + bigquery.table();
  }
}
