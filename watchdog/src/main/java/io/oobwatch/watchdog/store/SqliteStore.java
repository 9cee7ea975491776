package io.oobwatch.watchdog.store;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.StageResult;
import io.oobwatch.watchdog.detect.HeartbeatRule;
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
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
      s.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '" + SCHEMA_VERSION + "')");
    }
  }

  /** Escalation, acknowledgement and silences (issue 4); columns added to a store made before them. */
  private void migrateEscalation(Statement s) throws SQLException {
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
  public synchronized Optional<Alert> openAlert(String subject, String rule) {
    return query("SELECT * FROM alerts WHERE subject = ? AND rule = ? AND state IN ('FIRING', 'ACKNOWLEDGED') ORDER BY id DESC LIMIT 1",
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
      Alert alert = insertAlert(subject, rule, stage, summary, at);
      enqueue(alert, "fire", pages.apply(alert), at);
      return alert;
    });
  }

  private Alert insertAlert(String subject, String rule, String stage, String summary, Instant at) throws SQLException {
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
    return new Alert(id, subject, rule, Alert.State.FIRING, stage, summary, at, null);
  }

  @Override
  public synchronized Alert resolve(long alertId, Instant at, Function<Alert, List<Page>> pages) {
    return tx(() -> {
      try (PreparedStatement ps = db.prepareStatement(
          "UPDATE alerts SET state = 'RESOLVED', resolved_at = ? WHERE id = ? AND state IN ('FIRING', 'ACKNOWLEDGED')")) {
        ps.setLong(1, at.toEpochMilli());
        ps.setLong(2, alertId);
        if (ps.executeUpdate() != 1) {
          throw new IllegalStateException("alert " + alertId + " is not firing");
        }
      }
      Alert alert = query("SELECT * FROM alerts WHERE id = ?", ps -> ps.setLong(1, alertId), SqliteStore::alert).get(0);
      cancelSteps(alertId, "alert resolved before it was sent");
      enqueue(alert, "resolve", pages.apply(alert), at);
      return alert;
    });
  }

  private void enqueue(Alert alert, String event, List<Page> pages, Instant at) throws SQLException {
    List<Outgoing> out = new ArrayList<>();
    for (Page p : pages) {
      out.add(new Outgoing(event, p.to(), p.phone(), p.body(), Outgoing.SMS, null));
    }
    insertPages(alert.id(), out, at);
  }

  private void insertPages(long alertId, List<Outgoing> pages, Instant at) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(
        "INSERT OR IGNORE INTO outbox (alert_id, event, recipient, phone, body, state, next_attempt_at, created_at,"
            + " channel, dedupe) VALUES (?,?,?,?,?,'PENDING',?,?,?,?)")) {
      for (Outgoing p : pages) {
        ps.setLong(1, alertId);
        ps.setString(2, p.event());
        ps.setString(3, p.recipient());
        ps.setString(4, p.phone());
        ps.setString(5, p.body());
        ps.setLong(6, at.toEpochMilli());
        ps.setLong(7, at.toEpochMilli());
        ps.setString(8, p.channel());
        ps.setString(9, p.dedupe());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void cancelSteps(long alertId, String why) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(
        "UPDATE outbox SET state = 'CANCELLED', last_error = ? WHERE alert_id = ? AND state = 'PENDING'"
            + " AND event <> 'resolve'")) {
      ps.setString(1, why);
      ps.setLong(2, alertId);
      ps.executeUpdate();
    }
  }

  @Override
  public synchronized Alert open(String subject, String rule, String stage, String summary, Instant at,
      Function<Alert, String> text, boolean silenced, int nextStep,
      java.util.function.BiFunction<Alert, String, List<Outgoing>> pages) {
    return tx(() -> {
      Alert alert = insertAlert(subject, rule, stage, summary, at);
      String body = text.apply(alert);
      try (PreparedStatement ps = db.prepareStatement(
          "INSERT INTO escalations (alert_id, text, epoch, epoch_at, next_step, silenced) VALUES (?,?,0,?,?,?)")) {
        ps.setLong(1, alert.id());
        ps.setString(2, body);
        ps.setLong(3, at.toEpochMilli());
        ps.setInt(4, nextStep);
        ps.setInt(5, silenced ? 1 : 0);
        ps.executeUpdate();
      }
      insertPages(alert.id(), pages.apply(alert, body), at);
      return alert;
    });
  }

  @Override
  public synchronized List<Escalating> escalating() {
    return query("SELECT a.*, e.text, e.epoch, e.epoch_at, e.next_step, e.acked_at, e.acked_by, e.silenced"
            + " FROM alerts a JOIN escalations e ON e.alert_id = a.id"
            + " WHERE a.state IN ('FIRING', 'ACKNOWLEDGED') ORDER BY a.id",
        ps -> { },
        rs -> {
          long acked = rs.getLong("acked_at");
          Instant ackedAt = rs.wasNull() ? null : Instant.ofEpochMilli(acked);
          return new Escalating(alert(rs), rs.getString("text"), rs.getInt("epoch"),
              Instant.ofEpochMilli(rs.getLong("epoch_at")), rs.getInt("next_step"), ackedAt, rs.getString("acked_by"),
              rs.getInt("silenced") != 0);
        });
  }

  @Override
  public synchronized Optional<Alert> alert(long id) {
    return query("SELECT * FROM alerts WHERE id = ?", ps -> ps.setLong(1, id), SqliteStore::alert).stream().findFirst();
  }

  @Override
  public synchronized boolean advance(long alertId, int epoch, int from, int to, List<Outgoing> pages, Instant at) {
    return tx(() -> {
      try (PreparedStatement ps = db.prepareStatement(
          "UPDATE escalations SET next_step = ? WHERE alert_id = ? AND epoch = ? AND next_step = ?"
              + " AND acked_at IS NULL AND silenced = 0")) {
        ps.setInt(1, to);
        ps.setLong(2, alertId);
        ps.setInt(3, epoch);
        ps.setInt(4, from);
        if (ps.executeUpdate() != 1) {
          return false;
        }
      }
      insertPages(alertId, pages, at);
      return true;
    });
  }

  @Override
  public synchronized void restart(long alertId, Instant at, boolean stillSilenced) {
    tx(() -> {
      try (PreparedStatement ps = db.prepareStatement(
          "UPDATE escalations SET epoch = epoch + 1, epoch_at = ?, next_step = 0, acked_at = NULL, acked_by = NULL,"
              + " silenced = ? WHERE alert_id = ?")) {
        ps.setLong(1, at.toEpochMilli());
        ps.setInt(2, stillSilenced ? 1 : 0);
        ps.setLong(3, alertId);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = db.prepareStatement(
          "UPDATE alerts SET state = 'FIRING' WHERE id = ? AND state = 'ACKNOWLEDGED'")) {
        ps.setLong(1, alertId);
        ps.executeUpdate();
      }
      if (stillSilenced) {
        cancelSteps(alertId, "silenced");
      }
      return null;
    });
  }

  @Override
  public synchronized Optional<Alert> ack(long alertId, String by, Instant at) {
    return tx(() -> {
      try (PreparedStatement ps = db.prepareStatement(
          "UPDATE alerts SET state = 'ACKNOWLEDGED' WHERE id = ? AND state = 'FIRING'")) {
        ps.setLong(1, alertId);
        if (ps.executeUpdate() == 1) {
          try (PreparedStatement e = db.prepareStatement(
              "UPDATE escalations SET acked_at = ?, acked_by = ? WHERE alert_id = ?")) {
            e.setLong(1, at.toEpochMilli());
            e.setString(2, by);
            e.setLong(3, alertId);
            e.executeUpdate();
          }
          cancelSteps(alertId, "acknowledged by " + by + " before it was sent");
        }
      }
      return query("SELECT * FROM alerts WHERE id = ?", ps -> ps.setLong(1, alertId), SqliteStore::alert)
          .stream().findFirst();
    });
  }

  @Override
  public synchronized void enqueue(long alertId, List<Outgoing> pages, Instant at) {
    tx(() -> {
      insertPages(alertId, pages, at);
      return null;
    });
  }

  @Override
  public synchronized List<Outgoing> pagedFor(long alertId) {
    return query("SELECT recipient, phone FROM outbox WHERE alert_id = ? AND state = 'SENT' AND event <> 'resolve'"
            + " GROUP BY phone ORDER BY MIN(id)",
        ps -> ps.setLong(1, alertId),
        rs -> new Outgoing("resolve", rs.getString(1), rs.getString(2), "-", Outgoing.SMS, null));
  }

  @Override
  public synchronized void pagesSent(List<Long> pageIds, String sid, Instant at) {
    tx(() -> {
      for (long id : pageIds) {
        pageSent(id, sid, at);
      }
      return null;
    });
  }

  @Override
  public synchronized void pagesSuppressed(List<Long> pageIds, String why) {
    tx(() -> {
      for (long id : pageIds) {
        update("UPDATE outbox SET state = 'SUPPRESSED', last_error = ? WHERE id = ?", ps -> {
          ps.setString(1, why);
          ps.setLong(2, id);
        });
      }
      return null;
    });
  }

  @Override
  public synchronized int sentTo(String phone, Instant since) {
    return query("SELECT COUNT(DISTINCT sid) FROM outbox WHERE phone = ? AND state = 'SENT' AND sent_at >= ?",
        ps -> {
          ps.setString(1, phone);
          ps.setLong(2, since.toEpochMilli());
        },
        rs -> rs.getInt(1)).get(0);
  }

  @Override
  public synchronized int suppressedSinceLastSent(String phone) {
    return query("SELECT COUNT(DISTINCT alert_id) FROM outbox WHERE phone = ? AND state = 'SUPPRESSED'"
            + " AND id > (SELECT COALESCE(MAX(id), 0) FROM outbox WHERE phone = ? AND state = 'SENT' AND channel = 'sms')",
        ps -> {
          ps.setString(1, phone);
          ps.setString(2, phone);
        },
        rs -> rs.getInt(1)).get(0);
  }

  @Override
  public synchronized Silence silence(String subject, Instant from, Instant until, String reason, String by) {
    return tx(() -> {
      long id;
      try (PreparedStatement ps = db.prepareStatement(
          "INSERT INTO silences (subject, from_at, until_at, reason, by) VALUES (?,?,?,?,?)",
          Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, subject);
        ps.setLong(2, from.toEpochMilli());
        ps.setLong(3, until.toEpochMilli());
        ps.setString(4, reason);
        ps.setString(5, by);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          id = keys.getLong(1);
        }
      }
      // open alerts of the subject stop paging now
      try (PreparedStatement ps = db.prepareStatement(
          "UPDATE escalations SET silenced = 1 WHERE alert_id IN"
              + " (SELECT id FROM alerts WHERE subject = ? AND state IN ('FIRING', 'ACKNOWLEDGED'))")) {
        ps.setString(1, subject);
        ps.executeUpdate();
      }
      for (long alertId : query("SELECT id FROM alerts WHERE subject = ? AND state IN ('FIRING', 'ACKNOWLEDGED')",
          ps -> ps.setString(1, subject), rs -> rs.getLong(1))) {
        cancelSteps(alertId, "silenced: " + reason);
      }
      return new Silence(id, subject, from, until, reason, by);
    });
  }

  @Override
  public synchronized List<Silence> silences(Instant now) {
    return query("SELECT * FROM silences WHERE from_at <= ? AND until_at > ? ORDER BY until_at",
        ps -> {
          ps.setLong(1, now.toEpochMilli());
          ps.setLong(2, now.toEpochMilli());
        },
        rs -> new Silence(rs.getLong("id"), rs.getString("subject"), Instant.ofEpochMilli(rs.getLong("from_at")),
            Instant.ofEpochMilli(rs.getLong("until_at")), rs.getString("reason"), rs.getString("by")));
  }

  @Override
  public synchronized List<OutboxEntry> failedPages(Instant since) {
    return query("SELECT * FROM outbox WHERE state = 'FAILED' AND created_at >= ? ORDER BY id DESC LIMIT 50",
        ps -> ps.setLong(1, since.toEpochMilli()), SqliteStore::page);
  }

  @Override
  public synchronized List<Alert> alerts(Instant since) {
    return query("SELECT * FROM alerts WHERE state IN ('FIRING', 'ACKNOWLEDGED') OR resolved_at >= ? ORDER BY id DESC",
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
    // per signal, so each delete is a range of the primary key rather than a scan of every row
    for (long id : query("SELECT id FROM signals", ps -> { }, rs -> rs.getLong(1))) {
      update("DELETE FROM observations WHERE signal = ? AND minute < ?", ps -> {
        ps.setLong(1, id);
        ps.setLong(2, minute(before));
      });
    }
  }

  private final java.util.Map<String, Long> signalIds = new java.util.HashMap<>();
  private final java.util.Map<String, PreparedStatement> statements = new java.util.HashMap<>();

  /** Observations are written and read every round for every signal: their statements are kept prepared. */
  private PreparedStatement prepared(String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = db.prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }

  static long minute(Instant at) {
    return Math.floorDiv(at.getEpochSecond(), 60);
  }

  /** The id of a signal's name, creating it on first use; -1 when {@code create} is false and it is unknown. */
  private long signalId(String name, boolean create) throws SQLException {
    Long id = signalIds.get(name);
    if (id != null) {
      return id;
    }
    PreparedStatement find = prepared("SELECT id FROM signals WHERE name = ?");
    find.setString(1, name);
    try (ResultSet rs = find.executeQuery()) {
      if (rs.next()) {
        signalIds.put(name, rs.getLong(1));
        return rs.getLong(1);
      }
    }
    if (!create) {
      return -1;
    }
    PreparedStatement add = prepared("INSERT INTO signals (name) VALUES (?)");
    add.setString(1, name);
    add.executeUpdate();
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
      rs.next();
      signalIds.put(name, rs.getLong(1));
      return rs.getLong(1);
    }
  }

  /**
   * In one transaction, with {@code synchronous=NORMAL} for that transaction only: in WAL mode a
   * crash of the process loses nothing, a power loss at most the last rounds of observations (never
   * an alert or a page, whose transactions stay FULL). One fsync per round per pipeline would
   * otherwise dominate the cost of a round.
   */
  @Override
  public synchronized void saveObservations(List<SignalObservation> observations) {
    if (observations.isEmpty()) {
      return;
    }
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA synchronous=NORMAL");
      try {
        tx(() -> {
          PreparedStatement ps = prepared("INSERT OR REPLACE INTO observations (signal, minute, kind, value, aux, note)"
              + " VALUES (?,?,?,?,?,?)");
          for (SignalObservation so : observations) {
            Observation o = so.observation();
            ps.setLong(1, signalId(so.signal(), true));
            ps.setLong(2, minute(o.at()));
            ps.setInt(3, o.kind().ordinal());
            ps.setDouble(4, o.value());
            ps.setDouble(5, o.aux());
            if (o.note().isEmpty()) {
              ps.setNull(6, java.sql.Types.VARCHAR);
            } else {
              ps.setString(6, o.note());
            }
            ps.addBatch();
          }
          ps.executeBatch();
          return null;
        });
      } finally {
        s.execute("PRAGMA synchronous=FULL");
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public synchronized List<Observation> observations(String signal, Instant from, Instant to) {
    try {
      long id = signalId(signal, false);
      List<Observation> out = new ArrayList<>();
      if (id < 0) {
        return out;
      }
      PreparedStatement ps = prepared("SELECT minute, kind, value, aux, note FROM observations"
          + " WHERE signal = ? AND minute >= ? AND minute < ? ORDER BY minute");
      ps.setLong(1, id);
      ps.setLong(2, minute(from));
      ps.setLong(3, minute(to));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Observation(Instant.ofEpochSecond(rs.getLong(1) * 60), Observation.Kind.values()[rs.getInt(2)],
              rs.getDouble(3), rs.getDouble(4), rs.getString(5)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public synchronized Window window(String signal, Instant from, Instant to) {
    try {
      long id = signalId(signal, false);
      if (id < 0) {
        return new Window(0, 0);
      }
      PreparedStatement ps = prepared("SELECT count(*), COALESCE(sum(value), 0) FROM observations"
          + " WHERE signal = ? AND minute >= ? AND minute < ? AND kind = 0");
      ps.setLong(1, id);
      ps.setLong(2, minute(from));
      ps.setLong(3, minute(to));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Window(rs.getInt(1), rs.getDouble(2));
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public synchronized List<Window> windows(String signal, java.time.Duration length, List<Instant> ends) {
    try {
      long id = signalId(signal, false);
      List<Window> out = new ArrayList<>();
      if (id < 0) {
        ends.forEach(e -> out.add(new Window(0, 0)));
        return out;
      }
      StringBuilder sql = new StringBuilder();
      for (int i = 0; i < ends.size(); i++) {
        sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").append(i)
            .append(", count(*), COALESCE(sum(value), 0) FROM observations WHERE signal = ? AND minute >= ? AND minute < ? AND kind = 0");
      }
      PreparedStatement ps = prepared(sql.toString());
      for (int i = 0; i < ends.size(); i++) {
        ps.setLong(3 * i + 1, id);
        ps.setLong(3 * i + 2, minute(ends.get(i).minus(length)));
        ps.setLong(3 * i + 3, minute(ends.get(i)));
      }
      Window[] byIndex = new Window[ends.size()];
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byIndex[rs.getInt(1)] = new Window(rs.getInt(2), rs.getDouble(3));
        }
      }
      out.addAll(java.util.Arrays.asList(byIndex));
      return out;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public synchronized Instant runStart(String signal, java.util.Set<Observation.Kind> kinds) {
    try {
      long id = signalId(signal, false);
      if (id < 0 || kinds.isEmpty()) {
        return null;
      }
      StringBuilder in = new StringBuilder();
      for (Observation.Kind k : kinds) {
        in.append(in.length() == 0 ? "" : ",").append(k.ordinal());
      }
      // the newest observation of another kind bounds the run; the run starts right after it
      PreparedStatement ps = prepared("SELECT min(minute) FROM observations WHERE signal = ?1 AND minute >"
          + " COALESCE((SELECT max(minute) FROM observations WHERE signal = ?1 AND kind NOT IN (" + in + ")), -1)");
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long m = rs.getLong(1);
        return rs.wasNull() ? null : Instant.ofEpochSecond(m * 60);
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public synchronized void saveHeartbeat(String name, HeartbeatRule.State st) {
    update("INSERT OR REPLACE INTO heartbeats (name, watched_since, last_ok_at, last_start_at, last_fail_at, failures,"
            + " reason) VALUES (?,?,?,?,?,?,?)",
        ps -> {
          ps.setString(1, name);
          ps.setLong(2, st.watchedSince().toEpochMilli());
          setInstant(ps, 3, st.lastOk());
          setInstant(ps, 4, st.lastStart());
          setInstant(ps, 5, st.lastFail());
          ps.setInt(6, st.failures());
          ps.setString(7, st.reason());
        });
  }

  @Override
  public synchronized Map<String, HeartbeatRule.State> heartbeats() {
    Map<String, HeartbeatRule.State> out = new LinkedHashMap<>();
    query("SELECT name, watched_since, last_ok_at, last_start_at, last_fail_at, failures, reason FROM heartbeats",
        ps -> { },
        rs -> out.put(rs.getString(1), new HeartbeatRule.State(Instant.ofEpochMilli(rs.getLong(2)), instant(rs, 3),
            instant(rs, 4), instant(rs, 5), rs.getInt(6), rs.getString(7))));
    return out;
  }

  @Override
  public synchronized Map<OutboxEntry.State, Long> pageCounts() {
    Map<OutboxEntry.State, Long> out = new EnumMap<>(OutboxEntry.State.class);
    for (OutboxEntry.State st : OutboxEntry.State.values()) {
      out.put(st, 0L);
    }
    query("SELECT state, COUNT(*) FROM outbox GROUP BY state", ps -> { },
        rs -> out.put(OutboxEntry.State.valueOf(rs.getString(1)), rs.getLong(2)));
    return out;
  }

  private static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, java.sql.Types.INTEGER);
    } else {
      ps.setLong(i, t.toEpochMilli());
    }
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long ms = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
  }

  @Override
  public synchronized void close() {
    try {
      for (PreparedStatement ps : statements.values()) {
        ps.close();
      }
      db.close();
    } catch (SQLException e) {
      // closing is best effort; every change was already committed
    }
  }

  private static Alert alert(ResultSet rs) throws SQLException {
    long resolved = rs.getLong("resolved_at");
    boolean open = rs.wasNull(); // read now: wasNull() speaks of the last column read
    return new Alert(rs.getLong("id"), rs.getString("subject"), rs.getString("rule"),
        Alert.State.valueOf(rs.getString("state")), rs.getString("stage"), rs.getString("summary"),
        Instant.ofEpochMilli(rs.getLong("opened_at")), open ? null : Instant.ofEpochMilli(resolved));
  }

  private static OutboxEntry page(ResultSet rs) throws SQLException {
    return new OutboxEntry(rs.getLong("id"), rs.getLong("alert_id"), rs.getString("event"), rs.getString("recipient"),
        rs.getString("phone"), rs.getString("body"), OutboxEntry.State.valueOf(rs.getString("state")),
        rs.getInt("attempts"), Instant.ofEpochMilli(rs.getLong("next_attempt_at")), rs.getString("sid"),
        rs.getString("last_error"), rs.getString("channel"), Instant.ofEpochMilli(rs.getLong("created_at")));
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
