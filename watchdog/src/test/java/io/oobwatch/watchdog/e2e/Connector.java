package io.oobwatch.watchdog.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The pipeline's connector, as in production: a Kafka consumer group that copies the topic into
 * an index, one document per record, letting the documents create the index through dynamic
 * mapping. {@link #stall()} stops it consuming (the classic cause of "Kafka healthy, ES healthy,
 * dashboards dark"); records are never dropped: a failed write is retried.
 */
final class Connector implements AutoCloseable {
  private final KafkaConsumer<String, String> consumer;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String esUrl;
  private final String index;
  private final AtomicBoolean stalled = new AtomicBoolean();
  private final AtomicBoolean running = new AtomicBoolean(true);
  final AtomicLong copied = new AtomicLong();
  private final Thread thread;

  Connector(String bootstrap, String topic, String esUrl, String index) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "connector-" + topic);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(p);
    this.esUrl = esUrl;
    this.index = index;
    consumer.subscribe(List.of(topic));
    thread = new Thread(this::loop, "test-connector-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  void stall() {
    stalled.set(true);
  }

  void resume() {
    stalled.set(false);
  }

  private void loop() {
    while (running.get()) {
      if (stalled.get()) {
        consumer.pause(consumer.assignment());
      } else {
        consumer.resume(consumer.paused());
      }
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
        while (running.get() && !write(r.value())) {
          Thread.onSpinWait();
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          }
        }
        copied.incrementAndGet();
      }
      if (!consumer.assignment().isEmpty()) {
        consumer.commitSync();
      }
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

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(10_000);
    consumer.close(Duration.ofSeconds(2));
  }
}
