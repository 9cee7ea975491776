package io.oobwatch.watchdog.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Test pages in the table {@code test_pages}, one row per SMS or call. */
final class SqliteTestPageStore implements TestPageStore {
  private static final String COLUMNS = "id, recipient, phone, channel, requested_at, requested_by, via, sent_at, sid,"
      + " error, delivery, delivery_code, delivery_detail, delivery_at";
  private final Db db;

  SqliteTestPageStore(Db db) {
    this.db = db;
  }

  @Override
  public TestPage add(String recipient, String phone, String channel, String requestedBy, Instant at) {
    long id = db.tx(() -> {
      try (PreparedStatement ps = db.prepare("INSERT INTO test_pages (recipient, phone, channel, requested_at,"
          + " requested_by) VALUES (?,?,?,?,?)")) {
        ps.setString(1, recipient);
        ps.setString(2, phone);
        ps.setString(3, channel);
        ps.setLong(4, at.toEpochMilli());
        ps.setString(5, requestedBy);
        ps.executeUpdate();
      }
      return db.lastInsertId();
    });
    return new TestPage(id, recipient, phone, channel, at, requestedBy, null, null, null, null, null);
  }

  @Override
  public void sent(long id, String via, String sid, Instant at) {
    db.update("UPDATE test_pages SET via = ?, sid = ?, sent_at = ? WHERE id = ?", ps -> {
      ps.setString(1, via);
      ps.setString(2, sid);
      ps.setLong(3, at.toEpochMilli());
      ps.setLong(4, id);
    });
  }

  @Override
  public void notSent(long id, String via, String error) {
    db.update("UPDATE test_pages SET via = ?, error = ? WHERE id = ?", ps -> {
      ps.setString(1, via);
      ps.setString(2, error);
      ps.setLong(3, id);
    });
  }

  @Override
  public void abandonSending(String error) {
    db.update("UPDATE test_pages SET error = ? WHERE sid IS NULL AND error IS NULL", ps -> ps.setString(1, error));
  }

  @Override
  public Optional<TestPage> delivered(String sid, Delivery d) {
    return db.tx(() -> {
      List<TestPage> rows = db.query("SELECT " + COLUMNS + " FROM test_pages WHERE sid = ? AND delivery IS NULL",
          ps -> ps.setString(1, sid), SqliteTestPageStore::row);
      if (rows.isEmpty()) {
        return Optional.empty();
      }
      db.update("UPDATE test_pages SET delivery = ?, delivery_code = ?, delivery_detail = ?, delivery_at = ?"
          + " WHERE sid = ? AND delivery IS NULL", ps -> {
            ps.setString(1, d.state().name());
            ps.setInt(2, d.code());
            ps.setString(3, d.detail());
            ps.setLong(4, d.at().toEpochMilli());
            ps.setString(5, sid);
          });
      TestPage t = rows.get(0);
      return Optional.of(new TestPage(t.id(), t.recipient(), t.phone(), t.channel(), t.requestedAt(), t.requestedBy(),
          t.via(), t.sentAt(), t.sid(), t.error(), d));
    });
  }

  @Override
  public Optional<TestPage> testPage(long id) {
    return db.query("SELECT " + COLUMNS + " FROM test_pages WHERE id = ?", ps -> ps.setLong(1, id),
        SqliteTestPageStore::row).stream().findFirst();
  }

  @Override
  public Optional<TestPage> latest(String channel) {
    return db.query("SELECT " + COLUMNS + " FROM test_pages WHERE channel = ? ORDER BY id DESC LIMIT 1",
        ps -> ps.setString(1, channel), SqliteTestPageStore::row).stream().findFirst();
  }

  @Override
  public void prune(Instant before) {
    db.update("DELETE FROM test_pages WHERE requested_at < ? AND id NOT IN (SELECT MAX(id) FROM test_pages GROUP BY"
        + " channel)", ps -> ps.setLong(1, before.toEpochMilli()));
  }

  @Override
  public List<TestPage> awaitingDelivery(Instant since) {
    return db.query("SELECT " + COLUMNS + " FROM test_pages WHERE sid IS NOT NULL AND delivery IS NULL AND sent_at >= ?"
        + " ORDER BY id", ps -> ps.setLong(1, since.toEpochMilli()), SqliteTestPageStore::row);
  }

  private static TestPage row(ResultSet rs) throws SQLException {
    String state = rs.getString(11);
    Delivery d = state == null ? null
        : new Delivery(Delivery.State.valueOf(state), rs.getInt(12), rs.getString(13), Db.instant(rs, 14));
    return new TestPage(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), Db.instant(rs, 5),
        rs.getString(6), rs.getString(7), Db.instant(rs, 8), rs.getString(9), rs.getString(10), d);
  }
}
