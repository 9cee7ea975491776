package io.oobwatch.probes.langfuse;

import com.fasterxml.jackson.databind.JsonNode;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.probes.canary.Durations;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The time of the newest real trace in Langfuse: {@code GET /api/public/traces?orderBy=timestamp.desc}
 * within the lookback, newest first, canaries left out twice over. The request asks Langfuse to
 * leave out traces tagged {@code synthetic} ({@code filter}: tags "none of" synthetic); a Langfuse
 * that does not know that filter returns them anyway, so each trace in the answer is checked
 * again, and one tagged {@code synthetic} or named {@code oobwatch-canary} is skipped. When a whole
 * page is canaries, the next is read, up to {@value #PAGES} pages of {@value #LIMIT}.
 *
 * <p>Observations: VALUE with the newest real trace's epoch millis; NONE when there is none in the
 * lookback; UNKNOWN when Langfuse cannot be queried or rejects the keys. A rate limit repeats the
 * newest trace last seen (its age keeps growing, so a silence is still caught); UNKNOWN only when
 * nothing was seen yet.
 */
final class LangfuseFreshness implements Probe {
  static final int LIMIT = 50;
  static final int PAGES = 3;
  static final String NOT_SYNTHETIC =
      "[{\"type\":\"arrayOptions\",\"column\":\"tags\",\"operator\":\"none of\",\"value\":[\"" + LangfuseInjector.SYNTHETIC_TAG + "\"]}]";

  private final LangfuseFreshnessConfig cfg;
  private final LangfuseApi api;
  private final Clock clock;
  private double lastNewest = Double.NaN;

  LangfuseFreshness(LangfuseFreshnessConfig cfg, HttpClient http, Clock clock) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.api = new LangfuseApi(cfg.langfuse(), http);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Observation observe() {
    Instant now = clock.instant();
    try {
      for (int page = 1; page <= PAGES; page++) {
        LangfuseApi.Reply r = api.get("/api/public/traces", query(now, page), "trace list", now);
        switch (r.outcome()) {
          case OK:
            break;
          case LIMITED:
            return Double.isNaN(lastNewest) ? Observation.unknown(now, r.reason())
                : Observation.value(now, lastNewest, 0, r.reason());
          default:
            return Observation.unknown(now, r.reason());
        }
        for (JsonNode trace : r.body().path("data")) {
          if (!canary(trace)) {
            lastNewest = OffsetDateTime.parse(trace.path("timestamp").asText()).toInstant().toEpochMilli();
            return Observation.value(now, lastNewest);
          }
        }
        if (r.body().path("meta").path("totalPages").asInt(0) <= page) {
          break;
        }
      }
      return Observation.none(now, "no real (non-synthetic) trace in " + cfg.where("") + " in the last "
          + Durations.write(cfg.lookback()));
    } catch (RuntimeException e) {
      return Observation.unknown(now, api.who + " answer could not be read: " + e.getClass().getSimpleName());
    }
  }

  private Map<String, String> query(Instant now, int page) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("page", Integer.toString(page));
    q.put("limit", Integer.toString(LIMIT));
    q.put("orderBy", "timestamp.desc");
    q.put("fromTimestamp", now.minus(cfg.lookback()).toString());
    q.put("fields", "core");
    q.put("filter", NOT_SYNTHETIC);
    return q;
  }

  static boolean canary(JsonNode trace) {
    for (JsonNode tag : trace.path("tags")) {
      if (LangfuseInjector.SYNTHETIC_TAG.equals(tag.asText())) {
        return true;
      }
    }
    return LangfuseInjector.TRACE_NAME.equals(trace.path("name").asText());
  }

  @Override
  public void close() {
    // the HTTP client is shared
  }
}
