package io.oobwatch.watchdog.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The inference service's own logs: real (non-synthetic) records produced into the topic at a
 * steady rate, each with its {@code @timestamp}, so the pipeline is busy the way a production one is.
 */
final class InferenceTraffic implements AutoCloseable {
  private final KafkaProducer<String, String> producer;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "inference-traffic");
    t.setDaemon(true);
    return t;
  });
  final AtomicLong sent = new AtomicLong();

  /** Starts producing one record every {@code every} into {@code topic}. */
  InferenceTraffic(String bootstrap, String topic, Duration every) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    timer.scheduleAtFixedRate(() -> {
      long n = sent.incrementAndGet();
      producer.send(new ProducerRecord<>(topic, "{\"@timestamp\":\"" + Instant.now() + "\",\"model\":{\"id\":\"m-1\"},"
          + "\"request_id\":\"r-" + n + "\",\"latency_ms\":412}"));
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    timer.shutdownNow();
    timer.awaitTermination(5, TimeUnit.SECONDS);
    producer.close(Duration.ofSeconds(5));
  }
}
