package io.oobwatch.watchdog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.testkit.ConfigYaml;
import io.oobwatch.testkit.ConfigYaml.Canary;
import io.oobwatch.testkit.OpenSearchNode;
import io.oobwatch.testkit.FakeDatadog;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.testkit.KafkaBroker;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.daemon.Daemon;
import io.oobwatch.watchdog.store.OutcomeRow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incident of the Datadog dashboards, end to end: a real Kafka broker feeding two consumers, a
 * connector into a real OpenSearch node and a Datadog forwarder (its own consumer group, batches
 * to the log intake) into the loopback Datadog; the real daemon follows the canary on both
 * branches ({@code datadog} is {@code after: kafka}) and pages through the real twilio-sdk.
 */
class DatadogBranchesTest {
  static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "e2e-token-0123456789";
  static final String DD_API = "dd-api-0123456789abcdef0123456789ab";
  static final String DD_APP = "dd-app-0123456789abcdef0123456789abcdef01";
  static final AtomicInteger RUN = new AtomicInteger();

  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @RegisterExtension static final OpenSearchNode opensearch = new OpenSearchNode();

  @TempDir Path dir;
  FakeTwilio twilio;
  FakeDatadog datadog;
  Connector connector;
  Forwarder forwarder;
  Daemon daemon;
  final ByteArrayOutputStream console = new ByteArrayOutputStream();

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    if (forwarder != null) {
      forwarder.close();
    }
    if (connector != null) {
      connector.close();
    }
    if (datadog != null) {
      datadog.close();
    }
    if (twilio != null) {
      twilio.close();
    }
  }

  /**
   * A fresh topic, index, Datadog organisation and both consumers; the daemon started on
   * inference → kafka → (elasticsearch, datadog after kafka).
   */
  void start() throws Exception {
    start(Duration.ofHours(1));
  }

  /** As {@link #start()}, with Datadog's query budget renewed every {@code period}. */
  void start(Duration period) throws Exception {
    int n = RUN.incrementAndGet();
    String topic = "dd-logs-" + n;
    kafka.createTopic(topic, 3);
    connector = new Connector(kafka.bootstrap(), topic, opensearch.url(), "dd" + n + "-logs-2026.11.27");
    // a budget that never spaces a 1s poll out; Datadog makes a log searchable within a second here
    datadog = FakeDatadog.start(DD_API, DD_APP, Clock.systemUTC()).indexingDelay(Duration.ofMillis(500))
        .rateLimit(100_000, period);
    forwarder = new Forwarder(kafka.bootstrap(), topic, datadog.baseUrl(), DD_API);
    twilio = FakeTwilio.start(SID, TOKEN);
    warmUp(topic);
    daemon(Canary.quick("6s", "4s")
        .inject(ConfigYaml.kafka(kafka.bootstrap(), topic))
        .stage(ConfigYaml.kafka(kafka.bootstrap(), topic))
        .stage(ConfigYaml.elasticsearch(opensearch.url(), "dd" + n + "-logs-*", "2s"))
        .stage("datadog: { after: kafka, " + keys() + ", poll: 1s, indexing_delay: 500ms }"));
  }

  /** The datadog keys written to files, as a stage's url and key settings. */
  String keys() throws Exception {
    Files.writeString(dir.resolve("dd-api-key"), DD_API + "\n");
    Files.writeString(dir.resolve("dd-app-key"), DD_APP + "\n");
    return "url: \"" + datadog.baseUrl() + "\", api_key_file: \"" + dir.resolve("dd-api-key")
        + "\", application_key_file: \"" + dir.resolve("dd-app-key") + "\"";
  }

  /** The daemon on {@code canary}, paging alice by SMS at once. */
  void daemon(Canary canary) throws Exception {
    Path config = ConfigYaml.instance("wd-e2e")
        .canary("inference-logs", canary)
        .smsAliceAtOnce(twilio)
        .writeTo(dir);
    daemon = Daemon.start(new ConfigLoader().load(config), Clock.systemUTC(),
        new PrintStream(console, true, StandardCharsets.UTF_8), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  /**
   * One real record through both consumers before the daemon starts: joining a consumer group and
   * creating the index take seconds on a fresh topic, longer than the 6s deadline.
   */
  void warmUp(String topic) {
    Judged.produce(kafka.bootstrap(), topic, "{\"@timestamp\":\"" + Instant.now() + "\",\"service\":\"support-bot\"}");
    await().atMost(Duration.ofSeconds(60)).until(() -> connector.copied.get() >= 1 && forwarder.forwarded.get() >= 1);
  }

  long ok() {
    return Judged.ok(daemon, "inference-logs");
  }

  List<OutcomeRow> failures() {
    return Judged.failures(daemon, "inference-logs");
  }

  /** One pipeline through its steady state (both branches see every canary, nobody is paged), then a stall of one branch. */
  @Test
  void inSteadyStateNobodyIsPagedAStalledForwarderPagesOnceNamingKafkaToDatadogWhileElasticsearchSeesEveryCanaryThenResolvesOnce()
      throws Exception {
    start();
    await().atMost(Duration.ofSeconds(60)).until(() -> ok() >= 5);
    assertThat(failures()).isEmpty();
    assertThat(twilio.requests()).isZero();
    assertThat(datadog.accepted()).isGreaterThanOrEqualTo(5);

    forwarder.stall();

    await().atMost(Duration.ofSeconds(40)).until(() -> twilio.delivered().size() == 1);
    String page = twilio.delivered().get(0).body();
    assertThat(page).contains("ALERT 1 inference-logs: canary lost between kafka and datadog")
        .containsPattern("not in datadog after 6(\\.[0-9])?s|Not in datadog after 6(\\.[0-9])?s")
        .containsPattern("elasticsearch (in [0-9.]+m?s|fine)")
        .contains("(2 in a row)");
    long failedAtPage = failures().size();
    await().atMost(Duration.ofSeconds(30)).until(() -> failures().size() >= failedAtPage + 3);
    assertThat(twilio.delivered()).hasSize(1);
    // the elasticsearch branch saw every canary: it is never the hop that failed
    assertThat(failures()).allSatisfy(r -> {
      assertThat(r.verdict()).isEqualTo(CanaryOutcome.Verdict.LOST);
      assertThat(r.failedStage()).isEqualTo("datadog");
    });

    forwarder.resume();
    Judged.resolvedOnce(daemon, twilio, "inference-logs", 3);
  }

  @Test
  void datadogsApiAnswering503IsPagedAsCannotQueryDatadogNeverLost() throws Exception {
    start();
    await().atMost(Duration.ofSeconds(60)).until(() -> ok() >= 2);
    datadog.unavailable(true);

    await().atMost(Duration.ofSeconds(40)).until(() -> twilio.delivered().size() == 1);

    assertThat(twilio.delivered().get(0).body()).contains("ALERT 1 inference-logs: cannot query datadog")
        .contains("HTTP 503").doesNotContain("lost");
    assertThat(failures()).allSatisfy(r -> assertThat(r.verdict()).isEqualTo(CanaryOutcome.Verdict.UNREACHABLE));

    datadog.unavailable(false);
    await().atMost(Duration.ofSeconds(60)).until(() -> twilio.delivered().size() == 2);
    assertThat(twilio.delivered().get(1).body()).contains("RESOLVED 1");
  }

  @Test
  void a429StormLongerThanTheDeadlineIsPagedAsRateLimitedNeverLostAndQueriesWaitForTheReset() throws Exception {
    start(Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(60)).until(() -> ok() >= 2);
    datadog.rateLimitStorm(true);

    await().atMost(Duration.ofSeconds(60)).until(() -> twilio.delivered().size() == 1);

    assertThat(twilio.delivered().get(0).body()).contains("ALERT 1 inference-logs: cannot query datadog: rate-limited")
        .contains("datadog rate-limited the log queries (HTTP 429)").doesNotContain("lost");
    assertThat(failures()).allSatisfy(r -> {
      assertThat(r.verdict()).isEqualTo(CanaryOutcome.Verdict.UNREACHABLE);
      assertThat(r.failedStage()).isEqualTo("datadog");
    });
    // polling slowed: after a 429 the stage waits for the period's reset (at most 10s), not 1s
    int before = datadog.searches();
    long judged = failures().size();
    await().atMost(Duration.ofSeconds(30)).until(() -> failures().size() >= judged + 10);
    assertThat(datadog.searches() - before).isLessThanOrEqualTo(4);

    datadog.rateLimitStorm(false);
    await().atMost(Duration.ofSeconds(60)).until(() -> twilio.delivered().size() == 2);
    assertThat(twilio.delivered().get(1).body()).contains("RESOLVED 1");
  }

  @Test
  void aCanaryAcceptedByDatadogsIntakeButNeverIndexedIsPagedAsNotSearchable() throws Exception {
    datadog = FakeDatadog.start(DD_API, DD_APP, Clock.systemUTC()).indexingDelay(Duration.ofMillis(500))
        .rateLimit(100_000, Duration.ofHours(1));
    twilio = FakeTwilio.start(SID, TOKEN);
    String keys = keys();
    // the intake takes the API key alone: the application key file is for the stage's searches
    String intakeKeys = keys.substring(0, keys.indexOf(", application_key_file"));
    daemon(Canary.every("1s")
        .set("deadline", "6s")
        .set("poll", "250ms")
        .set("losses_to_fire", "2")
        .set("passes_to_resolve", "2")
        .inject("datadog: { " + intakeKeys + " }")
        .stage("datadog: { " + keys + ", poll: 1s, indexing_delay: 500ms }"));
    await().atMost(Duration.ofSeconds(60)).until(() -> ok() >= 2);
    datadog.neverIndex(true);

    await().atMost(Duration.ofSeconds(40)).until(() -> twilio.delivered().size() == 1);

    assertThat(twilio.delivered().get(0).body()).contains("ALERT 1 inference-logs: canary lost between injection and datadog")
        .containsPattern("Accepted by Datadog's intake but not searchable after 6(\\.[0-9])?s: an exclusion filter, an index"
            + " quota or an intake backlog\\? \\(2 in a row\\)");
  }
}
