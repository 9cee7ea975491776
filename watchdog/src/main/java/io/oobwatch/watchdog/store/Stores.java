package io.oobwatch.watchdog.store;

import java.nio.file.Path;

/**
 * oobwatch's own state, on its own disk, opened from {@code state_dir}: one SQLite file and a store
 * per thing it keeps, each handed to what uses it. Never kept in a monitored store. Closing it
 * closes the file.
 */
public final class Stores implements AutoCloseable {
  private final Db db;
  private final CanaryStore canaries;
  private final SqliteAlertStore alerts;
  private final ObservationStore observations;
  private final HeartbeatStore heartbeats;
  private final TestPageStore testPages;
  private final QualityStore quality;

  private Stores(Db db) {
    this.db = db;
    this.canaries = new SqliteCanaryStore(db);
    this.alerts = new SqliteAlertStore(db);
    this.observations = new SqliteObservationStore(db);
    this.heartbeats = new SqliteHeartbeatStore(db);
    this.testPages = new SqliteTestPageStore(db);
    this.quality = new SqliteQualityStore(db);
  }

  /** Opens (creating and migrating if needed) the state in {@code stateDir}. */
  public static Stores open(Path stateDir) {
    return new Stores(Db.open(stateDir));
  }

  /** The state in {@code stateDir}, read only (nothing created or migrated); empty when there is none yet. */
  public static java.util.Optional<Stores> openReadOnly(Path stateDir) {
    return Db.openReadOnly(stateDir).map(Stores::new);
  }

  /** Canary sequence numbers and judged canaries. */
  public CanaryStore canaries() {
    return canaries;
  }

  /** Alerts, escalations and silences. */
  public AlertStore alerts() {
    return alerts;
  }

  /** The page outbox (the same transactions as {@link #alerts}). */
  public Outbox outbox() {
    return alerts;
  }

  /** Per-minute observations of signals. */
  public ObservationStore observations() {
    return observations;
  }

  /** Heartbeat states. */
  public HeartbeatStore heartbeats() {
    return heartbeats;
  }

  /** Test pages the daemon sent and where they ended. */
  public TestPageStore testPages() {
    return testPages;
  }

  /** The quality and cost tap's tallies. */
  public QualityStore quality() {
    return quality;
  }

  /** Whether writes to the state fail now (a full or broken disk): until the next write succeeds. */
  public java.util.Optional<WriteFailure> writeFailure() {
    return db.writeFailure();
  }

  /** Where the state is kept, for whoever must free space or fix the disk. */
  public Path file() {
    return db.file();
  }

  /**
   * Deletes judged canaries, observations and test pages older than {@code before} (the newest test
   * page of each channel stays: paging health shows it).
   */
  public void prune(java.time.Instant before) {
    canaries.prune(before);
    observations.prune(before);
    testPages.prune(before);
    quality.prune(before);
  }

  @Override
  public void close() {
    db.close();
  }
}
