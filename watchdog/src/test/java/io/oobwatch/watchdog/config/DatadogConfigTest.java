package io.oobwatch.watchdog.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.datadog.DatadogSignalConfig;
import io.oobwatch.probes.datadog.DatadogStageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Datadog" example is a valid config, read into the datadog kind's records. */
class DatadogConfigTest {
  @TempDir Path dir;

  @Test
  void theReadmesKafkaElasticsearchAndDatadogExampleIsValid() throws Exception {
    for (String key : List.of("dd-api-key", "dd-app-key", "es-api-key")) {
      Files.writeString(dir.resolve(key), "k3y-" + key + "\n");
    }
    Map<String, String> env = Map.of("OOBWATCH_CREDENTIALS", dir + "/");

    Config config = new ConfigLoader(env::get).parse("README.md", dir, ReadmeExamples.after("## Datadog\n"));

    Config.Pipeline p = config.pipelines().get(0);
    Config.StageSpec datadog = p.canary().stages().get(2);
    assertThat(datadog.kind()).isEqualTo("datadog");
    assertThat(datadog.after()).isEqualTo("kafka");
    assertThat(p.canary().stages().get(1).after()).isNull(); // elasticsearch follows kafka, listed above it
    DatadogStageConfig stage = (DatadogStageConfig) datadog.settings();
    assertThat(stage.where()).isEqualTo("datadog logs at datadoghq.eu (indexes main)");
    assertThat(stage.poll()).isEqualTo(Duration.ofSeconds(10));
    assertThat(stage.toString()).contains("api=https://api.datadoghq.eu", "intake=https://http-intake.logs.datadoghq.eu")
        .doesNotContain("k3y");
    DatadogSignalConfig fresh = (DatadogSignalConfig) p.checks().freshness().get(0).settings();
    assertThat(fresh.query()).isEqualTo("service:inference-api");
    assertThat(p.checks().freshness().get(0).maxAge()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.checks().volume().get(1).settings()).isInstanceOf(DatadogSignalConfig.class);
  }
}
