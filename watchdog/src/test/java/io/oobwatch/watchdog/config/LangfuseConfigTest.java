package io.oobwatch.watchdog.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.langfuse.LangfuseEntryConfig;
import io.oobwatch.probes.langfuse.LangfuseFreshnessConfig;
import io.oobwatch.probes.langfuse.LangfuseStageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Langfuse example is a valid config, read into the langfuse kind's records, keys masked. */
class LangfuseConfigTest {
  @TempDir Path dir;


  @Test
  void theReadmesLangfuseExampleIsValidWithTheKeysReadFromFilesAndNeverShown() throws Exception {
    for (String key : List.of("langfuse-public-key", "langfuse-secret-key")) {
      Files.writeString(dir.resolve(key), "k3y-" + key + "\n");
    }
    Map<String, String> env = Map.of("OOBWATCH_CREDENTIALS", dir + "/");

    Config config = new ConfigLoader(env::get).parse("README.md", dir, Readme.firstYamlAfter("## Langfuse ("));

    Config.Pipeline p = config.pipelines().get(0);
    LangfuseEntryConfig entry = (LangfuseEntryConfig) p.canary().inject().settings();
    assertThat(entry.langfuse().publicKey()).isEqualTo("k3y-langfuse-public-key");
    assertThat(entry.langfuse().secretKey()).isEqualTo("k3y-langfuse-secret-key");
    assertThat(entry.where()).isEqualTo("langfuse OTLP endpoint at https://cloud.langfuse.com");
    LangfuseStageConfig stage = (LangfuseStageConfig) p.canary().stages().get(0).settings();
    assertThat(stage.api()).isEqualTo(LangfuseStageConfig.Api.V2);
    assertThat(stage.poll()).isEqualTo(Duration.ofSeconds(15));
    assertThat(stage.where()).isEqualTo("langfuse at https://cloud.langfuse.com (v2 observations)");
    assertThat(stage.toString()).doesNotContain("k3y");
    LangfuseFreshnessConfig fresh = (LangfuseFreshnessConfig) p.checks().freshness().get(0).settings();
    assertThat(fresh.lookback()).isEqualTo(Duration.ofHours(1));
    assertThat(p.checks().freshness().get(0).maxAge()).isEqualTo(Duration.ofMinutes(20));
  }
}
