package io.oobwatch.watchdog.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.file.FileEntryConfig;
import io.oobwatch.probes.kafka.KafkaConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's file-entry example is a valid config: the canary enters at the tailed file, kafka is the shipper's hop. */
class FileEntryConfigTest {
  @TempDir Path dir;

  @Test
  void theReadmesFileEntryExampleIsValidWithTheFileAsTheEntryAndKafkaAsTheFirstStage() throws Exception {
    Files.writeString(dir.resolve("es-api-key"), "k3y-es\n");

    Config config = new ConfigLoader(name -> null).parse("README.md", dir,
        Readme.firstYamlAfter("## A log file a shipper tails ("));

    Config.Pipeline p = config.pipelines().get(0);
    assertThat(p.canary().every()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.canary().inject().kind()).isEqualTo("file");
    FileEntryConfig entry = (FileEntryConfig) p.canary().inject().settings();
    assertThat(entry.path()).isEqualTo(Path.of("/var/log/inference/app.log"));
    assertThat(entry.where()).isEqualTo("file /var/log/inference/app.log");
    assertThat(p.canary().stages()).extracting(Config.StageSpec::kind).containsExactly("kafka", "elasticsearch");
    KafkaConfig kafka = (KafkaConfig) p.canary().stages().get(0).settings();
    assertThat(kafka.bootstrap()).isEqualTo("kafka-1:9092");
    assertThat(kafka.topic()).isEqualTo("inference-logs");
  }
}
