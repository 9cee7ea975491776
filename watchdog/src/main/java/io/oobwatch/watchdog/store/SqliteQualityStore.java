package io.oobwatch.watchdog.store;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Tallies in {@code quality_minutes} and {@code quality_hours}, named sessions in {@code quality_sessions}. */
final class SqliteQualityStore implements QualityStore {
  private final Db db;

  SqliteQualityStore(Db db) {
    this.db = db;
  }

  @Override
  public void saveMinutes(String pipeline, List<Row> minutes) {
    if (minutes.isEmpty()) {
      return;
    }
    // tallies can be counted again from the topic: a power loss may lose the last ones
    db.relaxedTx(() -> {
      PreparedStatement ps = db.prepared("INSERT OR REPLACE INTO quality_minutes (pipeline, minute, tally) VALUES (?,?,?)");
      for (Row r : minutes) {
        ps.setString(1, pipeline);
        ps.setLong(2, r.at().getEpochSecond());
        ps.setBytes(3, r.tally());
        ps.addBatch();
      }
      ps.executeBatch();
      return null;
    });
  }

  @Override
  public List<Row> minutes(String pipeline, Instant from, Instant to) {
    return rows("SELECT minute, tally FROM quality_minutes WHERE pipeline = ? AND minute >= ? AND minute < ? ORDER BY minute",
        pipeline, from, to);
  }

  @Override
  public java.util.Optional<Instant> lastMinute(String pipeline) {
    List<Long> last = db.query("SELECT MAX(minute) FROM quality_minutes WHERE pipeline = ?", ps -> ps.setString(1, pipeline),
        rs -> rs.getObject(1) == null ? null : rs.getLong(1));
    return last.isEmpty() || last.get(0) == null ? java.util.Optional.empty()
        : java.util.Optional.of(Instant.ofEpochSecond(last.get(0)));
  }

  @Override
  public void saveHour(String pipeline, Row hour) {
    db.update("INSERT OR REPLACE INTO quality_hours (pipeline, hour, tally) VALUES (?,?,?)", ps -> {
      ps.setString(1, pipeline);
      ps.setLong(2, hour.at().getEpochSecond());
      ps.setBytes(3, hour.tally());
    });
  }

  @Override
  public List<Row> hours(String pipeline, Instant from, Instant to) {
    return rows("SELECT hour, tally FROM quality_hours WHERE pipeline = ? AND hour >= ? AND hour < ? ORDER BY hour",
        pipeline, from, to);
  }

  private List<Row> rows(String sql, String pipeline, Instant from, Instant to) {
    return db.query(sql, ps -> {
      ps.setString(1, pipeline);
      ps.setLong(2, from.getEpochSecond());
      ps.setLong(3, to.getEpochSecond());
    }, rs -> new Row(Instant.ofEpochSecond(rs.getLong(1)), rs.getBytes(2)));
  }

  @Override
  public Set<String> namedSessions(String pipeline, String signal) {
    return new HashSet<>(db.query("SELECT session FROM quality_sessions WHERE pipeline = ? AND signal = ?", ps -> {
      ps.setString(1, pipeline);
      ps.setString(2, signal);
    }, rs -> rs.getString(1)));
  }

  @Override
  public void nameSession(String pipeline, String signal, String session, Instant at) {
    db.update("INSERT OR IGNORE INTO quality_sessions (pipeline, signal, session, named_at) VALUES (?,?,?,?)", ps -> {
      ps.setString(1, pipeline);
      ps.setString(2, signal);
      ps.setString(3, session);
      ps.setLong(4, at.toEpochMilli());
    });
  }

  @Override
  public void prune(Instant before) {
    db.tx(() -> {
      for (String sql : List.of("DELETE FROM quality_minutes WHERE minute < ?", "DELETE FROM quality_hours WHERE hour < ?")) {
        try (PreparedStatement ps = db.prepare(sql)) {
          ps.setLong(1, before.getEpochSecond());
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = db.prepare("DELETE FROM quality_sessions WHERE named_at < ?")) {
        ps.setLong(1, before.toEpochMilli());
        ps.executeUpdate();
      }
      return null;
    });
  }
}
