package io.oobwatch.watchdog.store;

import java.util.Map;

/**
 * What is known about each heartbeat, on oobwatch's own disk, so that after a restart its timers
 * continue instead of starting over.
 */
public interface HeartbeatStore {

  /** Saves what is known about a heartbeat (its last ping, start, fail, probe streak). */
  void saveHeartbeat(String name, HeartbeatRecord state);

  /** Every stored heartbeat's state, by name. */
  Map<String, HeartbeatRecord> heartbeats();
}
