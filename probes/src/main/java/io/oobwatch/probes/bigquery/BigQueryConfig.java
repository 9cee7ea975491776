package io.oobwatch.probes.bigquery;

import io.oobwatch.probes.http.HttpCall;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The table a pipeline's records land in, and how it is queried, as every bigquery use has them.
 *
 * @param account the service account queries run as (its key is a secret)
 * @param project the project the queries run in and are billed to
 * @param location the dataset's location ({@code US}, {@code EU}, {@code europe-west1}); null to let
 *     BigQuery find it
 * @param url the API's base URL, without {@code /bigquery/v2}
 * @param table {@code project.dataset.table} (or {@code dataset.table} in {@code project})
 * @param timestampColumn the table's TIMESTAMP column its partitions are on: every query bounds it
 * @param maximumBytesBilled every query sets it: one that would bill more fails instead of costing
 * @param timeout the budget of one poll: the token, the query and its follow-ups together
 */
public record BigQueryConfig(
    ServiceAccount account, String project, String location, String url, String table, String timestampColumn,
    long maximumBytesBilled, Duration timeout) {
  public static final String DEFAULT_URL = "https://bigquery.googleapis.com";
  /** 1 GiB: a few hundred times what a bounded poll scans, and $0.006 at on-demand prices if all billed. */
  public static final long DEFAULT_MAXIMUM_BYTES_BILLED = 1L << 30;
  public static final String DEFAULT_TIMESTAMP_COLUMN = "timestamp";
  /** A column, or a field of a STRUCT column ({@code canary.id}). */
  static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
  /** {@code dataset.table} or {@code project.dataset.table}; project ids may hold dashes. */
  static final Pattern TABLE = Pattern.compile("([a-z][a-z0-9.:-]*[a-z0-9]\\.)?[A-Za-z0-9_]+\\.[A-Za-z0-9_\\-$*]+");

  public BigQueryConfig {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(timeout, "timeout");
    url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    if (table == null || !TABLE.matcher(table).matches()) {
      throw new IllegalArgumentException("bigquery table must be dataset.table or project.dataset.table, found " + table);
    }
    if (timestampColumn == null || !COLUMN.matcher(timestampColumn).matches()) {
      throw new IllegalArgumentException("bigquery timestamp_column must be a column name, found " + timestampColumn);
    }
    if (maximumBytesBilled < 10L << 20) {
      throw new IllegalArgumentException("bigquery maximum_bytes_billed must be at least 10 MiB (BigQuery bills that"
          + " much for any query), found " + maximumBytesBilled);
    }
  }

  /** The table as SQL names it: {@code `project.dataset.table`}, the project written when not given. */
  String sqlTable() {
    return "`" + (table.chars().filter(c -> c == '.').count() >= 2 ? table : project + "." + table) + "`";
  }

  /** A column as SQL names it, each part quoted ({@code `canary`.`id`}): a name like timestamp is no keyword then. */
  static String sqlColumn(String column) {
    return "`" + column.replace(".", "`.`") + "`";
  }

  /** How messages name it: "bigquery table p.d.t". */
  String who() {
    return "bigquery" + (DEFAULT_URL.equals(url) ? "" : " at " + HttpCall.redact(url)) + " (project " + project + ")";
  }

  /** The key is masked. */
  @Override
  public String toString() {
    return "BigQueryConfig[" + account + ", project=" + project + ", location=" + location + ", url="
        + HttpCall.redact(url) + ", table=" + table + ", timestamp_column=" + timestampColumn
        + ", maximum_bytes_billed=" + maximumBytesBilled + ", timeout=" + timeout + "]";
  }
}
