package io.oobwatch.watchdog.store;

import java.time.Instant;

/**
 * A maintenance window: alerts of {@code subject} are recorded but nobody is paged until
 * {@code until}. Expires by itself.
 */
public record Silence(long id, String subject, Instant from, Instant until, String reason, String by) {}
