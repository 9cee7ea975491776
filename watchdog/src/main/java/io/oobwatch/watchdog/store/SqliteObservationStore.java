package io.oobwatch.watchdog.store;

import io.oobwatch.probes.Observation;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Observations in the tables {@code signals} (each name once) and {@code observations} (one compact
 * row per signal per minute). Written and read every round for every signal, so their statements
 * stay prepared and signal ids are cached.
 */
final class SqliteObservationStore implements ObservationStore {
  private final Db db;
  /** Guarded by {@code db}'s lock, like every use of the connection. */
  private final Map<String, Long> signalIds = new HashMap<>();

  /** When a new reading joins the minute's row rather than replacing it: both known rate readings. */
  private static final String MERGE = "kind = 0 AND excluded.kind = 0 AND covers IS NOT NULL AND excluded.covers IS NOT NULL"
      + " AND covers + excluded.covers > 0";

  /** A known row's value times the seconds it covers, and those seconds: a minute when not recorded. */
  private static final String WEIGHTED = "count(*), COALESCE(sum(value * COALESCE(covers, 60)), 0),"
      + " COALESCE(sum(COALESCE(covers, 60)), 0)";

  SqliteObservationStore(Db db) {
    this.db = db;
  }

  static long minute(Instant at) {
    return Math.floorDiv(at.getEpochSecond(), 60);
  }

  /** Binds "signal = ? AND minute >= ? AND minute < ?" at parameters {@code after + 1..3}: a signal's {@code [from, to)}. */
  private static PreparedStatement span(PreparedStatement ps, int after, long id, Instant from, Instant to)
      throws SQLException {
    ps.setLong(after + 1, id);
    ps.setLong(after + 2, minute(from));
    ps.setLong(after + 3, minute(to));
    return ps;
  }

  /** The id of a signal's name, creating it on first use; -1 when {@code create} is false and it is unknown. */
  private long signalId(String name, boolean create) throws SQLException {
    Long id = signalIds.get(name);
    if (id != null) {
      return id;
    }
    PreparedStatement find = db.prepared("SELECT id FROM signals WHERE name = ?");
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
    PreparedStatement add = db.prepared("INSERT INTO signals (name) VALUES (?)");
    add.setString(1, name);
    add.executeUpdate();
    long created = db.lastInsertId();
    signalIds.put(name, created);
    return created;
  }

  /**
   * In one relaxed transaction (see {@link Db#relaxedTx}): one fsync per round per pipeline would
   * otherwise dominate the cost of a round, and losing the last rounds' observations to a power
   * loss loses no alert and no page.
   */
  @Override
  public void saveObservations(List<SignalObservation> observations) {
    if (observations.isEmpty()) {
      return;
    }
    db.relaxedTx(() -> {
      // a known rate reading joins the minute's known rate readings (mean weighed by what each
      // covers, coverage capped at the minute); anything else replaces the minute's row
      PreparedStatement ps = db.prepared("INSERT INTO observations (signal, minute, kind, value, aux, note, covers)"
          + " VALUES (?,?,?,?,?,?,?) ON CONFLICT (signal, minute) DO UPDATE SET"
          + " value = CASE WHEN " + MERGE + " THEN (value * covers + excluded.value * excluded.covers)"
          + " / (covers + excluded.covers) ELSE excluded.value END,"
          + " covers = CASE WHEN " + MERGE + " THEN min(60, covers + excluded.covers) ELSE excluded.covers END,"
          + " kind = excluded.kind, aux = excluded.aux, note = excluded.note");
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
        if (so.covers() == null) {
          ps.setNull(7, java.sql.Types.REAL);
        } else {
          ps.setDouble(7, Math.min(60, so.covers().toMillis() / 1000.0));
        }
        ps.addBatch();
      }
      ps.executeBatch();
      return null;
    });
  }

  @Override
  public List<Observation> observations(String signal, Instant from, Instant to) {
    return db.read(() -> {
      long id = signalId(signal, false);
      List<Observation> out = new ArrayList<>();
      if (id < 0) {
        return out;
      }
      PreparedStatement ps = span(db.prepared("SELECT minute, kind, value, aux, note FROM observations"
          + " WHERE signal = ? AND minute >= ? AND minute < ? ORDER BY minute"), 0, id, from, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Observation(Instant.ofEpochSecond(rs.getLong(1) * 60), Observation.Kind.values()[rs.getInt(2)],
              rs.getDouble(3), rs.getDouble(4), rs.getString(5)));
        }
      }
      return out;
    });
  }

  @Override
  public Window window(String signal, Instant from, Instant to) {
    return db.read(() -> {
      long id = signalId(signal, false);
      if (id < 0) {
        return new Window(0, 0);
      }
      PreparedStatement ps = span(db.prepared("SELECT " + WEIGHTED + " FROM observations"
          + " WHERE signal = ? AND minute >= ? AND minute < ? AND kind = 0"), 0, id, from, to);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Window(rs.getInt(1), rs.getDouble(2), rs.getDouble(3));
      }
    });
  }

  @Override
  public List<Window> windows(String signal, Duration length, List<Instant> ends) {
    return db.read(() -> {
      long id = signalId(signal, false);
      List<Window> out = new ArrayList<>();
      if (id < 0) {
        ends.forEach(e -> out.add(new Window(0, 0)));
        return out;
      }
      StringBuilder sql = new StringBuilder();
      for (int i = 0; i < ends.size(); i++) {
        sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").append(i)
            .append(", ").append(WEIGHTED).append(" FROM observations WHERE signal = ? AND minute >= ? AND minute < ? AND kind = 0");
      }
      PreparedStatement ps = db.prepared(sql.toString());
      for (int i = 0; i < ends.size(); i++) {
        span(ps, 3 * i, id, ends.get(i).minus(length), ends.get(i));
      }
      Window[] byIndex = new Window[ends.size()];
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byIndex[rs.getInt(1)] = new Window(rs.getInt(2), rs.getDouble(3), rs.getDouble(4));
        }
      }
      out.addAll(Arrays.asList(byIndex));
      return out;
    });
  }

  @Override
  public Instant runStart(String signal, Set<Observation.Kind> kinds) {
    return db.read(() -> {
      long id = signalId(signal, false);
      if (id < 0 || kinds.isEmpty()) {
        return null;
      }
      StringBuilder in = new StringBuilder();
      for (Observation.Kind k : kinds) {
        in.append(in.length() == 0 ? "" : ",").append(k.ordinal());
      }
      // the newest observation of another kind bounds the run; the run starts right after it
      PreparedStatement ps = db.prepared("SELECT min(minute) FROM observations WHERE signal = ?1 AND minute >"
          + " COALESCE((SELECT max(minute) FROM observations WHERE signal = ?1 AND kind NOT IN (" + in + ")), -1)");
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long m = rs.getLong(1);
        return rs.wasNull() ? null : Instant.ofEpochSecond(m * 60);
      }
    });
  }

  @Override
  public void prune(Instant before) {
    // per signal, so each delete is a range of the primary key rather than a scan of every row
    for (long id : db.query("SELECT id FROM signals", ps -> { }, rs -> rs.getLong(1))) {
      db.update("DELETE FROM observations WHERE signal = ? AND minute < ?", ps -> {
        ps.setLong(1, id);
        ps.setLong(2, minute(before));
      });
    }
  }
}
