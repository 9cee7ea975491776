package io.oobwatch.watchdog.store;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.StageResult;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Canary sequence numbers and judged canaries in the tables {@code canary_seq} and {@code canary_outcomes}. */
final class SqliteCanaryStore implements CanaryStore {
  private final Db db;

  SqliteCanaryStore(Db db) {
    this.db = db;
  }

  @Override
  public long nextSeq(String pipeline) {
    return db.tx(() -> {
      try (PreparedStatement up = db.prepare(
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
  public long lastSeq(String pipeline) {
    return db.query("SELECT last_seq FROM canary_seq WHERE pipeline = ?", ps -> ps.setString(1, pipeline),
        rs -> rs.getLong(1)).stream().findFirst().orElse(0L);
  }

  /**
   * Writes the outcome, replacing an earlier one of the same canary (its early LATE verdict); the
   * time it was first judged LATE is kept through the replacement.
   */
  @Override
  public void saveOutcome(CanaryOutcome o) {
    db.update("INSERT INTO canary_outcomes (pipeline, seq, canary_id, emitted_at, finished_at, verdict,"
            + " failed_stage, duplicates, stages, late_at) VALUES (?,?,?,?,?,?,?,?,?,?)"
            + " ON CONFLICT (pipeline, seq) DO UPDATE SET canary_id = excluded.canary_id,"
            + " emitted_at = excluded.emitted_at, finished_at = excluded.finished_at, verdict = excluded.verdict,"
            + " failed_stage = excluded.failed_stage, duplicates = excluded.duplicates, stages = excluded.stages,"
            + " late_at = COALESCE(canary_outcomes.late_at, excluded.late_at)",
        ps -> {
          ps.setString(1, o.pipeline());
          ps.setLong(2, o.seq());
          ps.setString(3, o.canaryId());
          ps.setLong(4, o.emittedAt().toEpochMilli());
          ps.setLong(5, o.finishedAt().toEpochMilli());
          ps.setString(6, o.verdict().name());
          ps.setString(7, o.injection().ok() ? o.firstFailure().map(StageResult::stage).orElse(null) : "inject:" + o.injector());
          ps.setInt(8, o.duplicates());
          ps.setString(9, stagesText(o));
          if (o.early()) {
            ps.setLong(10, o.finishedAt().toEpochMilli());
          } else {
            ps.setNull(10, java.sql.Types.INTEGER);
          }
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
  public List<OutcomeRow> recentOutcomes(String pipeline, int limit) {
    List<OutcomeRow> rows = db.query(
        "SELECT pipeline, seq, canary_id, emitted_at, verdict, failed_stage, duplicates FROM canary_outcomes"
            + " WHERE pipeline = ? ORDER BY finished_at DESC, seq DESC LIMIT ?",
        ps -> {
          ps.setString(1, pipeline);
          ps.setInt(2, limit);
        },
        rs -> new OutcomeRow(rs.getString(1), rs.getLong(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
            CanaryOutcome.Verdict.valueOf(rs.getString(5)), rs.getString(6), rs.getInt(7)));
    List<OutcomeRow> oldestFirst = new ArrayList<>(rows);
    Collections.reverse(oldestFirst);
    return oldestFirst;
  }

  @Override
  public OutcomeCounts counts(String pipeline, Instant since) {
    return db.query(
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
  public List<JudgedCanary> judged(String pipeline, Instant from, Instant to) {
    return db.query(
        "SELECT finished_at, verdict, stages, late_at FROM canary_outcomes WHERE pipeline = ? AND finished_at >= ?"
            + " AND finished_at < ? ORDER BY finished_at",
        ps -> {
          ps.setString(1, pipeline);
          ps.setLong(2, from.toEpochMilli());
          ps.setLong(3, to.toEpochMilli());
        },
        rs -> {
          long lateMs = rs.getLong(4);
          Instant lateAt = rs.wasNull() ? null : Instant.ofEpochMilli(lateMs);
          return new JudgedCanary(Instant.ofEpochMilli(rs.getLong(1)), CanaryOutcome.Verdict.valueOf(rs.getString(2)),
              stageTimes(rs.getString(3)), lateAt);
        });
  }

  /** {@link #stagesText} read back; a part that does not parse (an older row) is left out. */
  static List<StageTime> stageTimes(String text) {
    List<StageTime> out = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String part : text.split(" ")) {
      int eq = part.lastIndexOf('=');
      int colon = part.lastIndexOf(':');
      if (eq <= 0 || colon < eq || !part.endsWith("ms")) {
        continue;
      }
      try {
        out.add(new StageTime(part.substring(0, eq), part.substring(eq + 1, colon),
            Long.parseLong(part.substring(colon + 1, part.length() - 2))));
      } catch (NumberFormatException e) {
        // not a stage summary written by this version; skipped
      }
    }
    return out;
  }

  @Override
  public void prune(Instant before) {
    db.update("DELETE FROM canary_outcomes WHERE finished_at < ?", ps -> ps.setLong(1, before.toEpochMilli()));
  }
}
