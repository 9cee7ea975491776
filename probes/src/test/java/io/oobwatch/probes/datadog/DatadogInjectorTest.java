package io.oobwatch.probes.datadog;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Injector;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Stage;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agentless injector against FakeDatadog's intake over real sockets. */
class DatadogInjectorTest {
  private final DatadogFixture dd = new DatadogFixture();

  @AfterEach
  void stop() {
    dd.close();
  }

  private Injector injector(String apiKey) {
    return new DatadogInjectorConfig(dd.account(apiKey, null), DatadogInjectorConfig.DEFAULT_SOURCE,
        DatadogInjectorConfig.DEFAULT_SERVICE, null, "team:ml").open(dd.ctx);
  }

  private record Trip(Injection injection, Lookup lookup) {}

  /** A canary injected, then looked for by a datadog stage {@code after} later. */
  private Trip injectAndLookAfter(Duration after) {
    Stage stage = dd.stage().open("datadog", dd.ctx);
    CanaryRecord canary = dd.canary(7);
    stage.arm(canary);
    Injection injection = injector(DatadogFixture.API_KEY).inject(canary);
    dd.advance(after);
    return new Trip(injection, stage.lookup(canary));
  }

  @Test
  void anAcceptedCanaryIsSearchableByItsIdOnceIndexed() {
    Trip trip = injectAndLookAfter(Duration.ofSeconds(6));
    Injection injection = trip.injection();
    Lookup l = trip.lookup();

    assertThat(injector(DatadogFixture.API_KEY).kind()).isEqualTo("datadog");
    assertThat(injection.ok()).isTrue();
    assertThat(injection.reason()).isEqualTo("HTTP 202");
    assertThat(l.status()).isEqualTo(Lookup.Status.FOUND);
  }

  @Test
  void theLogCarriesTheReservedAttributesAndTheCanarysFields() {
    DatadogInjector injector = (DatadogInjector) injector(DatadogFixture.API_KEY);
    CanaryRecord canary = dd.canary(7);

    var log = injector.log(canary);

    assertThat(log).containsEntry("ddsource", "oobwatch").containsEntry("service", "oobwatch-canary")
        .containsEntry("hostname", "oob-1").containsEntry("ddtags", "team:ml,synthetic:true,pipeline:inference")
        .containsEntry("synthetic", true).containsKey("canary");
  }

  @Test
  void acceptedButNeverIndexedIsAcceptedAtIntakeAndNeverFound() {
    dd.fake.neverIndex(true);

    Trip trip = injectAndLookAfter(Duration.ofSeconds(60));
    Injection injection = trip.injection();
    Lookup l = trip.lookup();

    assertThat(injection.ok()).isTrue();
    assertThat(l.status()).isEqualTo(Lookup.Status.NOT_FOUND);
    assertThat(l.reason()).isEqualTo("not searchable in datadog logs at fake 60s after emission"
        + ": an exclusion filter, an index quota or an intake backlog?");
  }

  @Test
  void aRejectedApiKeyFailsTheInjectionWithoutShowingTheKey() {
    Injection injection = injector("wrong-key-0123").inject(dd.canary(7));

    assertThat(injection.ok()).isFalse();
    assertThat(injection.reason()).startsWith("Datadog rejected the API key (HTTP 403").doesNotContain("wrong-key-0123");
  }

  @Test
  void anUnreachableIntakeFailsTheInjectionWithTheReason() {
    String url = dd.fake.baseUrl();
    dd.fake.close();

    Injection injection = injector(DatadogFixture.API_KEY).inject(dd.canary(7));

    assertThat(injection.ok()).isFalse();
    assertThat(injection.reason()).isEqualTo("datadog's log intake at " + url + " refused the connection");
  }
}
