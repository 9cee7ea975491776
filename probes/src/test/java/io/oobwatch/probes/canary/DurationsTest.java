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

  @Test
  void durationsAreWrittenExactlyInTheirLargestWholeUnit() {
    assertThat(Durations.write(Duration.ofDays(30))).isEqualTo("30d");
    assertThat(Durations.write(Duration.ofHours(36))).isEqualTo("36h");
    assertThat(Durations.write(Duration.ofMinutes(90))).isEqualTo("90m");
    assertThat(Durations.write(Duration.ofMinutes(1))).isEqualTo("1m");
    assertThat(Durations.write(Duration.ofMillis(100))).isEqualTo("100ms");
    assertThat(Durations.write(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.write(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void writtenDurationsParseToTheMillisecondAlsoAsSums() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse(" 1.5s ")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.parse("0.5ms")).isEqualTo(Duration.ZERO);
  }

  @Test
  void textThatIsNoDurationParsesToNull() {
    assertThat(Durations.parse("30x")).isNull();
    assertThat(Durations.parse("30")).isNull();
    assertThat(Durations.parse("s")).isNull();
    assertThat(Durations.parse("1h 30m")).isNull();
    assertThat(Durations.parse("-5s")).isNull();
    assertThat(Durations.parse("")).isNull();
    assertThat(Durations.parse(null)).isNull();
  }

  @Test
  void aDurationTooLongForMillisecondsSaturatesInsteadOfWrappingAround() {
    assertThat(Durations.parse("9223372036854775807s")).isEqualTo(Durations.SATURATED);
    assertThat(Durations.parse("18446744073709551617ms")).isEqualTo(Durations.SATURATED);
    assertThat(Durations.parse("1" + "0".repeat(400) + "d")).isEqualTo(Durations.SATURATED);
    assertThat(Durations.parse("99999999999d")).isEqualTo(Duration.ofDays(99_999_999_999L));
    assertThat(Durations.parse("9223372036854775807ms")).isEqualTo(Durations.SATURATED);
  }
}
