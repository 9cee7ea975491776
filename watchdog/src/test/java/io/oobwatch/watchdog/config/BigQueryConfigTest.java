package io.oobwatch.watchdog.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.bigquery.BigQuerySignalConfig;
import io.oobwatch.probes.bigquery.BigQueryStageConfig;
import io.oobwatch.testkit.FakeBigQuery;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's BigQuery example is a valid config, read into the bigquery kind's records. */
class BigQueryConfigTest {
  @TempDir Path dir;

  @Test
  void theReadmesBigQueryExampleIsValidAndItsKeyNeverPrinted() throws Exception {
    KeyPair key = FakeBigQuery.rsaKeyPair();
    try (FakeBigQuery google = FakeBigQuery.start("key-project", "logs.inference", "EU",
        "oobwatch@key-project.iam.gserviceaccount.com", key.getPublic())) {
      google.writeKeyFile(dir.resolve("bigquery-key.json"), key);
    }
    Map<String, String> env = Map.of("OOBWATCH_CREDENTIALS", dir + "/");

    Config config = new ConfigLoader(env::get).parse("README.md", dir, Readme.firstYamlAfter("## Google BigQuery ("));

    Config.Pipeline p = config.pipelines().get(0);
    BigQueryStageConfig stage = (BigQueryStageConfig) p.canary().stages().get(1).settings();
    assertThat(stage.where()).isEqualTo("bigquery table my-project.logs.inference");
    assertThat(stage.poll()).isEqualTo(Duration.ofSeconds(10));
    assertThat(stage.idColumn()).isEqualTo("canary.id");
    assertThat(stage.bigquery().project()).isEqualTo("key-project");
    assertThat(stage.bigquery().location()).isEqualTo("EU");
    assertThat(stage.bigquery().maximumBytesBilled()).isEqualTo(1L << 30);
    assertThat(stage.bigquery().url()).isEqualTo("https://bigquery.googleapis.com");
    assertThat(stage.toString()).contains("oobwatch@key-project.iam.gserviceaccount.com").doesNotContain("PRIVATE KEY");
    BigQuerySignalConfig volume = (BigQuerySignalConfig) p.checks().volume().get(0).settings();
    assertThat(volume.delay()).isEqualTo(Duration.ofMinutes(2));
    assertThat(volume.syntheticColumn()).isEqualTo("synthetic");
    assertThat(p.checks().freshness().get(0).maxAge()).isEqualTo(Duration.ofMinutes(10));
  }
}
