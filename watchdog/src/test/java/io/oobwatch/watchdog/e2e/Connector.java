package io.oobwatch.watchdog.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pipeline's connector, as in production: a Kafka consumer group that copies the topic into
 * an index, one document per record, letting the documents create the index through dynamic
 * mapping. {@link #stall()} stops it consuming (the classic cause of "Kafka healthy, ES healthy,
 * dashboards dark"); records are never dropped: a failed write is retried.
 */
final class Connector extends TopicConsumer {
  private final HttpClient http = HttpClient.newHttpClient();
  private final String esUrl;
  private final String index;
  final AtomicLong copied = new AtomicLong();
  /** Documents of the current poll already written: a retry goes on from the one that failed. */
  private int written;

  Connector(String bootstrap, String topic, String esUrl, String index) {
    super(bootstrap, topic, "connector-" + topic, Duration.ofMillis(100), 500);
    this.esUrl = esUrl;
    this.index = index;
    begin();
  }

  @Override
  boolean deliver(List<String> values) {
    for (; written < values.size(); written++) {
      if (!write(values.get(written))) {
        return false;
      }
      copied.incrementAndGet();
    }
    written = 0;
    return true;
  }

  private boolean write(String json) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(esUrl + "/" + index + "/_doc?refresh=false"))
          .timeout(Duration.ofSeconds(5))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json))
          .build();
      return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
    } catch (Exception e) {
      return false;
    }
  }
}
