package io.oobwatch.watchdog.store;

import java.time.Instant;

/**
 * A heartbeat's state as the store keeps it; times are null until the thing first happened. The
 * heartbeat rule's own state carries the same fields and is converted at the watch.
 *
 * @param watchedSince when oobwatch first watched it
 * @param lastOk push: last ping; pull: last good probe
 * @param lastStart push: last {@code /start}
 * @param lastFail push: last {@code /fail}; pull: last failed probe
 * @param failures pull: failed probes in a row; push: 0
 * @param reason why it last failed; null when nothing failed yet
 */
public record HeartbeatRecord(
    Instant watchedSince, Instant lastOk, Instant lastStart, Instant lastFail, int failures, String reason) {}
