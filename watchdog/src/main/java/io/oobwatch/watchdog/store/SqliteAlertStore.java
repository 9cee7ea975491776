package io.oobwatch.watchdog.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Alerts, escalations, silences and the outbox in one class, because they change together: an alert
 * opens, escalates, is acknowledged, silenced or resolved in the same transaction that writes or
 * cancels its pages.
 */
final class SqliteAlertStore implements AlertStore, Outbox {
  private final Db db;

  SqliteAlertStore(Db db) {
    this.db = db;
  }

  @Override
  public Optional<Alert> openAlert(String subject, String rule) {
    return db.query("SELECT * FROM alerts WHERE subject = ? AND rule = ? AND state IN ('FIRING', 'ACKNOWLEDGED')"
            + " ORDER BY id DESC LIMIT 1",
        ps -> {
          ps.setString(1, subject);
          ps.setString(2, rule);
        },
        SqliteAlertStore::alert).stream().findFirst();
  }

  @Override
  public Alert fire(
      String subject, String rule, String stage, String summary, Instant at, Function<Alert, List<Outgoing>> pages) {
    return db.tx(() -> {
      Alert alert = insertAlert(subject, rule, stage, summary, at);
      insertPages(alert.id(), pages.apply(alert), at);
      return alert;
    });
  }

  private Alert insertAlert(String subject, String rule, String stage, String summary, Instant at) throws SQLException {
    long id;
    try (PreparedStatement ps = db.prepareReturningKeys(
        "INSERT INTO alerts (subject, rule, state, stage, summary, opened_at) VALUES (?,?,'FIRING',?,?,?)")) {
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
  public Alert resolve(long alertId, Instant at, Function<Alert, List<Outgoing>> pages) {
    return db.tx(() -> {
      try (PreparedStatement ps = db.prepare(
          "UPDATE alerts SET state = 'RESOLVED', resolved_at = ? WHERE id = ? AND state IN ('FIRING', 'ACKNOWLEDGED')")) {
        ps.setLong(1, at.toEpochMilli());
        ps.setLong(2, alertId);
        if (ps.executeUpdate() != 1) {
          throw new IllegalStateException("alert " + alertId + " is not firing");
        }
      }
      Alert alert = alert(alertId).orElseThrow();
      cancelSteps(alertId, "alert resolved before it was sent");
      insertPages(alertId, pages.apply(alert), at);
      return alert;
    });
  }

  private void insertPages(long alertId, List<Outgoing> pages, Instant at) throws SQLException {
    try (PreparedStatement ps = db.prepare(
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
    try (PreparedStatement ps = db.prepare(
        "UPDATE outbox SET state = 'CANCELLED', last_error = ? WHERE alert_id = ? AND state = 'PENDING'"
            + " AND event <> 'resolve'")) {
      ps.setString(1, why);
      ps.setLong(2, alertId);
      ps.executeUpdate();
    }
  }

  @Override
  public Alert open(String subject, String rule, String stage, String summary, Instant at,
      Function<Alert, String> text, boolean silenced, int nextStep, BiFunction<Alert, String, List<Outgoing>> pages) {
    return db.tx(() -> {
      Alert alert = insertAlert(subject, rule, stage, summary, at);
      String body = text.apply(alert);
      try (PreparedStatement ps = db.prepare(
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
  public List<Escalating> escalating() {
    return db.query("SELECT a.*, e.text, e.epoch, e.epoch_at, e.next_step, e.acked_at, e.acked_by, e.silenced"
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
  public Optional<Alert> alert(long id) {
    return db.query("SELECT * FROM alerts WHERE id = ?", ps -> ps.setLong(1, id), SqliteAlertStore::alert)
        .stream().findFirst();
  }

  @Override
  public boolean advance(long alertId, int epoch, int from, int to, List<Outgoing> pages, Instant at) {
    return db.tx(() -> {
      try (PreparedStatement ps = db.prepare(
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
  public void restart(long alertId, Instant at, boolean stillSilenced) {
    db.tx(() -> {
      try (PreparedStatement ps = db.prepare(
          "UPDATE escalations SET epoch = epoch + 1, epoch_at = ?, next_step = 0, acked_at = NULL, acked_by = NULL,"
              + " silenced = ? WHERE alert_id = ?")) {
        ps.setLong(1, at.toEpochMilli());
        ps.setInt(2, stillSilenced ? 1 : 0);
        ps.setLong(3, alertId);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = db.prepare(
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
  public Optional<Alert> ack(long alertId, String by, Instant at) {
    return db.tx(() -> {
      try (PreparedStatement ps = db.prepare(
          "UPDATE alerts SET state = 'ACKNOWLEDGED' WHERE id = ? AND state = 'FIRING'")) {
        ps.setLong(1, alertId);
        if (ps.executeUpdate() == 1) {
          try (PreparedStatement e = db.prepare(
              "UPDATE escalations SET acked_at = ?, acked_by = ? WHERE alert_id = ?")) {
            e.setLong(1, at.toEpochMilli());
            e.setString(2, by);
            e.setLong(3, alertId);
            e.executeUpdate();
          }
          cancelSteps(alertId, "acknowledged by " + by + " before it was sent");
        }
      }
      return alert(alertId);
    });
  }

  @Override
  public void enqueue(long alertId, List<Outgoing> pages, Instant at) {
    db.tx(() -> {
      insertPages(alertId, pages, at);
      return null;
    });
  }

  @Override
  public boolean add(long alertId, Outgoing page, Instant at) {
    return db.tx(() -> {
      long before = db.query("SELECT COALESCE(MAX(id), 0) FROM outbox", ps -> { }, rs -> rs.getLong(1)).get(0);
      insertPages(alertId, List.of(page), at);
      return db.query("SELECT COALESCE(MAX(id), 0) FROM outbox", ps -> { }, rs -> rs.getLong(1)).get(0) > before;
    });
  }

  @Override
  public List<Outgoing> pagedFor(long alertId) {
    return db.query("SELECT recipient, phone FROM outbox WHERE alert_id = ? AND state = 'SENT' AND event <> 'resolve'"
            + " GROUP BY phone ORDER BY MIN(id)",
        ps -> ps.setLong(1, alertId),
        rs -> Outgoing.sms("resolve", rs.getString(1), rs.getString(2), "-"));
  }

  @Override
  public void pagesSent(List<Long> pageIds, String sid, Instant at) {
    db.tx(() -> {
      for (long id : pageIds) {
        pageSent(id, sid, at);
      }
      return null;
    });
  }

  @Override
  public void pagesSuppressed(List<Long> pageIds, String why) {
    endPending(pageIds, OutboxEntry.State.SUPPRESSED, why);
  }

  @Override
  public void pagesHeldBack(List<Long> pageIds, String why) {
    endPending(pageIds, OutboxEntry.State.CANCELLED, why);
  }

  // a page not sent, for good, and why; only while pending (a page sent meanwhile stays sent)
  private void endPending(List<Long> pageIds, OutboxEntry.State state, String why) {
    db.tx(() -> {
      for (long id : pageIds) {
        db.update("UPDATE outbox SET state = ?, last_error = ? WHERE id = ? AND state = 'PENDING'", ps -> {
          ps.setString(1, state.name());
          ps.setString(2, why);
          ps.setLong(3, id);
        });
      }
      return null;
    });
  }

  @Override
  public Sent sentTo(String phone, Instant since) {
    return db.query("SELECT COUNT(DISTINCT sid), COUNT(DISTINCT CASE WHEN event <> 'resolve' THEN sid END) FROM outbox"
            + " WHERE phone = ? AND state = 'SENT' AND sent_at >= ?",
        ps -> {
          ps.setString(1, phone);
          ps.setLong(2, since.toEpochMilli());
        },
        rs -> new Sent(rs.getInt(1), rs.getInt(2))).get(0);
  }

  @Override
  public Held heldSinceLastSent(String phone) {
    return db.query("SELECT COUNT(DISTINCT CASE WHEN event <> 'resolve' THEN alert_id END),"
            + " COUNT(DISTINCT CASE WHEN event = 'resolve' THEN alert_id END) FROM outbox WHERE phone = ? AND state = 'SUPPRESSED'"
            + " AND id > (SELECT COALESCE(MAX(id), 0) FROM outbox WHERE phone = ? AND state = 'SENT' AND channel = 'sms')",
        ps -> {
          ps.setString(1, phone);
          ps.setString(2, phone);
        },
        rs -> new Held(rs.getInt(1), rs.getInt(2))).get(0);
  }

  @Override
  public Silence silence(String subject, Instant from, Instant until, String reason, String by) {
    return db.tx(() -> {
      long id;
      try (PreparedStatement ps = db.prepareReturningKeys(
          "INSERT INTO silences (subject, from_at, until_at, reason, by) VALUES (?,?,?,?,?)")) {
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
      try (PreparedStatement ps = db.prepare(
          "UPDATE escalations SET silenced = 1 WHERE alert_id IN"
              + " (SELECT id FROM alerts WHERE subject = ? AND state IN ('FIRING', 'ACKNOWLEDGED'))")) {
        ps.setString(1, subject);
        ps.executeUpdate();
      }
      for (long alertId : db.query("SELECT id FROM alerts WHERE subject = ? AND state IN ('FIRING', 'ACKNOWLEDGED')",
          ps -> ps.setString(1, subject), rs -> rs.getLong(1))) {
        cancelSteps(alertId, "silenced: " + reason);
      }
      return new Silence(id, subject, from, until, reason, by);
    });
  }

  @Override
  public List<Silence> silences(Instant now) {
    return db.query("SELECT * FROM silences WHERE from_at <= ? AND until_at > ? ORDER BY until_at",
        ps -> {
          ps.setLong(1, now.toEpochMilli());
          ps.setLong(2, now.toEpochMilli());
        },
        SqliteAlertStore::silence);
  }

  @Override
  public Optional<Silence> endSilence(long silenceId, Instant at) {
    return db.tx(() -> {
      List<Silence> before = db.query("SELECT * FROM silences WHERE id = ?", ps -> ps.setLong(1, silenceId),
          SqliteAlertStore::silence);
      db.update("UPDATE silences SET until_at = ? WHERE id = ? AND until_at > ?", ps -> {
        ps.setLong(1, at.toEpochMilli());
        ps.setLong(2, silenceId);
        ps.setLong(3, at.toEpochMilli());
      });
      return before.stream().findFirst();
    });
  }

  private static Silence silence(ResultSet rs) throws SQLException {
    return new Silence(rs.getLong("id"), rs.getString("subject"), Instant.ofEpochMilli(rs.getLong("from_at")),
        Instant.ofEpochMilli(rs.getLong("until_at")), rs.getString("reason"), rs.getString("by"));
  }

  @Override
  public List<OutboxEntry> failedPages(Instant since) {
    return db.query("SELECT * FROM outbox WHERE state = 'FAILED' AND created_at >= ? ORDER BY id DESC LIMIT 50",
        ps -> ps.setLong(1, since.toEpochMilli()), SqliteAlertStore::page);
  }

  @Override
  public List<Alert> alerts(Instant since) {
    return db.query("SELECT * FROM alerts WHERE state IN ('FIRING', 'ACKNOWLEDGED') OR resolved_at >= ? ORDER BY id DESC",
        ps -> ps.setLong(1, since.toEpochMilli()), SqliteAlertStore::alert);
  }

  @Override
  public List<OutboxEntry> duePages(Instant now) {
    return db.query("SELECT * FROM outbox WHERE state = 'PENDING' AND next_attempt_at <= ? ORDER BY id",
        ps -> ps.setLong(1, now.toEpochMilli()), SqliteAlertStore::page);
  }

  @Override
  public List<OutboxEntry> pages(int limit) {
    return db.query("SELECT * FROM outbox ORDER BY state = 'SENT', id DESC LIMIT ?", ps -> ps.setInt(1, limit),
        SqliteAlertStore::page);
  }

  @Override
  public void pageSent(long pageId, String sid, Instant at) {
    db.update("UPDATE outbox SET state = 'SENT', sid = ?, sent_at = ?, attempts = attempts + 1, last_error = NULL"
            + " WHERE id = ?",
        ps -> {
          ps.setString(1, sid);
          ps.setLong(2, at.toEpochMilli());
          ps.setLong(3, pageId);
        });
  }

  @Override
  public void pagesSending(List<Long> pageIds, Instant at) {
    db.tx(() -> {
      for (long id : pageIds) {
        db.update("UPDATE outbox SET sending_at = ? WHERE id = ?", ps -> {
          ps.setLong(1, at.toEpochMilli());
          ps.setLong(2, id);
        });
      }
      return null;
    });
  }

  // a failed attempt had a definite answer: nothing was sent, so it is no longer "sending"
  @Override
  public void pageFailed(long pageId, String error, Instant retryAt) {
    db.update("UPDATE outbox SET state = ?, last_error = ?, attempts = attempts + 1, sending_at = NULL,"
            + " next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ?",
        ps -> {
          ps.setString(1, retryAt == null ? "FAILED" : "PENDING");
          ps.setString(2, error);
          Db.setInstant(ps, 3, retryAt);
          ps.setLong(4, pageId);
        });
  }

  @Override
  public List<OutboxEntry> awaitingDelivery(Instant since) {
    return db.query("SELECT * FROM outbox WHERE state = 'SENT' AND delivery IS NULL AND sent_at >= ? AND sid IS NOT NULL"
            + " ORDER BY id", ps -> ps.setLong(1, since.toEpochMilli()), SqliteAlertStore::page);
  }

  @Override
  public List<OutboxEntry> delivered(String sid, Delivery d) {
    return db.tx(() -> {
      List<OutboxEntry> rows = db.query("SELECT * FROM outbox WHERE sid = ? AND state = 'SENT' AND delivery IS NULL"
          + " ORDER BY id", ps -> ps.setString(1, sid), SqliteAlertStore::page);
      db.update("UPDATE outbox SET delivery = ?, delivery_code = ?, delivery_detail = ?, delivery_at = ?"
              + " WHERE sid = ? AND state = 'SENT' AND delivery IS NULL",
          ps -> {
            ps.setString(1, d.state().name());
            ps.setInt(2, d.code());
            ps.setString(3, d.detail());
            ps.setLong(4, d.at().toEpochMilli());
            ps.setString(5, sid);
          });
      return rows.stream().map(e -> new OutboxEntry(e.id(), e.alertId(), e.event(), e.recipient(), e.phone(),
          e.body(), e.state(), e.attempts(), e.nextAttemptAt(), e.sid(), e.lastError(), e.channel(), e.createdAt(),
          e.sentAt(), d, e.sendingAt(), e.dedupe())).toList();
    });
  }

  @Override
  public Map<Delivery.State, Long> deliveryCounts() {
    return counts(Delivery.State.class,
        "SELECT delivery, COUNT(DISTINCT sid) FROM outbox WHERE delivery IS NOT NULL GROUP BY delivery");
  }

  @Override
  public Map<OutboxEntry.State, Long> pageCounts() {
    return counts(OutboxEntry.State.class, "SELECT state, COUNT(*) FROM outbox GROUP BY state");
  }

  /** Counts per state from {@code sql} (state name, count), every state present, absent ones 0. */
  private <E extends Enum<E>> Map<E, Long> counts(Class<E> type, String sql) {
    Map<E, Long> out = new EnumMap<>(type);
    for (E st : type.getEnumConstants()) {
      out.put(st, 0L);
    }
    db.query(sql, ps -> { }, rs -> out.put(Enum.valueOf(type, rs.getString(1)), rs.getLong(2)));
    return out;
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
        rs.getString("last_error"), rs.getString("channel"), Instant.ofEpochMilli(rs.getLong("created_at")),
        Db.instant(rs, rs.findColumn("sent_at")), delivery(rs), Db.instant(rs, rs.findColumn("sending_at")),
        rs.getString("dedupe"));
  }

  private static Delivery delivery(ResultSet rs) throws SQLException {
    String state = rs.getString("delivery");
    if (state == null) {
      return null;
    }
    return new Delivery(Delivery.State.valueOf(state), rs.getInt("delivery_code"), rs.getString("delivery_detail"),
        Db.instant(rs, rs.findColumn("delivery_at")));
  }
}
