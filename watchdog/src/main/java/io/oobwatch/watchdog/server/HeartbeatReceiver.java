package io.oobwatch.watchdog.server;

import io.oobwatch.watchdog.schedule.HeartbeatWatch;

/**
 * Where {@code POST /heartbeat/{name}} (and {@code /start}, {@code /fail}) go. Called on a server
 * I/O thread; it records the push durably before returning, so a 200 means it is on disk.
 */
@FunctionalInterface
public interface HeartbeatReceiver {
  /** A receiver that knows no heartbeat: every push is a 404. */
  HeartbeatReceiver NONE = (name, token, signal, body) -> HeartbeatWatch.Receipt.UNKNOWN;

  /**
   * @param token the bearer token presented, null when the request had none
   * @param body the request body as text
   */
  HeartbeatWatch.Receipt receive(String name, String token, HeartbeatWatch.Signal signal, String body);
}
