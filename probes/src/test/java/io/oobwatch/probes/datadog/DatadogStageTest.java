package io.oobwatch.probes.datadog;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Stage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The datadog stage against FakeDatadog over real sockets, on a test clock. */
class DatadogStageTest {
  private final DatadogFixture dd = new DatadogFixture();

  @AfterEach
  void stop() {
    dd.close();
  }

  private Stage stage() {
    return dd.stage().open("datadog", dd.ctx);
  }

  /** A canary armed, forwarded and old enough to be searched for. */
  private CanaryRecord forwardedAndDue(Stage stage) {
    CanaryRecord canary = dd.canary(1);
    stage.arm(canary);
    dd.forwarded(canary);
    dd.advance(Duration.ofSeconds(6));
    return canary;
  }

  @Test
  void aForwardedCanaryIsFoundOnceDatadogHasIndexedIt() {
    Stage stage = stage();
    CanaryRecord canary = forwardedAndDue(stage);

    Lookup l = stage.lookup(canary);

    assertThat(l.status()).isEqualTo(Lookup.Status.FOUND);
    assertThat(l.count()).isEqualTo(1);
    assertThat(l.seenAt()).isEqualTo(dd.clock.instant());
  }

  @Test
  void aCanaryNotYetIndexedIsNotFoundYetAndFoundOnALaterPoll() {
    dd.fake.indexingDelay(Duration.ofSeconds(8));
    Stage stage = stage();
    CanaryRecord canary = dd.canary(1);
    stage.arm(canary);
    dd.forwarded(canary);
    dd.advance(Duration.ofSeconds(5));

    Lookup first = stage.lookup(canary);
    dd.advance(Duration.ofSeconds(15)); // past poll (10s) and the budget's spacing (1h / 300 = 12s)
    Lookup second = stage.lookup(canary);

    assertThat(first.status()).isEqualTo(Lookup.Status.NOT_FOUND);
    assertThat(first.reason()).contains("not searchable in datadog logs at fake 5s after emission");
    assertThat(second.status()).isEqualTo(Lookup.Status.FOUND);
    assertThat(dd.fake.searches()).isEqualTo(2);
  }

  @Test
  void aCanaryYoungerThanTheIndexingDelayCostsNoSearch() {
    Stage stage = stage();
    CanaryRecord canary = dd.canary(1);
    stage.arm(canary);
    dd.advance(Duration.ofSeconds(1));

    Lookup l = stage.lookup(canary);

    assertThat(l.status()).isEqualTo(Lookup.Status.NOT_FOUND);
    assertThat(l.reason()).startsWith("not searched in datadog yet");
    assertThat(dd.fake.searches()).isZero();
  }

  @Test
  void aRejectedKeyIsUnreachableWithThatReason() {
    Stage stage = new DatadogStageConfig(dd.account(DatadogFixture.API_KEY, "wrong-app-key"), List.of(),
        DatadogStageConfig.DEFAULT_POLL, DatadogStageConfig.DEFAULT_INDEXING_DELAY).open("datadog", dd.ctx);
    CanaryRecord canary = dd.canary(1);
    stage.arm(canary);
    dd.advance(Duration.ofSeconds(6));

    Lookup l = stage.lookup(canary);

    assertThat(l.status()).isEqualTo(Lookup.Status.UNREACHABLE);
    assertThat(l.reason()).startsWith("Datadog rejected the API or application key (HTTP 403")
        .doesNotContain("wrong-app-key").doesNotContain(DatadogFixture.API_KEY);
  }

  @Test
  void anUnavailableApiIsUnreachableNeverLost() {
    dd.fake.unavailable(true);
    Stage stage = stage();
    CanaryRecord canary = forwardedAndDue(stage);

    Lookup l = stage.lookup(canary);

    assertThat(l.status()).isEqualTo(Lookup.Status.UNREACHABLE);
    assertThat(l.reason()).startsWith("cannot query datadog (HTTP 503)");
  }

  @Test
  void aRefusedConnectionIsUnreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    Stage stage = new DatadogStageConfig(new DatadogAccount("fake", url, url, "k", "a", Duration.ofSeconds(2)),
        List.of(), DatadogStageConfig.DEFAULT_POLL, Duration.ZERO).open("datadog", dd.ctx);

    Lookup l = stage.lookup(dd.canary(1));

    assertThat(l.status()).isEqualTo(Lookup.Status.UNREACHABLE);
    assertThat(l.reason()).startsWith("cannot query datadog: datadog at " + url + " refused the connection");
  }

  @Test
  void a429IsReportedAsRateLimitedAndNoSearchIsSentUntilTheReset() {
    dd.fake.rateLimitStorm(true);
    Stage stage = stage();
    CanaryRecord canary = forwardedAndDue(stage);

    Lookup limited = stage.lookup(canary);
    dd.fake.rateLimitStorm(false);
    List<Lookup> during = new ArrayList<>();
    for (int i = 0; i < 30; i++) { // the hour's period resets in 59m54s: polls meanwhile send nothing
      dd.advance(Duration.ofSeconds(10));
      during.add(stage.lookup(canary));
    }
    int searchesDuring = dd.fake.searches();
    dd.advance(Duration.ofHours(1));
    Lookup after = stage.lookup(canary);

    assertThat(limited.status()).isEqualTo(Lookup.Status.RATE_LIMITED);
    assertThat(limited.reason()).startsWith("datadog rate-limited the log queries (HTTP 429); next query in 59m54s");
    assertThat(during).allSatisfy(l -> {
      assertThat(l.status()).isEqualTo(Lookup.Status.RATE_LIMITED);
      assertThat(l.reason()).startsWith("datadog rate-limited the log queries (HTTP 429); next query in");
    });
    assertThat(searchesDuring).isEqualTo(1);
    assertThat(after.status()).isEqualTo(Lookup.Status.FOUND);
  }

  @Test
  void aShrinkingBudgetSpacesTheSearchesOut() {
    dd.fake.rateLimit(3, Duration.ofMinutes(10));
    Stage stage = stage();
    CanaryRecord canary = dd.canary(1); // never forwarded: searched at every allowed poll
    stage.arm(canary);
    for (int i = 0; i < 60; i++) { // 10 minutes of 10s polls
      dd.advance(Duration.ofSeconds(10));
      stage.lookup(canary);
    }

    assertThat(dd.fake.searches()).isLessThanOrEqualTo(4); // 3 in the first period, at most 1 in the next
  }

  @Test
  void oneSearchPerPollCoversEveryCanaryInFlight() {
    Stage stage = stage();
    List<CanaryRecord> canaries = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      CanaryRecord c = dd.canary(i);
      canaries.add(c);
      stage.arm(c);
      if (i % 2 == 0) {
        dd.forwarded(c);
      }
    }
    dd.advance(Duration.ofSeconds(6));

    List<Lookup> round = canaries.stream().map(stage::lookup).toList();

    assertThat(dd.fake.searches()).isEqualTo(1);
    for (int i = 0; i < canaries.size(); i++) {
      assertThat(round.get(i).status()).as("canary %d", i)
          .isEqualTo(i % 2 == 0 ? Lookup.Status.FOUND : Lookup.Status.NOT_FOUND);
    }
  }

  @Test
  void aDuplicateInTheSinkIsCountedAcrossPages() {
    Stage stage = stage();
    CanaryRecord canary = dd.canary(1);
    stage.arm(canary);
    for (int i = 0; i < DatadogStage.PAGE_LIMIT + 1; i++) {
      dd.forwarded(canary);
    }
    dd.advance(Duration.ofSeconds(6));

    Lookup l = stage.lookup(canary);

    assertThat(l.count()).isEqualTo(DatadogStage.PAGE_LIMIT + 1);
    assertThat(dd.fake.searches()).isEqualTo(2);
  }

  @Test
  void aForgottenCanaryIsNoLongerSearchedFor() {
    Stage stage = stage();
    CanaryRecord gone = dd.canary(1);
    CanaryRecord kept = dd.canary(2);
    stage.arm(gone);
    stage.arm(kept);
    stage.forget(gone);
    dd.forwarded(gone);
    dd.advance(Duration.ofSeconds(6));

    stage.lookup(kept);

    assertThat(DatadogStage.query(List.of(kept.id()))).isEqualTo("@canary.id:(\"" + kept.id() + "\")");
    assertThat(dd.fake.searches()).isEqualTo(1);
    assertThat(stage.lookup(gone).status()).isEqualTo(Lookup.Status.NOT_FOUND); // asked again: not yet searched
  }

  @ParameterizedTest(name = "indexing delay {0}s")
  @ValueSource(ints = {3, 8, 14})
  void atEvery30sTheStageSendsAtMostTwoSearchesPerCanary(int indexingSeconds) {
    // one simulated hour: a canary every 30s, the tracker polling every 1s, deadline 60s,
    // Datadog indexing each log indexingSeconds after it arrives
    dd.fake.indexingDelay(Duration.ofSeconds(indexingSeconds));
    Stage stage = stage();
    List<CanaryRecord> inFlight = new ArrayList<>();
    int canaries = 0;
    for (int second = 0; second < 3600; second++) {
      if (second % 30 == 0) {
        CanaryRecord c = dd.canary(canaries++);
        stage.arm(c);
        dd.forwarded(c);
        inFlight.add(c);
      }
      inFlight.removeIf(c -> {
        boolean done = stage.lookup(c).status() == Lookup.Status.FOUND
            || !dd.clock.instant().isBefore(c.emittedAt().plusSeconds(60));
        if (done) {
          stage.forget(c);
        }
        return done;
      });
      dd.advance(Duration.ofSeconds(1));
    }

    System.out.printf("datadog stage at every 30s, indexing delay %ds: %d canaries, %d searches in one simulated hour%n",
        indexingSeconds, canaries, dd.fake.searches());
    assertThat(dd.fake.searches()).isLessThanOrEqualTo(2 * canaries);
  }
}
