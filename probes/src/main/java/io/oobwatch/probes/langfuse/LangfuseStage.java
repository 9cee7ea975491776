package io.oobwatch.probes.langfuse;

import com.fasterxml.jackson.databind.JsonNode;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Stage;
import io.oobwatch.probes.canary.Durations;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Looks for a canary's trace in Langfuse through its public read API, the trace id being the
 * canary's UUID without dashes.
 *
 * <ul>
 *   <li>{@code api: v2}: {@code GET /api/public/v2/observations?traceId=ID&fields=core&limit=50
 *       &fromStartTime=...} (5 minutes before emission, for clock skew); the trace's observations
 *       are the copies. A 404 there means this Langfuse has no v2 API (self-hosted v3): UNREACHABLE,
 *       saying to write {@code api: v1}.
 *   <li>{@code api: v1}: {@code GET /api/public/traces/ID}; a 404 is not ingested yet.
 * </ul>
 *
 * <p>Pacing: Langfuse Cloud allows an organisation a few requests per minute on its read API (20
 * on the smallest plan, shared with its other users), while the tracker asks every second. So a canary
 * is looked up first {@code poll} after its emission and then at most once per {@code poll}; in
 * between, the last answer for it is repeated, and a found canary stays found (with the instant
 * of the lookup that found it) until forgotten.
 *
 * <p>Outcomes: the trace readable FOUND; not yet NOT_FOUND (the canary's deadline decides); a 429
 * RATE_LIMITED (late, never lost); rejected keys, HTTP 5xx, a 207 with errors, a refused connection
 * or a timeout UNREACHABLE with the reason: "cannot query", never "lost".
 */
final class LangfuseStage implements Stage {
  static final Duration SKEW = Duration.ofMinutes(5);
  static final int LIMIT = 50;

  private final String name;
  private final LangfuseStageConfig cfg;
  private final LangfuseApi api;
  private final Clock clock;
  /** The last answer for each canary in flight, and when it was asked. */
  private final Map<String, Lookup> last = new HashMap<>();
  private final Map<String, Instant> lastAt = new HashMap<>();

  LangfuseStage(String name, LangfuseStageConfig cfg, HttpClient http, Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.api = new LangfuseApi(cfg.langfuse(), http);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized Lookup lookup(CanaryRecord canary) {
    Lookup before = last.get(canary.id());
    if (before != null && before.status() == Lookup.Status.FOUND) {
      return before;
    }
    Instant now = clock.instant();
    Instant due = lastAt.getOrDefault(canary.id(), canary.emittedAt()).plus(cfg.poll());
    if (now.isBefore(due)) {
      return before != null ? before : Lookup.notFound("not looked up in langfuse yet (first "
          + Durations.format(cfg.poll()) + " after emission, then at most every " + Durations.format(cfg.poll()) + ")");
    }
    Lookup l = ask(canary, now);
    last.put(canary.id(), l);
    lastAt.put(canary.id(), now);
    return l;
  }

  @Override
  public synchronized void forget(CanaryRecord canary) {
    last.remove(canary.id());
    lastAt.remove(canary.id());
  }

  private Lookup ask(CanaryRecord canary, Instant now) {
    String traceId = LangfuseApi.traceId(canary.id());
    try {
      return cfg.api() == LangfuseStageConfig.Api.V2 ? v2(canary, traceId, now) : v1(traceId, now);
    } catch (RuntimeException e) {
      // a bug here must not take the watchdog down; the person paged still gets a reason
      return Lookup.unreachable(api.who + " answer could not be read: " + e.getClass().getSimpleName());
    }
  }

  private Lookup v2(CanaryRecord canary, String traceId, Instant now) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("traceId", traceId);
    q.put("fields", "core");
    q.put("limit", Integer.toString(LIMIT));
    q.put("fromStartTime", canary.emittedAt().minus(SKEW).toString());
    LangfuseApi.Reply r = api.get("/api/public/v2/observations", q, "observation lookup", now);
    if (r.outcome() == LangfuseApi.Outcome.ABSENT) {
      return Lookup.unreachable(r.reason() + ": this Langfuse has no v2 observations API (self-hosted v3?);"
          + " write api: v1 for it");
    }
    Lookup failed = failure(r);
    if (failed != null) {
      return failed;
    }
    int copies = 0;
    for (JsonNode o : r.body().path("data")) {
      if (traceId.equals(o.path("traceId").asText())) {
        copies++;
      }
    }
    return copies > 0 ? Lookup.found(copies, clock.instant())
        : Lookup.notFound("no observation of trace " + traceId + " in " + cfg.where() + " yet");
  }

  private Lookup v1(String traceId, Instant now) {
    LangfuseApi.Reply r = api.get("/api/public/traces/" + traceId, Map.of(), "trace lookup", now);
    if (r.outcome() == LangfuseApi.Outcome.ABSENT) {
      return Lookup.notFound("trace " + traceId + " not in " + cfg.where() + " yet (HTTP 404)");
    }
    Lookup failed = failure(r);
    if (failed != null) {
      return failed;
    }
    if (!traceId.equals(r.body().path("id").asText())) {
      return Lookup.unreachable(api.who + " answered the trace lookup with another trace than " + traceId);
    }
    return Lookup.found(1, clock.instant());
  }

  /** The lookup a failed answer gives, or null when it is usable. */
  private static Lookup failure(LangfuseApi.Reply r) {
    switch (r.outcome()) {
      case OK:
        return null;
      case LIMITED:
        return Lookup.rateLimited(r.reason());
      default:
        return Lookup.unreachable(r.reason());
    }
  }

  /** A canary is asked about at most once per {@code poll}; its last answer is repeated in between. */
  @Override
  public Duration maxAnswerAge() {
    return cfg.poll();
  }

  @Override
  public String toString() {
    return "LangfuseStage[" + name + ", " + cfg.langfuse() + ", " + cfg.api() + ", poll " + cfg.poll() + "]";
  }
}
