package io.oobwatch.watchdog.store;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.StageResult;
import io.oobwatch.watchdog.page.Page;
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
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The store in one SQLite file, {@code state_dir/oobwatch.db}. WAL journal with
 * {@code synchronous=FULL}: a change is on disk when the method returns, so a crash (even
 * {@code kill -9} or power loss) loses nothing that was acknowledged. One connection, serialised.
 */
public final class SqliteStore implements Store {
  static final int SCHEMA_VERSION = 1;

  private final Path file;
  private final Connection db;

  private SqliteStore(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  /** Opens (creating if needed) the store in {@code stateDir}. */
  public static SqliteStore open(Path stateDir) {
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
      Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA busy_timeout=5000");
        s.execute("PRAGMA foreign_keys=ON");
      }
      SqliteStore store = new SqliteStore(file, db);
      store.migrate();
      return store;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open state store " + file + ": " + e.getMessage(), e);
    }
  }

  private void migrate() throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS canary_seq (pipeline TEXT PRIMARY KEY, last_seq INTEGER NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS canary_outcomes ("
          + " pipeline TEXT NOT NULL, seq INTEGER NOT NULL, canary_id TEXT NOT NULL,"
          + " emitted_at INTEGER NOT NULL, finished_at INTEGER NOT NULL, verdict TEXT NOT NULL,"
          + " failed_stage TEXT, duplicates INTEGER NOT NULL, stages TEXT NOT NULL,"
          + " PRIMARY KEY (pipeline, seq))");
      s.execute("CREATE INDEX IF NOT EXISTS canary_outcomes_time ON canary_outcomes (finished_at)");
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
      s.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '" + SCHEMA_VERSION + "')");
    }
  }

  @Override
  public synchronized long nextSeq(String pipeline) {
    return tx(() -> {
      try (PreparedStatement up = db.prepareStatement(
          "INSERT INTO canary_seq (pipeline, last_seq) VALUES (?, 1)"
              + " ON CONFLICT (pipeline) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq")) {
        up.setString(1, pipeline);
        try (ResultSet rs = up.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  @Override
  public synchronized long lastSeq(String pipeline) {
    return query("SELECT last_seq FROM canary_seq WHERE pipeline = ?", ps -> ps.setString(1, pipeline),
        rs -> rs.getLong(1)).stream().findFirst().orElse(0L);
  }

  @Override
  public synchronized void saveOutcome(CanaryOutcome o) {
    tx(() -> {
      try (PreparedStatement ps = db.prepareStatement(
          "INSERT OR REPLACE INTO canary_outcomes (pipeline, seq, canary_id, emitted_at, finished_at, verdict,"
              + " failed_stage, duplicates, stages) VALUES (?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, o.pipeline());
        ps.setLong(2, o.seq());
        ps.setString(3, o.canaryId());
        ps.setLong(4, o.emittedAt().toEpochMilli());
        ps.setLong(5, o.finishedAt().toEpochMilli());
        ps.setString(6, o.verdict().name());
        ps.setString(7, o.injection().ok() ? o.firstFailure().map(StageResult::stage).orElse(null) : "inject:" + o.injector());
        ps.setInt(8, o.duplicates());
        ps.setString(9, stagesText(o));
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** Compact per-stage summary, "kafka=SEEN:412ms elasticsearch=LOST:90000ms". */
  private static String stagesText(CanaryOutcome o) {
    StringBuilder b = new StringBuilder();
    for (StageResult s : o.stages()) {
      b.append(b.length() == 0 ? "" : " ").append(s.stage()).append('=').append(s.status()).append(':')
          .append(s.latency().toMillis()).append("ms");
    }
    return b.toString();
  }

  @Override
  public synchronized List<OutcomeRow> recentOutcomes(String pipeline, int limit) {
    List<OutcomeRow> rows = query(
        "SELECT pipeline, seq, canary_id, emitted_at, verdict, failed_stage, duplicates FROM canary_outcomes"
            + " WHERE pipeline = ? ORDER BY finished_at DESC, seq DESC LIMIT ?",
        ps -> {
          ps.setString(1, pipeline);
          ps.setInt(2, limit);
        },
        rs -> new OutcomeRow(rs.getString(1), rs.getLong(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
            CanaryOutcome.Verdict.valueOf(rs.getString(5)), rs.getString(6), rs.getInt(7)));
    List<OutcomeRow> oldestFirst = new ArrayList<>(rows);
    java.util.Collections.reverse(oldestFirst);
    return oldestFirst;
  }

  @Override
  public synchronized OutcomeCounts counts(String pipeline, Instant since) {
    return query(
        "SELECT COALESCE(SUM(verdict='OK'),0), COALESCE(SUM(verdict='SLOW'),0), COALESCE(SUM(verdict='LOST'),0),"
            + " COALESCE(SUM(verdict='UNREACHABLE'),0), COALESCE(SUM(duplicates),0)"
            + " FROM canary_outcomes WHERE pipeline = ? AND finished_at >= ?",
        ps -> {
          ps.setString(1, pipeline);
          ps.setLong(2, since.toEpochMilli());
        },
        rs -> new OutcomeCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)))
        .get(0);
  }

  @Override
  public synchronized Optional<Alert> firing(String subject, String rule) {
    return query("SELECT * FROM alerts WHERE subject = ? AND rule = ? AND state = 'FIRING' ORDER BY id DESC LIMIT 1",
        ps -> {
          ps.setString(1, subject);
          ps.setString(2, rule);
        },
        SqliteStore::alert).stream().findFirst();
  }

  @Override
  public synchronized Alert fire(
      String subject, String rule, String stage, String summary, Instant at, Function<Alert, List<Page>> pages) {
    return tx(() -> {
      long id;
      try (PreparedStatement ps = db.prepareStatement(
          "INSERT INTO alerts (subject, rule, state, stage, summary, opened_at) VALUES (?,?,'FIRING',?,?,?)",
          Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, subject);
        ps.setString(2, rule);
        ps.setString(3, stage);
        ps.setString(4, summary);
        ps.setLong(5, at.toEpochMilli());
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          id = keys.getLong(1);
        }
      }
      Alert alert = new Alert(id, subject, rule, Alert.State.FIRING, stage, summary, at, null);
      enqueue(alert, "fire", pages.apply(alert), at);
      return alert;
    });
  }

  @Override
  public synchronized Alert resolve(long alertId, Instant at, Function<Alert, List<Page>> pages) {
    return tx(() -> {
      try (PreparedStatement ps = db.prepareStatement(
          "UPDATE alerts SET state = 'RESOLVED', resolved_at = ? WHERE id = ? AND state = 'FIRING'")) {
        ps.setLong(1, at.toEpochMilli());
        ps.setLong(2, alertId);
        if (ps.executeUpdate() != 1) {
          throw new IllegalStateException("alert " + alertId + " is not firing");
        }
      }
      Alert alert = query("SELECT * FROM alerts WHERE id = ?", ps -> ps.setLong(1, alertId), SqliteStore::alert).get(0);
      enqueue(alert, "resolve", pages.apply(alert), at);
      return alert;
    });
  }

  private void enqueue(Alert alert, String event, List<Page> pages, Instant at) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(
        "INSERT INTO outbox (alert_id, event, recipient, phone, body, state, next_attempt_at, created_at)"
            + " VALUES (?,?,?,?,?,'PENDING',?,?)")) {
      for (Page p : pages) {
        ps.setLong(1, alert.id());
        ps.setString(2, event);
        ps.setString(3, p.to());
        ps.setString(4, p.phone());
        ps.setString(5, p.body());
        ps.setLong(6, at.toEpochMilli());
        ps.setLong(7, at.toEpochMilli());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public synchronized List<Alert> alerts(Instant since) {
    return query("SELECT * FROM alerts WHERE state = 'FIRING' OR resolved_at >= ? ORDER BY id DESC",
        ps -> ps.setLong(1, since.toEpochMilli()), SqliteStore::alert);
  }

  @Override
  public synchronized List<OutboxEntry> duePages(Instant now) {
    return query("SELECT * FROM outbox WHERE state = 'PENDING' AND next_attempt_at <= ? ORDER BY id",
        ps -> ps.setLong(1, now.toEpochMilli()), SqliteStore::page);
  }

  @Override
  public synchronized List<OutboxEntry> pages(int limit) {
    return query("SELECT * FROM outbox ORDER BY state = 'SENT', id DESC LIMIT ?", ps -> ps.setInt(1, limit),
        SqliteStore::page);
  }

  @Override
  public synchronized void pageSent(long pageId, String sid, Instant at) {
    update("UPDATE outbox SET state = 'SENT', sid = ?, sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
        ps -> {
          ps.setString(1, sid);
          ps.setLong(2, at.toEpochMilli());
          ps.setLong(3, pageId);
        });
  }

  @Override
  public synchronized void pageFailed(long pageId, String error, Instant retryAt) {
    update("UPDATE outbox SET state = ?, last_error = ?, attempts = attempts + 1,"
            + " next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ?",
        ps -> {
          ps.setString(1, retryAt == null ? "FAILED" : "PENDING");
          ps.setString(2, error);
          if (retryAt == null) {
            ps.setNull(3, java.sql.Types.INTEGER);
          } else {
            ps.setLong(3, retryAt.toEpochMilli());
          }
          ps.setLong(4, pageId);
        });
  }

  @Override
  public synchronized void prune(Instant before) {
    update("DELETE FROM canary_outcomes WHERE finished_at < ?", ps -> ps.setLong(1, before.toEpochMilli()));
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      // closing is best effort; every change was already committed
    }
  }

  private static Alert alert(ResultSet rs) throws SQLException {
    long resolved = rs.getLong("resolved_at");
    boolean open = rs.wasNull(); // asked right after reading resolved_at: NULL while firing
    return new Alert(rs.getLong("id"), rs.getString("subject"), rs.getString("rule"),
        Alert.State.valueOf(rs.getString("state")), rs.getString("stage"), rs.getString("summary"),
        Instant.ofEpochMilli(rs.getLong("opened_at")), open ? null : Instant.ofEpochMilli(resolved));
  }

  private static OutboxEntry page(ResultSet rs) throws SQLException {
    return new OutboxEntry(rs.getLong("id"), rs.getLong("alert_id"), rs.getString("event"), rs.getString("recipient"),
        rs.getString("phone"), rs.getString("body"), OutboxEntry.State.valueOf(rs.getString("state")),
        rs.getInt("attempts"), Instant.ofEpochMilli(rs.getLong("next_attempt_at")), rs.getString("sid"),
        rs.getString("last_error"));
  }

  private interface Work<T> {
    T run() throws SQLException;
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private <T> T tx(Work<T> work) {
    try {
      db.setAutoCommit(false);
      try {
        T result = work.run();
        db.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
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

  private void update(String sql, Binder binder) {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      binder.bind(ps);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private IllegalStateException failure(SQLException e) {
    return new IllegalStateException("state store " + file + " failed: " + e.getMessage(), e);
  }
}
