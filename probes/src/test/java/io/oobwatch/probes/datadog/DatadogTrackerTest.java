package io.oobwatch.probes.datadog;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injector;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.CanaryTracker;
import io.oobwatch.probes.canary.StageResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A canary's journey through the agentless injector into Datadog and out of its log search, judged
 * by the canary tracker: what a page will say for the datadog stage.
 */
class DatadogTrackerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private final DatadogFixture dd = new DatadogFixture();

  @AfterEach
  void stop() {
    dd.close();
  }

  private CanaryOutcome journey() {
    return journey(second -> { });
  }

  /** One canary injected and the tracker polled every second until it is judged; {@code eachSecond} before each poll. */
  private CanaryOutcome journey(IntConsumer eachSecond) {
    Injector injector = new DatadogInjectorConfig(dd.account(DatadogFixture.API_KEY, null), "oobwatch",
        "oobwatch-canary", null, "").open(dd.ctx);
    CanaryTracker tracker = new CanaryTracker("inference", injector,
        List.of(dd.stage().open("datadog", dd.ctx)), DEADLINE, Duration.ofSeconds(30), dd.clock);
    CanaryRecord canary = dd.canary(1);
    CanaryOutcome failed = tracker.launch(canary);
    if (failed != null) {
      return failed;
    }
    List<CanaryOutcome> done = new ArrayList<>();
    for (int s = 0; s <= DEADLINE.toSeconds() && done.isEmpty(); s++) {
      dd.advance(Duration.ofSeconds(1));
      eachSecond.accept(s);
      done.addAll(tracker.poll());
    }
    return done.get(0);
  }

  @Test
  void aCanaryIndexedWithinSecondsIsOk() {
    assertThat(journey().verdict()).isEqualTo(CanaryOutcome.Verdict.OK);
  }

  @Test
  void aDatadogApiAnswering503IsUnreachableNeverLost() {
    dd.fake.unavailable(true);

    CanaryOutcome o = journey();

    assertThat(o.verdict()).isEqualTo(CanaryOutcome.Verdict.UNREACHABLE);
    assertThat(o.firstFailure().orElseThrow().reason()).startsWith("cannot query datadog (HTTP 503)");
  }

  @Test
  void acceptedButNeverIndexedIsLostWithTheNotSearchableText() {
    dd.fake.neverIndex(true);

    CanaryOutcome o = journey();

    assertThat(o.verdict()).isEqualTo(CanaryOutcome.Verdict.LOST);
    assertThat(o.firstFailure().orElseThrow().reason()).contains("an exclusion filter, an index quota or an intake backlog?");
  }

  @Test
  void a429StormThatEndsBeforeTheDeadlineIsNoLoss() {
    dd.fake.rateLimit(300, Duration.ofSeconds(20)).rateLimitStorm(true);

    CanaryOutcome o = journey(second -> {
      if (second == 10) {
        dd.fake.rateLimitStorm(false);
      }
    });

    assertThat(o.verdict()).isEqualTo(CanaryOutcome.Verdict.OK);
    assertThat(dd.fake.searches()).isEqualTo(2); // the 429, then one search after the reset
  }

  @Test
  void a429StormLongerThanTheDeadlineIsRateLimitedNeverLost() {
    dd.fake.rateLimit(300, Duration.ofHours(1)).rateLimitStorm(true);

    CanaryOutcome o = journey();

    assertThat(o.verdict()).isEqualTo(CanaryOutcome.Verdict.UNREACHABLE);
    StageResult datadog = o.firstFailure().orElseThrow();
    assertThat(datadog.status()).isEqualTo(StageResult.Status.RATE_LIMITED);
    assertThat(datadog.reason()).startsWith("datadog rate-limited the log queries (HTTP 429)");
  }
}
