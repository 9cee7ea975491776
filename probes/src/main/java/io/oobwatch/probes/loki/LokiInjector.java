package io.oobwatch.probes.loki;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Injector;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Pushes a canary into Loki ({@code POST /loki/api/v1/push}, JSON): one entry in the configured
 * stream, its line the canary's JSON record, its timestamp the emission time, and the canary id and
 * {@code synthetic=true} in structured metadata (never labels). Loki's 204 is acceptance.
 */
final class LokiInjector implements Injector {
  private final LokiEntryConfig cfg;
  private final LokiApi api;
  private final Clock clock;

  LokiInjector(LokiEntryConfig cfg, HttpClient http, Clock clock) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.api = new LokiApi(cfg.loki(), http);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String kind() {
    return "loki";
  }

  @Override
  public Injection inject(CanaryRecord canary) {
    Instant start = clock.instant();
    LokiApi.Reply r = api.push(body(cfg, canary), start);
    Duration took = Duration.between(start, clock.instant());
    return r.outcome() == LokiApi.Outcome.OK ? Injection.accepted(took, "pushed to " + cfg.where())
        : Injection.failed(took, r.reason());
  }

  static String body(LokiEntryConfig cfg, CanaryRecord canary) {
    ObjectNode root = LokiApi.JSON.createObjectNode();
    ObjectNode stream = root.putArray("streams").addObject();
    ObjectNode labels = stream.putObject("stream");
    new TreeMap<>(cfg.labels()).forEach(labels::put);
    ArrayNode entry = stream.putArray("values").addArray();
    entry.add(Long.toString(LokiApi.nanos(canary.emittedAt())));
    entry.add(new String(canary.toJson(), StandardCharsets.UTF_8));
    ObjectNode meta = entry.addObject();
    meta.put("canary_id", canary.id());
    meta.put("synthetic", "true");
    return root.toString();
  }

  @Override
  public String toString() {
    return "LokiInjector[" + cfg.loki() + ", " + cfg.labels() + "]";
  }
}
