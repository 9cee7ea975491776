package io.oobwatch.probes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One synthetic inference record. It has the shape of a real inference log entry (timestamp,
 * request and session ids, model id and version, latency, token counts, cost) so it travels the
 * pipeline exactly like real traffic, and it is marked {@code synthetic: true} so dashboards can
 * filter it out. {@code canary.id} is what every stage looks for.
 *
 * @param id unique canary id (a UUID string)
 * @param seq per-pipeline sequence number; survives restarts, so gaps and duplicates can be counted
 * @param emittedAt instant on oobwatch's own clock just before injection
 * @param pipeline the pipeline name from the config
 * @param instance the oobwatch instance that emitted it
 * @param userFields fields from the pipeline's {@code record:} config, merged over the defaults
 */
public record CanaryRecord(
    String id, long seq, Instant emittedAt, String pipeline, String instance, Map<String, Object> userFields) {

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  public CanaryRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(emittedAt, "emittedAt");
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(instance, "instance");
    userFields = Map.copyOf(userFields);
  }

  /** A new canary with a random id. */
  public static CanaryRecord create(
      long seq, Instant emittedAt, String pipeline, String instance, Map<String, Object> userFields) {
    return new CanaryRecord(UUID.randomUUID().toString(), seq, emittedAt, pipeline, instance, userFields);
  }

  /**
   * The record as a JSON-ready tree. User fields override the inference defaults (service, model,
   * ...) but never {@code synthetic} or {@code canary}: those are what make the record a canary.
   */
  public Map<String, Object> document() {
    Map<String, Object> doc = new LinkedHashMap<>();
    String ts = emittedAt.toString();
    doc.put("@timestamp", ts);
    doc.put("timestamp", ts);
    doc.put("level", "info");
    doc.put("event", "inference");
    doc.put("service", "oobwatch-canary");
    doc.put("request_id", "canary-" + id);
    doc.put("session_id", "oobwatch-" + instance);
    doc.put("model", Map.of("id", "oobwatch-canary", "version", "1"));
    doc.put("latency_ms", 1 + Math.floorMod(id.hashCode(), 50)); // plausible, and the same on every call
    doc.put("tokens", Map.of("prompt", 8, "completion", 4, "total", 12));
    doc.put("cost_usd", 0.0);
    doc.put("status", 200);
    doc.putAll(userFields);
    doc.put("synthetic", true);
    Map<String, Object> canary = new LinkedHashMap<>();
    canary.put("id", id);
    canary.put("seq", seq);
    canary.put("emitted_at", ts);
    canary.put("pipeline", pipeline);
    canary.put("instance", instance);
    doc.put("canary", canary);
    return doc;
  }

  /** The record as UTF-8 JSON, one line. */
  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(document());
    } catch (Exception e) {
      throw new IllegalStateException("canary record not serialisable: " + e.getMessage(), e);
    }
  }
}
