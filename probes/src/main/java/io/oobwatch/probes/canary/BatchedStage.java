package io.oobwatch.probes.canary;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Stage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A stage that looks for every canary in flight with one query per poll, for a store whose queries
 * are rate-limited or billed (Datadog's log search, BigQuery), while the {@link Stage} contract
 * asks for one canary per call and the tracker asks every round. A subclass says how the store is
 * queried and in what words.
 *
 * <p>It remembers the canaries it was told about ({@link #arm}, and any it is asked about) until
 * {@link #forget}. A {@link #lookup} that finds the last query at least {@code poll} old, and the
 * store willing, runs one {@link Search#run} over every such canary at least {@code settle} old and
 * not yet found. Every other lookup is answered from that query: the canaries it found stay found
 * (at the instant of the query) until forgotten, the others are not found yet, or share the
 * query's failure. A store holding queries back (a rate limit) answers RATE_LIMITED: late, never
 * lost. The bookkeeping is synchronized.
 */
public abstract class BatchedStage implements Stage {
  /** Why no query may be sent now (a rate limit's hold-back), or null. */
  protected abstract String heldBack(Instant now);

  /** Whether a query may be sent now (a store may pace its queries without holding them back). */
  protected boolean mayQuery(Instant now) {
    return heldBack(now) == null;
  }

  /**
   * Queries the store once for {@code ids} (emitted at the instants {@code emitted} gives) and puts
   * the copies found of each into {@code copies}; returns null, or the Lookup (UNREACHABLE or
   * RATE_LIMITED) that says why the query failed. Copies found before a failure stay found.
   */
  protected abstract Lookup run(List<String> ids, Map<String, Instant> emitted, Instant now, Map<String, Integer> copies);

  /** The reason of a canary not queried yet. */
  protected abstract String notYet();

  /** The reason of a canary the last query did not find, {@code age} after its emission. */
  protected abstract String notFound(Duration age);

  /** What every answer carries besides (what the last query cost); the answer itself by default. */
  protected Lookup dress(Lookup answer) {
    return answer;
  }

  private final String name;
  private final String kind;
  private final Duration poll;
  private final Duration settle;
  private final Clock clock;
  private final Map<String, Instant> wanted = new LinkedHashMap<>();
  private final Map<String, Lookup> found = new HashMap<>();
  private Instant lastQuery;
  private Set<String> lastQueried = Set.of();
  /** The last query's failure (UNREACHABLE or RATE_LIMITED), or null. */
  private Lookup lastFailure;

  /**
   * @param name the stage's name
   * @param kind the store's kind, for the reason of a failure in oobwatch itself
   * @param poll at most one query per this interval
   * @param settle no canary is queried for before it is this old
   */
  protected BatchedStage(String name, String kind, Duration poll, Duration settle, Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.poll = Objects.requireNonNull(poll, "poll");
    this.settle = Objects.requireNonNull(settle, "settle");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final synchronized void arm(CanaryRecord canary) {
    wanted.put(canary.id(), canary.emittedAt());
  }

  @Override
  public final synchronized void forget(CanaryRecord canary) {
    wanted.remove(canary.id());
    found.remove(canary.id());
  }

  @Override
  public final synchronized Lookup lookup(CanaryRecord canary) {
    Instant now = clock.instant();
    Lookup seen = found.get(canary.id());
    if (seen != null) {
      return seen;
    }
    wanted.putIfAbsent(canary.id(), canary.emittedAt());
    try {
      List<String> due = due(now);
      if (!due.isEmpty()) {
        query(due, now);
      }
    } catch (RuntimeException e) {
      // a bug here must not take the watchdog down; the SRE still gets a reason
      lastFailure = Lookup.unreachable(kind + " lookup failed: " + e.getClass().getSimpleName());
    }
    seen = found.get(canary.id());
    if (seen != null) {
      return seen;
    }
    String held = heldBack(now);
    if (held != null) {
      return dress(Lookup.rateLimited(held));
    }
    if (lastFailure != null && lastQueried.contains(canary.id())) {
      return dress(lastFailure);
    }
    if (!lastQueried.contains(canary.id())) {
      return dress(Lookup.notFound(notYet()));
    }
    return dress(Lookup.notFound(notFound(
        Duration.between(canary.emittedAt(), lastQuery).withNanos(0))));
  }

  /** The canaries to query for now, or none when it is too early or the store holds queries back. */
  private List<String> due(Instant now) {
    if (lastQuery != null && now.isBefore(lastQuery.plus(poll))) {
      return List.of();
    }
    if (!mayQuery(now)) {
      return List.of();
    }
    return wanted.entrySet().stream()
        .filter(e -> !found.containsKey(e.getKey()) && !now.isBefore(e.getValue().plus(settle)))
        .map(Map.Entry::getKey)
        .collect(Collectors.toList());
  }

  private void query(List<String> ids, Instant now) {
    lastQuery = now;
    lastQueried = Set.copyOf(ids);
    Map<String, Integer> copies = new HashMap<>();
    lastFailure = run(ids, Map.copyOf(wanted), now, copies);
    copies.forEach((id, n) -> {
      if (n > 0 && lastQueried.contains(id)) {
        found.put(id, dress(Lookup.found(n, now)));
      }
    });
  }

  /** Its last query's answers, repeated until the next query: at most {@code poll} old. */
  @Override
  public final Duration maxAnswerAge() {
    return poll;
  }
}
