package io.oobwatch.watchdog.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSectionTest {
  static final String PIPELINE = "pipelines:\n  - name: inference-logs\n    canary:\n"
      + "      inject: { kafka: { bootstrap: \"127.0.0.1:9092\", topic: logs } }\n"
      + "      stages: [ { kafka: { bootstrap: \"127.0.0.1:9092\", topic: logs } } ]\n";

  @TempDir Path dir;

  @Test
  void aClusterIsReadWithItsDefaultsAndItsSecretNeverPrinted() throws Exception {
    Files.writeString(dir.resolve("cluster-secret"), "s3cret-s3cret-s3cret-s3cret\n");
    Config c = new ConfigLoader(Map.<String, String>of()::get).parse("oobwatch.yaml", dir, PIPELINE
        + "cluster:\n  bind: \"10.0.1.5:7800\"\n  members: [\"10.0.1.5:7800\", \"10.0.2.7:7800\"]\n"
        + "  secret_file: cluster-secret\n");
    assertThat(c.cluster().name()).isEqualTo("oobwatch");
    assertThat(c.cluster().members()).hasSize(2);
    assertThat(c.cluster().bind().getPort()).isEqualTo(7800);
    assertThat(c.cluster().peerTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.cluster().agree()).isEqualTo(1);
    assertThat(c.cluster().secret()).isEqualTo("s3cret-s3cret-s3cret-s3cret");
    assertThat(c.cluster().toString()).doesNotContain("s3cret").contains("secret=****");
  }

  @Test
  void withoutAClusterSectionOobwatchRunsAlone() throws Exception {
    Config c = new ConfigLoader(Map.<String, String>of()::get).parse("oobwatch.yaml", dir, PIPELINE);
    assertThat(c.cluster()).isNull();
  }
}
