package io.oobwatch.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Kafka broker ({@link EmbeddedKafka}) for all the tests of a class, in a fresh folder
 * under {@code java.io.tmpdir} that is deleted afterwards. Register it on a static field:
 *
 * <pre>{@code @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();}</pre>
 *
 * <p>It starts before the class's {@code @BeforeAll} methods (which may create topics) and stops
 * after its {@code @AfterAll} methods.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {
  private Path dir;
  private EmbeddedKafka kafka;
  private KafkaProducer<String, String> producer;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("kafka-");
    kafka = EmbeddedKafka.start(dir);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    try {
      if (producer != null) {
        producer.close();
        producer = null;
      }
      if (kafka != null) {
        kafka.close();
        kafka = null;
      }
    } finally {
      deleteTree(dir);
    }
  }

  /** The bootstrap address for clients, {@code 127.0.0.1:PORT}. */
  public String bootstrap() {
    return broker().bootstrap();
  }

  /** Creates a topic (one replica) and returns once every partition has a leader. */
  public void createTopic(String name, int partitions) {
    broker().createTopic(name, partitions);
  }

  /** Stops the broker; {@link #restart()} brings it back on the same port with the same data. */
  public void stop() {
    broker().stop();
  }

  /** Starts the broker again after {@link #stop()}; does nothing if it runs. */
  public void restart() {
    broker().restart();
  }

  /**
   * A producer of string keys and values with the client's defaults, made on first use and
   * closed with the broker.
   */
  public KafkaProducer<String, String> producer() {
    if (producer == null) {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      producer = new KafkaProducer<>(p);
    }
    return producer;
  }

  /**
   * A new consumer of string keys and values in {@code group}, subscribed to {@code topic}, that
   * starts from the earliest offset and commits only when told to; the caller closes it.
   */
  public KafkaConsumer<String, String> consumer(String group, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    KafkaConsumer<String, String> c = new KafkaConsumer<>(p);
    c.subscribe(List.of(topic));
    return c;
  }

  private EmbeddedKafka broker() {
    if (kafka == null) {
      throw new IllegalStateException(
          "the Kafka broker runs only while the test class runs: register KafkaBroker on a static field with @RegisterExtension");
    }
    return kafka;
  }

  static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
