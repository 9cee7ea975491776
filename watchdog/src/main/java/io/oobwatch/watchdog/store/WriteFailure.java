package io.oobwatch.watchdog.store;

/**
 * Writes to the state store are failing: the last write failed, and no write succeeded since.
 *
 * @param reason the cause, from the first failure of the run, in a few words for a page and a log
 *     line: "disk full", "read-only file system", "disk I/O error",
 *     or SQLite's own message
 * @param detail SQLite's message of the latest failure, for the log
 * @param failedWrites writes that failed since the last one that succeeded
 */
public record WriteFailure(String reason, String detail, long failedWrites) {}
