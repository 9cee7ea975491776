package io.oobwatch.watchdog.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A consumer of the pipeline's topic, as its downstream components are: its own consumer group,
 * each poll's records handed to {@link #deliver} until it succeeds (records are never dropped),
 * then the offsets committed. {@link #stall()} stops it consuming, the classic cause of "Kafka
 * healthy, dashboards dark".
 */
abstract class TopicConsumer implements AutoCloseable {
  private final KafkaConsumer<String, String> consumer;
  private final AtomicBoolean stalled = new AtomicBoolean();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Duration linger;
  private final Thread thread;

  /** @param linger how long one poll waits for records; @param batch at most this many records per poll */
  TopicConsumer(String bootstrap, String topic, String group, Duration linger, int batch) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batch);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(p);
    this.linger = linger;
    consumer.subscribe(List.of(topic));
    thread = new Thread(this::loop, "test-" + group);
    thread.setDaemon(true);
  }

  /** Starts consuming; called by the subclass once it is fully built. */
  final void begin() {
    thread.start();
  }

  /** Hands the records' values on; false to have the same records handed again shortly. */
  abstract boolean deliver(List<String> values);

  final void stall() {
    stalled.set(true);
  }

  final void resume() {
    stalled.set(false);
  }

  private void loop() {
    while (running.get()) {
      if (stalled.get()) {
        consumer.pause(consumer.assignment());
      } else {
        consumer.resume(consumer.paused());
      }
      List<String> values = new ArrayList<>();
      for (ConsumerRecord<String, String> r : consumer.poll(linger)) {
        values.add(r.value());
      }
      while (!values.isEmpty() && running.get() && !deliver(values)) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
      if (!consumer.assignment().isEmpty()) {
        consumer.commitSync();
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(10_000);
    consumer.close(Duration.ofSeconds(2));
  }
}
