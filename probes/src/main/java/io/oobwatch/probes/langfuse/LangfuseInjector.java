package io.oobwatch.probes.langfuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Injector;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sends a canary into Langfuse as one OpenTelemetry span ({@code POST /api/public/otel/v1/traces},
 * OTLP/HTTP JSON): trace id the canary's UUID without dashes, span id the last 16 hex digits of it,
 * start at the emission and end {@code latency_ms} later (unix nanos as strings), and the canary's
 * record as attributes, flattened with dots ({@code canary.id}, {@code model.id}, {@code
 * synthetic}). The trace is named {@value #TRACE_NAME} and tagged {@value #SYNTHETIC_TAG}, which is
 * how real-trace freshness leaves canaries out.
 *
 * <p>An OTLP partial success ({@code partialSuccess.rejectedSpans > 0}) is a failed injection with
 * Langfuse's message: the canary was not taken in.
 */
final class LangfuseInjector implements Injector {
  static final String TRACE_NAME = "oobwatch-canary";
  static final String SYNTHETIC_TAG = "synthetic";

  private final LangfuseEntryConfig cfg;
  private final LangfuseApi api;
  private final Clock clock;

  LangfuseInjector(LangfuseEntryConfig cfg, HttpClient http, Clock clock) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.api = new LangfuseApi(cfg.langfuse(), http);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String kind() {
    return "langfuse";
  }

  @Override
  public Injection inject(CanaryRecord canary) {
    Instant start = clock.instant();
    LangfuseApi.Reply r = api.exportTraces(body(canary), start);
    Duration took = Duration.between(start, clock.instant());
    if (r.outcome() != LangfuseApi.Outcome.OK) {
      return Injection.failed(took, r.reason());
    }
    JsonNode partial = r.body().path("partialSuccess");
    long rejected = partial.path("rejectedSpans").asLong(0); // int64: a string in OTLP JSON, a number from some servers
    if (rejected > 0) {
      String msg = partial.path("errorMessage").asText("");
      return Injection.failed(took, api.who + " rejected the canary span (OTLP partial success, " + rejected
          + " rejected" + (msg.isBlank() ? "" : ": " + LangfuseApi.said(partial.path("errorMessage"))) + ")");
    }
    return Injection.accepted(took, "trace " + LangfuseApi.traceId(canary.id()) + " sent to " + cfg.where());
  }

  /** The OTLP/HTTP JSON export request of one span for the canary. */
  static String body(CanaryRecord canary) {
    ObjectNode root = LangfuseApi.JSON.createObjectNode();
    ObjectNode resourceSpans = root.putArray("resourceSpans").addObject();
    ArrayNode resource = resourceSpans.putObject("resource").putArray("attributes");
    attribute(resource, "service.name", "oobwatch");
    ObjectNode scopeSpans = resourceSpans.putArray("scopeSpans").addObject();
    scopeSpans.putObject("scope").put("name", "oobwatch").put("version", "1");
    ObjectNode span = scopeSpans.putArray("spans").addObject();
    String traceId = LangfuseApi.traceId(canary.id());
    span.put("traceId", traceId);
    span.put("spanId", spanId(traceId));
    span.put("name", "oobwatch canary");
    span.put("kind", 1); // SPAN_KIND_INTERNAL
    Map<String, Object> doc = canary.document();
    long startNanos = nanos(canary.emittedAt());
    long latencyMs = doc.get("latency_ms") instanceof Number n ? n.longValue() : 1;
    span.put("startTimeUnixNano", Long.toString(startNanos));
    span.put("endTimeUnixNano", Long.toString(startNanos + latencyMs * 1_000_000L));
    ArrayNode attrs = span.putArray("attributes");
    attribute(attrs, "langfuse.trace.name", TRACE_NAME);
    attribute(attrs, "langfuse.trace.tags", List.of(SYNTHETIC_TAG, "oobwatch"));
    attribute(attrs, "langfuse.trace.metadata.synthetic", "true");
    flatten(attrs, "", doc);
    span.putObject("status").put("code", 1); // STATUS_CODE_OK
    return root.toString();
  }

  /** A non-zero span id of 16 hex digits: the trace id's last 16 (they hold the UUID's variant bits, never all zero). */
  static String spanId(String traceId) {
    return traceId.substring(16);
  }

  private static void flatten(ArrayNode attrs, String prefix, Map<String, Object> fields) {
    fields.forEach((k, v) -> {
      String key = prefix + k;
      if (v instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) m;
        flatten(attrs, key + ".", inner);
      } else if (v != null) {
        attribute(attrs, key, v);
      }
    });
  }

  /** One OTLP {@code KeyValue} with its {@code AnyValue}, as the OTLP JSON encoding writes it. */
  private static void attribute(ArrayNode attrs, String key, Object value) {
    ObjectNode kv = attrs.addObject();
    kv.put("key", key);
    anyValue(kv.putObject("value"), value);
  }

  private static void anyValue(ObjectNode out, Object value) {
    if (value instanceof Boolean b) {
      out.put("boolValue", b);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      out.put("intValue", value.toString()); // int64 is a string in OTLP JSON
    } else if (value instanceof Number n) {
      out.put("doubleValue", n.doubleValue());
    } else if (value instanceof List<?> list) {
      ArrayNode values = out.putObject("arrayValue").putArray("values");
      list.forEach(item -> anyValue(values.addObject(), item));
    } else {
      out.put("stringValue", String.valueOf(value));
    }
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  @Override
  public String toString() {
    return "LangfuseInjector[" + cfg.langfuse() + "]";
  }
}
