package io.oobwatch.probes.bigquery;

import io.oobwatch.probes.Kind;
import io.oobwatch.probes.Settings;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Google BigQuery: a stage (the canary ids in one bounded query), freshness and volume (real rows). */
public final class BigQueryKind {
  private static final String TABLE = "`table` (`dataset.table` or `project.dataset.table`), `credentials_file` (a"
      + " service account's JSON key), optional `project` (the key's), `location`, `url`, `timestamp_column`"
      + " (`timestamp`, the partition column), `maximum_bytes_billed` (1GiB), `timeout`";
  private static final Pattern BYTES = Pattern.compile("([0-9]+)\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?");

  public static final Kind KIND = Kind.named("bigquery", "Google BigQuery")
      .withStage(TABLE + ", `id_column` (`canary.id`), `poll` (10s); one `jobs.query` per `poll` for every canary in"
          + " flight (`@ids`), bounded to their emission window; what it billed in `/status`; 429 and quota are late,"
          + " never \"lost\"", BigQueryKind::stage)
      .withFreshness(TABLE + ", `synthetic_column` (`synthetic`), `lookback` (1h); `MAX(timestamp_column)` of the"
          + " **real** rows", BigQueryKind::signal)
      .withVolume(TABLE + ", `synthetic_column`, `delay` (1m); `COUNT(*)` of the real rows in the minute that ended"
          + " `delay` ago", BigQueryKind::signal);

  private BigQueryKind() {}

  /** The table and how it is queried; null when something is wrong (recorded), after every key was read. */
  static BigQueryConfig bigquery(Settings o) {
    int before = o.errors();
    String table = o.requiredString("table", "the table the pipeline's records land in, e.g."
        + " table: my-project.logs.inference");
    if (table != null && !BigQueryConfig.TABLE.matcher(table).matches()) {
      o.error("table", "\"" + table + "\" is not dataset.table or project.dataset.table (no backticks)");
    }
    String json = o.secret("credentials", true);
    ServiceAccount account = null;
    if (json != null) {
      try {
        account = ServiceAccount.parse(json);
      } catch (IllegalArgumentException e) {
        o.error("credentials_file", e.getMessage());
      }
    }
    String project = o.string("project", account == null ? null : account.projectId());
    if (account != null && project == null) {
      o.error("project", "the key names no project_id; write the project queries run in, e.g. project: my-project");
    } else if (project != null && !project.matches("([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]")) {
      o.error("project", "\"" + project + "\" is not a Google Cloud project id (6 to 30 lower-case letters, digits"
          + " and dashes)");
    }
    String location = o.string("location", null);
    String url = o.has("url") ? o.url("url", "") : BigQueryConfig.DEFAULT_URL;
    String ts = column(o, "timestamp_column", BigQueryConfig.DEFAULT_TIMESTAMP_COLUMN);
    long maxBytes = bytes(o, "maximum_bytes_billed", BigQueryConfig.DEFAULT_MAXIMUM_BYTES_BILLED);
    Duration timeout = o.timeout();
    if (o.errors() > before || account == null) {
      return null;
    }
    return new BigQueryConfig(account, project, location, url, table, ts, maxBytes, timeout);
  }

  static BigQueryStageConfig stage(Settings o) {
    BigQueryConfig bq = bigquery(o);
    String id = column(o, "id_column", BigQueryStageConfig.DEFAULT_ID_COLUMN);
    Duration poll = o.duration("poll", BigQueryStageConfig.DEFAULT_POLL, Duration.ofSeconds(1), Duration.ofMinutes(10));
    return bq == null ? null : new BigQueryStageConfig(bq, id, poll);
  }

  static BigQuerySignalConfig signal(Settings o) {
    BigQueryConfig bq = bigquery(o);
    String synthetic = column(o, "synthetic_column", BigQuerySignalConfig.DEFAULT_SYNTHETIC_COLUMN);
    Duration lookback = o.duration("lookback", BigQuerySignalConfig.DEFAULT_LOOKBACK, Duration.ofMinutes(1),
        Duration.ofDays(7));
    Duration delay = o.duration("delay", BigQuerySignalConfig.DEFAULT_DELAY, Duration.ZERO, Duration.ofHours(1));
    return bq == null ? null : new BigQuerySignalConfig(bq, synthetic, lookback, delay);
  }

  private static String column(Settings o, String key, String dflt) {
    String c = o.string(key, dflt);
    if (c != null && !BigQueryConfig.COLUMN.matcher(c).matches()) {
      o.error(key, "\"" + c + "\" is not a column name (letters, digits and _, a STRUCT field as record.field)");
    }
    return c;
  }

  /** A byte count: {@code 1073741824}, {@code 500MB}, {@code 1GiB}. */
  static long bytes(Settings o, String key, long dflt) {
    String written = o.string(key, null);
    if (written == null) {
      return dflt;
    }
    Matcher m = BYTES.matcher(written.strip());
    long n = -1;
    if (m.matches()) {
      String unit = m.group(2) == null ? "B" : m.group(2);
      int power = "BKMGT".indexOf(unit.toUpperCase(Locale.ROOT).charAt(0));
      long base = unit.contains("i") ? 1024 : 1000;
      try {
        n = Long.parseLong(m.group(1));
        for (int i = 0; i < power; i++) {
          n = Math.multiplyExact(n, base);
        }
      } catch (ArithmeticException | NumberFormatException e) {
        n = -1;
      }
    }
    if (n < 10L << 20) {
      o.error(key, "expected a byte count of at least 10MiB (BigQuery bills that much for any query), e.g. 1GiB or"
          + " 500MB, found \"" + written + "\"");
      return dflt;
    }
    return n;
  }
}
