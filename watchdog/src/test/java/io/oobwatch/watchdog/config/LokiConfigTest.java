package io.oobwatch.watchdog.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.loki.LokiEntryConfig;
import io.oobwatch.probes.loki.LokiFreshnessConfig;
import io.oobwatch.probes.loki.LokiStageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Loki example is a valid config, read into the loki kind's records, the password masked. */
class LokiConfigTest {
  @TempDir Path dir;

  @Test
  void theReadmesLokiExampleIsValidWithThePasswordReadFromAFileAndNeverShown() throws Exception {
    Files.writeString(dir.resolve("loki-password"), "pa55-loki\n");
    Map<String, String> env = Map.of("OOBWATCH_CREDENTIALS", dir + "/");

    Config config = new ConfigLoader(env::get).parse("README.md", dir, Readme.firstYamlAfter("## Grafana Loki ("));

    Config.Pipeline p = config.pipelines().get(0);
    LokiEntryConfig entry = (LokiEntryConfig) p.canary().inject().settings();
    assertThat(entry.labels()).isEqualTo(Map.of("service", "inference", "env", "prod"));
    assertThat(entry.loki().url()).isEqualTo("http://loki-gateway:3100");
    assertThat(entry.loki().tenant()).isEqualTo("team-a");
    assertThat(entry.loki().username()).isEqualTo("oobwatch");
    assertThat(entry.loki().password()).isEqualTo("pa55-loki");
    assertThat(entry.where()).isEqualTo("loki push {env=prod, service=inference}");
    Config.StageSpec spec = p.canary().stages().get(0);
    assertThat(spec.kind()).isEqualTo("loki");
    LokiStageConfig stage = (LokiStageConfig) spec.settings();
    assertThat(stage.selector()).isEqualTo("{service=\"inference\", env=\"prod\"}");
    assertThat(stage.match()).isEqualTo(LokiStageConfig.Match.METADATA);
    assertThat(stage.poll()).isEqualTo(Duration.ofSeconds(5));
    assertThat(stage.loki().password()).isEqualTo("pa55-loki");
    assertThat(stage.toString()).contains("basic oobwatch:***").doesNotContain("pa55");
    LokiFreshnessConfig fresh = (LokiFreshnessConfig) p.checks().freshness().get(0).settings();
    assertThat(fresh.selector()).isEqualTo("{service=\"inference\"}");
    assertThat(fresh.lookback()).isEqualTo(Duration.ofHours(1));
    assertThat(fresh.loki().password()).isEqualTo("pa55-loki"); // password_file relative to the config's directory
    assertThat(p.checks().freshness().get(0).maxAge()).isEqualTo(Duration.ofMinutes(5));
  }
}
