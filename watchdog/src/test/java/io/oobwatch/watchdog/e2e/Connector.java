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

  /**
   * How far behind the connector copies: each record is written this long after it was read, in
   * order and continuously (a slow sink, not a stalled one). Zero: at once.
   */
  volatile Duration behind = Duration.ZERO;

  /** A record held back until {@code dueMillis}, as a connector running behind indexes it. */
  private record Delayed(String doc, long dueMillis) {}

  private final java.util.concurrent.BlockingQueue<Delayed> late = new java.util.concurrent.LinkedBlockingQueue<>();
  private Thread lateWriter;

  /** Records read but not yet written because the connector is {@link #behind}. */
  int backlog() {
    return late.size();
  }

  private synchronized void startLateWriter() {
    if (lateWriter != null) {
      return;
    }
    lateWriter = new Thread(() -> {
      try {
        while (true) {
          Delayed item = late.take();
          long wait = item.dueMillis() - System.currentTimeMillis();
          if (wait > 0) {
            Thread.sleep(wait);
          }
          while (!write(item.doc())) {
            Thread.sleep(200);
          }
          copied.incrementAndGet();
        }
      } catch (InterruptedException e) {
        // closed
      }
    }, "connector-behind");
    lateWriter.setDaemon(true);
    lateWriter.start();
  }

  @Override
  boolean deliver(List<String> values) {
    long behindMs = behind.toMillis();
    if (behindMs > 0 || !late.isEmpty()) {
      startLateWriter();
      long due = System.currentTimeMillis() + behindMs;
      for (String v : values.subList(written, values.size())) {
        late.add(new Delayed(v, due));
      }
      written = 0;
      return true;
    }
    for (; written < values.size(); written++) {
      if (!write(values.get(written))) {
        return false;
      }
      copied.incrementAndGet();
    }
    written = 0;
    return true;
  }

  @Override
  public void close() throws InterruptedException {
    super.close();
    Thread w;
    synchronized (this) {
      w = lateWriter;
    }
    if (w != null) {
      w.interrupt();
      w.join(5_000);
    }
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
