package io.oobwatch.watchdog.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeartbeatsConfigTest {
  static final String TOKEN = "0123456789abcdef-heartbeat";

  Config parse(String yaml) throws ConfigException {
    return new ConfigLoader(Map.of("HB_TOKEN", TOKEN)::get).parse("oobwatch.yaml", Path.of("/tmp"), yaml);
  }

  @Test
  void pushAndPullHeartbeatsAreReadWithTheirDefaultsAndNeedNoPipeline() throws Exception {
    Config c = parse(String.join("\n",
        "instance: wd-test",
        "heartbeats:",
        "  - { name: log-shipper, token: \"${HB_TOKEN}\" }",
        "  - { name: backup, token: \"${HB_TOKEN}\", every: 1d, grace: 30m }",
        "  - { name: inference-api, url: \"http://inference:8080/healthz\" }",
        "  - name: ranker",
        "    url: \"http://ranker:8080/ready\"",
        "    every: 5s",
        "    expect_status: 204",
        "    expect_body: ready",
        "    headers: { Authorization: \"Bearer ${HB_TOKEN}\" }",
        "    failures_to_fire: 5",
        ""));

    assertThat(c.pipelines()).isEmpty();
    Config.Heartbeat shipper = c.heartbeats().get(0);
    assertThat(shipper.push()).isTrue();
    assertThat(shipper.token()).isEqualTo(TOKEN);
    assertThat(shipper.every()).isEqualTo(Duration.ofMinutes(1));
    assertThat(shipper.grace()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.heartbeats().get(1).every()).isEqualTo(Duration.ofDays(1));
    Config.Heartbeat api = c.heartbeats().get(2);
    assertThat(api.push()).isFalse();
    assertThat(api.every()).isEqualTo(Duration.ofSeconds(30));
    assertThat(api.failuresToFire()).isEqualTo(3);
    assertThat(api.pull().expectStatus()).isNull();
    assertThat(api.pull().timeout()).isEqualTo(Duration.ofSeconds(10));
    Config.Heartbeat ranker = c.heartbeats().get(3);
    assertThat(ranker.pull().expectStatus()).isEqualTo(204);
    assertThat(ranker.pull().expectBody()).isEqualTo("ready");
    assertThat(ranker.pull().timeout()).isEqualTo(Duration.ofSeconds(5)); // never longer than every
    assertThat(ranker.failuresToFire()).isEqualTo(5);
    assertThat(c.heartbeats().toString()).doesNotContain(TOKEN).contains("token=****", "Authorization=***");
  }
}
