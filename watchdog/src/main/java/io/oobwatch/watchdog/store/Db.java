package io.oobwatch.watchdog.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one SQLite file, {@code state_dir/oobwatch.db}: its connection, its transactions and its
 * migrations. WAL journal with {@code synchronous=FULL}: a change is on disk when a store's method
 * returns, so a crash (even {@code kill -9} or power loss) loses nothing that was acknowledged.
 * One connection, serialised: every store runs its work through {@link #tx} or {@link #read}, which
 * hold this object's lock, so the stores that share it never interleave their statements.
 */
final class Db implements AutoCloseable {
  static final int SCHEMA_VERSION = 1;

  private final Path file;
  private final Connection connection;
  /** The failure of the latest write, null after a write that succeeded. */
  private volatile WriteFailure writeFailure;
  /** Statements run every round (observations) stay prepared; closed with the connection. */
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  private Db(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /** Opens (creating if needed) the file in {@code stateDir} and brings its schema up to date. */
  static Db open(Path stateDir) {
    Path file = stateDir.resolve("oobwatch.db");
    try {
      Files.createDirectories(stateDir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create state_dir " + stateDir + ": " + e.getMessage()
          + "; create it and make it writable by the oobwatch user", e);
    }
    if (!Files.isWritable(stateDir)) {
      throw new IllegalStateException("state_dir " + stateDir + " is not writable by this user; fix its owner or mode");
    }
    try {
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (Statement s = connection.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA busy_timeout=5000");
        s.execute("PRAGMA foreign_keys=ON");
      }
      Db db = new Db(file, connection);
      db.migrate();
      return db;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open state store " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The state in {@code stateDir} opened read only, for a reader beside a running daemon (check):
   * nothing is created or migrated; empty when there is no state there yet.
   */
  static java.util.Optional<Db> openReadOnly(Path stateDir) {
    Path file = stateDir.resolve("oobwatch.db");
    if (!Files.isRegularFile(file)) {
      return java.util.Optional.empty();
    }
    try {
      org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
      config.setReadOnly(true);
      config.setBusyTimeout(5000);
      return java.util.Optional.of(new Db(file, config.createConnection("jdbc:sqlite:" + file)));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read state store " + file + ": " + e.getMessage(), e);
    }
  }

  private void migrate() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS canary_seq (pipeline TEXT PRIMARY KEY, last_seq INTEGER NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS canary_outcomes ("
          + " pipeline TEXT NOT NULL, seq INTEGER NOT NULL, canary_id TEXT NOT NULL,"
          + " emitted_at INTEGER NOT NULL, finished_at INTEGER NOT NULL, verdict TEXT NOT NULL,"
          + " failed_stage TEXT, duplicates INTEGER NOT NULL, stages TEXT NOT NULL,"
          + " PRIMARY KEY (pipeline, seq))");
      s.execute("CREATE INDEX IF NOT EXISTS canary_outcomes_time ON canary_outcomes (finished_at)");
      addColumn(s, "canary_outcomes", "late_at", "INTEGER");
      s.execute("CREATE TABLE IF NOT EXISTS alerts ("
          + " id INTEGER PRIMARY KEY AUTOINCREMENT, subject TEXT NOT NULL, rule TEXT NOT NULL,"
          + " state TEXT NOT NULL, stage TEXT, summary TEXT NOT NULL,"
          + " opened_at INTEGER NOT NULL, resolved_at INTEGER)");
      s.execute("CREATE INDEX IF NOT EXISTS alerts_open ON alerts (subject, rule, state)");
      s.execute("CREATE TABLE IF NOT EXISTS outbox ("
          + " id INTEGER PRIMARY KEY AUTOINCREMENT, alert_id INTEGER NOT NULL REFERENCES alerts(id),"
          + " event TEXT NOT NULL, recipient TEXT NOT NULL, phone TEXT NOT NULL, body TEXT NOT NULL,"
          + " state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,"
          + " created_at INTEGER NOT NULL, sent_at INTEGER, sid TEXT, last_error TEXT)");
      s.execute("CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_attempt_at)");
      s.execute("CREATE TABLE IF NOT EXISTS heartbeats ("
          + " name TEXT PRIMARY KEY, watched_since INTEGER NOT NULL, last_ok_at INTEGER, last_start_at INTEGER,"
          + " last_fail_at INTEGER, failures INTEGER NOT NULL DEFAULT 0, reason TEXT)");
      migrateEscalation(s);
      // observations: one compact row per signal per minute; the signal's name is stored once
      s.execute("CREATE TABLE IF NOT EXISTS signals (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
      s.execute("CREATE TABLE IF NOT EXISTS observations ("
          + " signal INTEGER NOT NULL, minute INTEGER NOT NULL, kind INTEGER NOT NULL,"
          + " value REAL NOT NULL, aux REAL NOT NULL, note TEXT,"
          + " PRIMARY KEY (signal, minute)) WITHOUT ROWID");
      addColumn(s, "observations", "covers", "REAL");
      s.execute("CREATE TABLE IF NOT EXISTS test_pages ("
          + " id INTEGER PRIMARY KEY AUTOINCREMENT, recipient TEXT NOT NULL, phone TEXT NOT NULL, channel TEXT NOT NULL,"
          + " requested_at INTEGER NOT NULL, requested_by TEXT NOT NULL, via TEXT, sent_at INTEGER, sid TEXT,"
          + " error TEXT, delivery TEXT, delivery_code INTEGER, delivery_detail TEXT, delivery_at INTEGER)");
      s.execute("CREATE INDEX IF NOT EXISTS test_pages_sid ON test_pages (sid)");
      migrateQuality(s);
      s.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '" + SCHEMA_VERSION + "')");
    }
  }

  /**
   * Adds {@code column} (with its type) to {@code table} unless a file made after it has it already:
   * {@code canary_outcomes.late_at}, when a canary was judged LATE before its deadline (null: never,
   * kept when its final outcome replaces the early one); {@code observations.covers}, the seconds a
   * minute's rate readings cover (null: a state, or a row from before the column, read as a whole
   * minute).
   */
  private static void addColumn(Statement s, String table, String column, String type) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        if (rs.getString("name").equals(column)) {
          return;
        }
      }
    }
    s.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
  }

  /**
   * The quality and cost tap's tallies (compact blobs, never raw records), per pipeline and minute
   * and per hour, and the sessions a request signal has paged for. New tables: a file made before
   * them gains them empty.
   */
  private static void migrateQuality(Statement s) throws SQLException {
    s.execute("CREATE TABLE IF NOT EXISTS quality_minutes (pipeline TEXT NOT NULL, minute INTEGER NOT NULL,"
        + " tally BLOB NOT NULL, PRIMARY KEY (pipeline, minute)) WITHOUT ROWID");
    s.execute("CREATE TABLE IF NOT EXISTS quality_hours (pipeline TEXT NOT NULL, hour INTEGER NOT NULL,"
        + " tally BLOB NOT NULL, PRIMARY KEY (pipeline, hour)) WITHOUT ROWID");
    s.execute("CREATE TABLE IF NOT EXISTS quality_sessions (pipeline TEXT NOT NULL, signal TEXT NOT NULL,"
        + " session TEXT NOT NULL, named_at INTEGER NOT NULL, PRIMARY KEY (pipeline, signal, session)) WITHOUT ROWID");
  }

  /** Escalation, acknowledgement, silences and delivery receipts: columns added to a file made before them. */
  private static void migrateEscalation(Statement s) throws SQLException {
    List<String> cols = new ArrayList<>();
    try (ResultSet rs = s.executeQuery("PRAGMA table_info(outbox)")) {
      while (rs.next()) {
        cols.add(rs.getString("name"));
      }
    }
    if (!cols.contains("channel")) {
      s.execute("ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'sms'");
    }
    if (!cols.contains("dedupe")) {
      s.execute("ALTER TABLE outbox ADD COLUMN dedupe TEXT");
    }
    for (String col : List.of("delivery TEXT", "delivery_code INTEGER", "delivery_detail TEXT", "delivery_at INTEGER")) {
      if (!cols.contains(col.substring(0, col.indexOf(' ')))) {
        s.execute("ALTER TABLE outbox ADD COLUMN " + col);
      }
    }
    s.execute("CREATE INDEX IF NOT EXISTS outbox_sid ON outbox (sid)");
    s.execute("CREATE INDEX IF NOT EXISTS outbox_awaiting ON outbox (sent_at) WHERE state = 'SENT' AND delivery IS NULL");
    if (!cols.contains("sending_at")) {
      s.execute("ALTER TABLE outbox ADD COLUMN sending_at INTEGER");
    }
    s.execute("CREATE UNIQUE INDEX IF NOT EXISTS outbox_dedupe ON outbox (dedupe) WHERE dedupe IS NOT NULL");
    s.execute("CREATE INDEX IF NOT EXISTS outbox_phone ON outbox (phone, state, sent_at)");
    s.execute("CREATE TABLE IF NOT EXISTS escalations ("
        + " alert_id INTEGER PRIMARY KEY REFERENCES alerts(id), text TEXT NOT NULL, epoch INTEGER NOT NULL,"
        + " epoch_at INTEGER NOT NULL, next_step INTEGER NOT NULL, acked_at INTEGER, acked_by TEXT,"
        + " silenced INTEGER NOT NULL)");
    s.execute("CREATE TABLE IF NOT EXISTS silences ("
        + " id INTEGER PRIMARY KEY AUTOINCREMENT, subject TEXT NOT NULL, from_at INTEGER NOT NULL,"
        + " until_at INTEGER NOT NULL, reason TEXT NOT NULL, by TEXT NOT NULL)");
  }

  /** Work on the connection; may throw SQLException, which the caller reports as a store failure. */
  interface Work<T> {
    T run() throws SQLException;
  }

  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Runs {@code work} in one transaction: all of it is committed, or none of it. */
  synchronized <T> T tx(Work<T> work) {
    try {
      connection.setAutoCommit(false);
      try {
        T result = work.run();
        connection.commit();
        writeFailure = null;
        return result;
      } catch (SQLException | RuntimeException e) {
        rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw writeFailed(e);
    }
  }

  // a rollback on a full or broken disk may fail too; the failure that caused it is the one to report
  private void rollback() {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the transaction is abandoned either way
    }
  }

  /**
   * As {@link #tx}, with {@code synchronous=NORMAL} for that transaction only: in WAL mode a crash of
   * the process loses nothing, a power loss at most the last such transactions. Only for data that
   * may be lost that way (observations), never for an alert or a page.
   */
  synchronized <T> T relaxedTx(Work<T> work) {
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA synchronous=NORMAL");
      try {
        return tx(work);
      } finally {
        s.execute("PRAGMA synchronous=FULL");
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Runs {@code work} under the lock, outside a transaction (reads, single statements). */
  synchronized <T> T read(Work<T> work) {
    try {
      return work.run();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  synchronized <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      binder.bind(ps);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(mapper.map(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  synchronized void update(String sql, Binder binder) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      binder.bind(ps);
      ps.executeUpdate();
      if (connection.getAutoCommit()) {
        writeFailure = null;
      }
    } catch (SQLException e) {
      throw writeFailed(e);
    }
  }

  Path file() {
    return file;
  }

  /** Whether writes fail now: set by a failed write, cleared by the next write that succeeds. */
  java.util.Optional<WriteFailure> writeFailure() {
    return java.util.Optional.ofNullable(writeFailure);
  }

  /** A new statement; call inside {@link #tx} or {@link #read} and close it there. */
  PreparedStatement prepare(String sql) throws SQLException {
    return connection.prepareStatement(sql);
  }

  /** A statement returning generated keys; call inside {@link #tx} or {@link #read} and close it there. */
  PreparedStatement prepareReturningKeys(String sql) throws SQLException {
    return connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS);
  }

  /** A statement kept prepared for the life of the connection; call inside {@link #tx} or {@link #read}. */
  PreparedStatement prepared(String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = connection.prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }

  /** The rowid of the last insert on this connection; call inside {@link #tx} or {@link #read}. */
  long lastInsertId() throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, java.sql.Types.INTEGER);
    } else {
      ps.setLong(i, t.toEpochMilli());
    }
  }

  static Instant instant(ResultSet rs, int column) throws SQLException {
    long ms = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
  }

  StateStoreException failure(SQLException e) {
    return new StateStoreException("state store " + file + " failed: " + e.getMessage(), e);
  }

  private StateStoreException writeFailed(SQLException e) {
    WriteFailure before = writeFailure;
    // the first failure of a run names the cause; later ones are often its echoes ("no transaction is active")
    writeFailure = before == null ? new WriteFailure(reason(e), String.valueOf(e.getMessage()), 1)
        : new WriteFailure(before.reason(), String.valueOf(e.getMessage()), before.failedWrites() + 1);
    return failure(e);
  }

  /** A failed write in a few words: the disk is full, read-only, or SQLite's message. */
  static String reason(SQLException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("SQLITE_FULL") || m.contains("disk is full") || m.contains("No space left")) {
      return "disk full";
    }
    if (m.contains("SQLITE_READONLY") || m.contains("readonly") || m.contains("Read-only")) {
      return "read-only file system";
    }
    if (m.contains("SQLITE_IOERR") || m.contains("disk I/O error")) {
      return "disk I/O error";
    }
    return m.length() > 120 ? m.substring(0, 120) + "..." : m;
  }

  @Override
  public synchronized void close() {
    try {
      for (PreparedStatement ps : statements.values()) {
        ps.close();
      }
      connection.close();
    } catch (SQLException e) {
      // closing is best effort; every change was already committed
    }
  }
}
