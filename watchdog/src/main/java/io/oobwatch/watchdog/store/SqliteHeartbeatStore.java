package io.oobwatch.watchdog.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Heartbeat states in the table {@code heartbeats}, one row per heartbeat. */
final class SqliteHeartbeatStore implements HeartbeatStore {
  private final Db db;

  SqliteHeartbeatStore(Db db) {
    this.db = db;
  }

  @Override
  public void saveHeartbeat(String name, HeartbeatRecord st) {
    db.update("INSERT OR REPLACE INTO heartbeats (name, watched_since, last_ok_at, last_start_at, last_fail_at, failures,"
            + " reason) VALUES (?,?,?,?,?,?,?)",
        ps -> {
          ps.setString(1, name);
          ps.setLong(2, st.watchedSince().toEpochMilli());
          Db.setInstant(ps, 3, st.lastOk());
          Db.setInstant(ps, 4, st.lastStart());
          Db.setInstant(ps, 5, st.lastFail());
          ps.setInt(6, st.failures());
          ps.setString(7, st.reason());
        });
  }

  @Override
  public Map<String, HeartbeatRecord> heartbeats() {
    Map<String, HeartbeatRecord> out = new LinkedHashMap<>();
    db.query("SELECT name, watched_since, last_ok_at, last_start_at, last_fail_at, failures, reason FROM heartbeats",
        ps -> { },
        rs -> out.put(rs.getString(1), new HeartbeatRecord(Instant.ofEpochMilli(rs.getLong(2)), Db.instant(rs, 3),
            Db.instant(rs, 4), Db.instant(rs, 5), rs.getInt(6), rs.getString(7))));
    return out;
  }
}
