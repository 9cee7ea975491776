package io.oobwatch.watchdog.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pipeline's Datadog forwarder, as Datadog's Kafka connector works: its own consumer group on
 * the topic, records gathered into batches (up to {@link #BATCH} records, or what {@link #LINGER}
 * brought) and each batch posted as one JSON array to the log intake ({@code POST /api/v2/logs}
 * with {@code DD-API-KEY}), with {@code ddsource}, {@code service} and {@code ddtags}; the record's
 * JSON fields become the log's attributes, as Datadog's JSON parsing makes them. Offsets are
 * committed only after a 202, so a refused batch is retried, never dropped. {@link #stall()} stops
 * it consuming.
 */
final class Forwarder extends TopicConsumer {
  static final int BATCH = 50;
  static final Duration LINGER = Duration.ofMillis(300);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final String intake;
  private final String apiKey;
  final AtomicLong forwarded = new AtomicLong();

  Forwarder(String bootstrap, String topic, String intakeBase, String apiKey) {
    super(bootstrap, topic, "datadog-forwarder-" + topic, LINGER, BATCH);
    this.intake = intakeBase + "/api/v2/logs";
    this.apiKey = apiKey;
    begin();
  }

  /** One poll's records, one POST: the batch is accepted (202) or sent again whole. */
  @Override
  boolean deliver(List<String> values) {
    ArrayNode batch = JSON.createArrayNode();
    values.forEach(v -> batch.add(log(v)));
    if (!post(batch)) {
      return false;
    }
    forwarded.addAndGet(values.size());
    return true;
  }

  private static ObjectNode log(String value) {
    ObjectNode log = JSON.createObjectNode();
    try {
      JsonNode parsed = JSON.readTree(value);
      if (parsed.isObject()) {
        log.setAll((ObjectNode) parsed);
      } else {
        log.put("message", value);
      }
    } catch (Exception e) {
      log.put("message", value);
    }
    log.put("ddsource", "kafka-connect");
    if (!log.hasNonNull("service")) {
      log.put("service", "kafka-connect");
    }
    log.put("ddtags", "forwarder:kafka-connect");
    return log;
  }

  private boolean post(ArrayNode batch) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(intake))
          .timeout(Duration.ofSeconds(5))
          .header("Content-Type", "application/json")
          .header("DD-API-KEY", apiKey)
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(batch)))
          .build();
      return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 202;
    } catch (Exception e) {
      return false;
    }
  }
}
