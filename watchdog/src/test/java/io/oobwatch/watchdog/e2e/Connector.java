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

  /** A slowdown: the delay grows from 0 at {@code startMillis} to {@code toMillis} over {@code overMillis}. */
  private record Ramp(long startMillis, long toMillis, long overMillis) {
    long at(long nowMillis) {
      if (overMillis <= 0) {
        return toMillis;
      }
      return Math.min(toMillis, toMillis * Math.max(0, nowMillis - startMillis) / overMillis);
    }
  }

  private volatile Ramp ramp = new Ramp(0, 0, 0);

  /**
   * A slow sink, not a stalled one: from now each record is written later than it was read, by a
   * delay that grows steadily to {@code to} over {@code over} and stays there. Records keep being
   * written, in order, throughout (the delay grows slower than time passes), only later.
   */
  void slowDown(Duration to, Duration over) {
    ramp = new Ramp(System.currentTimeMillis(), to.toMillis(), over.toMillis());
  }

  /** Back to writing each record as it is read (the backlog is written first). */
  void catchUp() {
    ramp = new Ramp(0, 0, 0);
  }

  /** A record held back until {@code dueMillis}, as a connector running behind indexes it. */
  private record Delayed(String doc, long dueMillis) {}

  private final java.util.concurrent.BlockingQueue<Delayed> late = new java.util.concurrent.LinkedBlockingQueue<>();
  private Thread lateWriter;

  /** Records read but not yet written because the connector {@link #slowDown slowed down}. */
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
    long now = System.currentTimeMillis();
    long behindMs = ramp.at(now);
    if (behindMs > 0 || !late.isEmpty()) {
      startLateWriter();
      long due = now + behindMs;
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
