package io.oobwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The part of Datadog's search syntax the fake understands, on one canary log and one real log. */
class FakeDatadogQueryTest {
  private static final FakeDatadogQuery.Log CANARY = new FakeDatadogQuery.Log("oobwatch canary c-1", "oobwatch-canary",
      "host-1", "oobwatch", "info", List.of("env:prod", "synthetic:true"),
      Map.of("canary", Map.of("id", "2f1c-aa"), "synthetic", true, "model", Map.of("id", "llama 3")));
  private static final FakeDatadogQuery.Log REAL = new FakeDatadogQuery.Log("inference done", "inference-api",
      "host-2", "python", "info", List.of("env:prod"), Map.of("model", Map.of("id", "gpt")));

  private static List<FakeDatadogQuery.Log> matches(String query) {
    return List.of(CANARY, REAL).stream().filter(FakeDatadogQuery.parse(query)).toList();
  }

  @Test
  void anAttributePathMatchesItsValueAndAValueListMatchesAnyOfThem() {
    assertThat(matches("@canary.id:2f1c-aa")).containsExactly(CANARY);
    assertThat(matches("@canary.id:(\"x\" OR \"2f1c-aa\")")).containsExactly(CANARY);
    assertThat(matches("@canary.id:(x OR y)")).isEmpty();
  }

  @Test
  void quotedValuesKeepTheirSpaces() {
    assertThat(matches("@model.id:\"llama 3\"")).containsExactly(CANARY);
  }

  @Test
  void negationStarAndBooleansCombine() {
    assertThat(matches("-@synthetic:true")).containsExactly(REAL);
    assertThat(matches("(*) -@synthetic:true")).containsExactly(REAL);
    assertThat(matches("*")).containsExactly(CANARY, REAL);
    assertThat(matches("service:inference-api OR @canary.id:*")).containsExactly(CANARY, REAL);
    assertThat(matches("env:prod AND NOT host:host-1")).containsExactly(REAL);
    assertThat(matches("@model.id:g*")).containsExactly(REAL);
    assertThat(matches("inference")).containsExactly(REAL);
  }

  @ParameterizedTest
  @ValueSource(strings = {"@canary.id:(a OR", "@canary.id:\"open", "(a", "a)", "@a:", "OR a", "@canary.id:(a b)"})
  void aQueryDatadogWouldRefuseIsInvalid(String query) {
    assertThatThrownBy(() -> FakeDatadogQuery.parse(query)).isInstanceOf(FakeDatadogQuery.Invalid.class);
  }

  @Test
  void timesAreDateMathIsoOrEpochMillis() {
    Instant now = Instant.parse("2026-11-30T10:00:00Z");

    assertThat(FakeDatadogQuery.time("now", now)).isEqualTo(now);
    assertThat(FakeDatadogQuery.time("now-15m", now)).isEqualTo(Instant.parse("2026-11-30T09:45:00Z"));
    assertThat(FakeDatadogQuery.time("now-2d", now)).isEqualTo(Instant.parse("2026-11-28T10:00:00Z"));
    assertThat(FakeDatadogQuery.time("2026-11-30T09:00:00+01:00", now)).isEqualTo(Instant.parse("2026-11-30T08:00:00Z"));
    assertThat(FakeDatadogQuery.time("1796032800000", now)).isEqualTo(Instant.ofEpochMilli(1796032800000L));
    assertThatThrownBy(() -> FakeDatadogQuery.time("yesterday", now)).isInstanceOf(FakeDatadogQuery.Invalid.class);
  }
}
