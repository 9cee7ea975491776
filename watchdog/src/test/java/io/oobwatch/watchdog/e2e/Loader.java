package io.oobwatch.watchdog.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.testkit.FakeBigQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pipeline's BigQuery loader, as a Kafka → BigQuery sink connector works: its own consumer
 * group on the topic, each record streamed as a row of the table ({@code timestamp} from the
 * record's, {@code canary.id}, {@code synthetic}). {@link #stall()} stops it consuming.
 */
final class Loader extends TopicConsumer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FakeBigQuery bigquery;
  final AtomicLong loaded = new AtomicLong();

  Loader(String bootstrap, String topic, FakeBigQuery bigquery) {
    super(bootstrap, topic, "bigquery-loader-" + topic, Duration.ofMillis(200), 100);
    this.bigquery = bigquery;
    begin();
  }

  @Override
  boolean deliver(List<String> values) {
    for (String v : values) {
      try {
        JsonNode record = JSON.readTree(v);
        String ts = record.path("timestamp").asText(record.path("@timestamp").asText(""));
        bigquery.insert(new FakeBigQuery.Row(ts.isEmpty() ? Instant.now() : Instant.parse(ts),
            record.path("canary").path("id").asText(null), record.path("synthetic").asBoolean(false)));
      } catch (Exception e) {
        // a record that is not JSON has no row in this table, as a sink's dead-letter queue would take it
      }
      loaded.incrementAndGet();
    }
    return true;
  }
}
