package io.oobwatch.watchdog.server;

import java.time.Duration;

/**
 * Bounds that keep one client from hurting the server.
 *
 * @param maxContentBytes largest request body accepted; larger is a 413
 * @param requestTimeout time from a request's first byte to its last; slower is a 408 and a close
 * @param idleTimeout a connection with no traffic for this long is closed
 * @param shutdownTimeout how long {@link StatusServer#close()} waits for in-flight work
 */
record ServerLimits(
    int maxContentBytes, Duration requestTimeout, Duration idleTimeout, Duration shutdownTimeout) {

  static final ServerLimits DEFAULT =
      new ServerLimits(64 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(3));

  ServerLimits {
    if (maxContentBytes <= 0) {
      throw new IllegalArgumentException("maxContentBytes must be positive");
    }
    for (Duration d : new Duration[] {requestTimeout, idleTimeout, shutdownTimeout}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeouts must be positive: " + d);
      }
    }
  }
}
