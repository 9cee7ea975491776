package io.oobwatch.probes.canary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void durationsReadTheWayPeopleWriteThem() {
    assertThat(Durations.format(Duration.ofMillis(42))).isEqualTo("42ms");
    assertThat(Durations.format(Duration.ofMillis(412))).isEqualTo("0.4s");
    assertThat(Durations.format(Duration.ofSeconds(5))).isEqualTo("5s");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofSeconds(150))).isEqualTo("2m30s");
    assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
    assertThat(Durations.format(Duration.ofHours(3))).isEqualTo("3h");
  }
}
