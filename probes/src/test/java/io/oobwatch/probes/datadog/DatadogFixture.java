package io.oobwatch.probes.datadog;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.ProbeContext;
import io.oobwatch.testkit.FakeDatadog;
import io.oobwatch.testkit.TestClock;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A FakeDatadog on a test clock, and the settings that point the datadog probes at it. */
final class DatadogFixture implements AutoCloseable {
  static final String API_KEY = "dd-api-0123456789abcdef";
  static final String APP_KEY = "dd-app-0123456789abcdef";
  static final Instant START = Instant.parse("2026-11-30T10:00:00Z");

  final TestClock clock = new TestClock(START);
  final FakeDatadog fake = FakeDatadog.start(API_KEY, APP_KEY, clock);
  final ProbeContext ctx = new ProbeContext(HttpClient.newHttpClient(), clock);

  DatadogAccount account(String apiKey, String appKey) {
    return new DatadogAccount("fake", fake.baseUrl(), fake.baseUrl(), apiKey, appKey, Duration.ofSeconds(5));
  }

  DatadogAccount account() {
    return account(API_KEY, APP_KEY);
  }

  DatadogStageConfig stage() {
    return new DatadogStageConfig(account(), List.of(), DatadogStageConfig.DEFAULT_POLL,
        DatadogStageConfig.DEFAULT_INDEXING_DELAY);
  }

  CanaryRecord canary(long seq) {
    return CanaryRecord.create(seq, clock.instant(), "inference", "oob-1", Map.of());
  }

  /** The canary as a forwarder delivers it to Datadog: its record's fields as attributes. */
  void forwarded(CanaryRecord canary) {
    fake.log("main", canary.emittedAt(), canary.document());
  }

  /** A real (non-synthetic) inference log. */
  void realLog(Instant at) {
    fake.log("main", at, Map.of("event", "inference", "service", "inference-api"));
  }

  void advance(Duration d) {
    clock.advance(d);
  }

  @Override
  public void close() {
    fake.close();
  }
}
