package io.oobwatch.probes;

import java.time.Instant;
import java.util.Objects;

/**
 * One look for a canary at one stage.
 *
 * @param status found, not (yet) found, the stage could not be queried, or it refused to be queried now
 * @param count how many copies were found (more than one is a duplicate in the pipeline)
 * @param seenAt when the stage was first seen to hold the canary, on oobwatch's clock; null unless
 *     found
 * @param reason for not-found, unreachable and rate-limited, what was seen, in words for the person paged
 * @param bytes what the query this answer came from cost, for a store that bills by bytes read; null
 *     for the others
 */
public record Lookup(Status status, int count, Instant seenAt, String reason, QueryBytes bytes) {
  public enum Status {
    FOUND,
    NOT_FOUND,
    UNREACHABLE,
    /**
     * The stage answered "not now" (HTTP 429, a spent query budget): late, not lost. Judged like
     * UNREACHABLE (the stage cannot say), with its own words, never "lost".
     */
    RATE_LIMITED
  }

  public Lookup {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    if (status == Status.FOUND) {
      Objects.requireNonNull(seenAt, "seenAt is required when found");
    }
  }

  /** A look at a store that does not bill by query. */
  public Lookup(Status status, int count, Instant seenAt, String reason) {
    this(status, count, seenAt, reason, null);
  }

  /** The same answer, from a query that cost {@code cost}. */
  public Lookup withBytes(QueryBytes cost) {
    return new Lookup(status, count, seenAt, reason, cost);
  }

  public static Lookup found(int count, Instant seenAt) {
    return new Lookup(Status.FOUND, count, seenAt, "");
  }

  public static Lookup notFound(String reason) {
    return new Lookup(Status.NOT_FOUND, 0, null, reason);
  }

  public static Lookup unreachable(String reason) {
    return new Lookup(Status.UNREACHABLE, 0, null, reason);
  }

  public static Lookup rateLimited(String reason) {
    return new Lookup(Status.RATE_LIMITED, 0, null, reason);
  }
}
