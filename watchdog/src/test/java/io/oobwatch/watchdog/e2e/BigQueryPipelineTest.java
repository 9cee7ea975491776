package io.oobwatch.watchdog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.testkit.ConfigYaml;
import io.oobwatch.testkit.ConfigYaml.Canary;
import io.oobwatch.testkit.FakeBigQuery;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.testkit.KafkaBroker;
import io.oobwatch.watchdog.cli.CheckRun;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.daemon.Daemon;
import io.oobwatch.watchdog.store.OutcomeRow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, Kafka → a loader → BigQuery: canaries produced to a real Kafka broker, streamed into
 * FakeBigQuery's table by the pipeline's loader (its own consumer group), looked for by the kafka
 * stage and by the bigquery stage (a service account key exchanged at the fake's token endpoint),
 * paging through the real twilio-sdk to a loopback Twilio.
 */
class BigQueryPipelineTest {
  static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "e2e-token-0123456789";
  static final String EMAIL = "oobwatch@oobwatch-e2e.iam.gserviceaccount.com";
  static final KeyPair KEYS = FakeBigQuery.rsaKeyPair();
  static final AtomicInteger RUN = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @TempDir Path dir;
  FakeTwilio twilio;
  FakeBigQuery bigquery;
  Loader loader;
  Daemon daemon;
  /** Just before the daemon started: the stage cannot have queried before. */
  Instant started;
  Path config;

  @BeforeEach
  void start() throws Exception {
    String topic = "bq-logs-" + RUN.incrementAndGet();
    kafka.createTopic(topic, 3);
    bigquery = FakeBigQuery.start("oobwatch-e2e", "logs.inference", "EU", EMAIL, KEYS.getPublic());
    Path key = bigquery.writeKeyFile(dir.resolve("bigquery-key.json"), KEYS);
    loader = new Loader(kafka.bootstrap(), topic, bigquery);
    twilio = FakeTwilio.start(SID, TOKEN);
    warmUp(topic);
    config = ConfigYaml.instance("wd-e2e")
        .canary("inference-logs", Canary.quick("6s", "4s")
            .inject(ConfigYaml.kafka(kafka.bootstrap(), topic))
            .stage(ConfigYaml.kafka(kafka.bootstrap(), topic))
            .stage("bigquery: { url: \"" + bigquery.url() + "\", table: logs.inference, location: EU,"
                + " credentials_file: \"" + key + "\", poll: 1s, timeout: 3s }"))
        .smsAliceAtOnce(twilio)
        .writeTo(dir);
    started = Instant.now();
    daemon = Daemon.start(new ConfigLoader().load(config), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable started : new AutoCloseable[] {daemon, loader, bigquery, twilio}) {
      if (started != null) {
        started.close();
      }
    }
  }

  /** One real record through the loader before the daemon starts: joining a consumer group takes seconds. */
  void warmUp(String topic) {
    Judged.produce(kafka.bootstrap(), topic, "{\"timestamp\":\"" + Instant.now() + "\",\"service\":\"support-bot\"}");
    await().atMost(Duration.ofSeconds(60)).until(() -> loader.loaded.get() >= 1);
  }

  long ok() {
    return Judged.ok(daemon, "inference-logs");
  }

  List<OutcomeRow> failures() {
    return Judged.failures(daemon, "inference-logs");
  }

  JsonNode status() throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + daemon.httpAddress().getPort() + "/status");
    return JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  /**
   * One pipeline through its steady state (canaries found in BigQuery, nobody paged, what each query
   * billed in /status), then rows held back, and the recovery.
   */
  @Test
  void inSteadyStateCanariesAreFoundInBigQueryNobodyIsPagedAndStatusShowsWhatEachQueryBilledRowsHeldBackPageOnceNamingKafkaToBigQueryAndRecoveryResolvesOnce()
      throws Exception {
    await().atMost(Duration.ofSeconds(60)).until(() -> ok() >= 5);
    assertThat(failures()).isEmpty();
    assertThat(twilio.requests()).isZero();
    JsonNode stage = status().at("/pipelines/0/canary/last/stages/1");
    assertThat(stage.path("stage").asText()).isEqualTo("bigquery");
    assertThat(stage.path("bytes").path("billed").asLong()).isEqualTo(10L << 20);
    assertThat(stage.path("bytes").path("processed").asLong()).isPositive();
    assertThat(status().at("/pipelines/0/canary/last/stages/0").has("bytes")).isFalse();
    // one token for every query: it is cached until shortly before it expires
    assertThat(bigquery.tokensIssued()).isEqualTo(1);
    // at most one query per poll (1s here) however many canaries are in flight, and at least one per canary found
    int queries = bigquery.queries();
    long polls = Duration.between(started, Instant.now()).toSeconds() + 1;
    assertThat(queries).isBetween(5, (int) polls);
    // oobwatch check beside the daemon: its own round trip, the bigquery row with what its query billed
    CheckRun checked = CheckRun.of(config);
    assertThat(checked.exit()).as(checked.out()).isZero();
    assertThat(checked.out()).startsWith("OOBWATCH OK").containsPattern("inference-logs\\s+kafka\\s+SEEN")
        .containsPattern("bigquery\\s+SEEN.*billed 10\\.0 MiB \\(0\\.0 MiB read\\)");

    bigquery.holdBack(true);

    await().atMost(Duration.ofSeconds(40)).until(() -> twilio.delivered().size() == 1);
    assertThat(twilio.delivered().get(0).body()).contains("ALERT 1 inference-logs: canary lost between kafka and bigquery")
        .containsPattern("not in bigquery after 6(\\.[0-9])?s|Not in bigquery after 6(\\.[0-9])?s")
        .contains("(2 in a row)");
    assertThat(failures()).allSatisfy(r -> {
      assertThat(r.verdict()).isEqualTo(CanaryOutcome.Verdict.LOST);
      assertThat(r.failedStage()).isEqualTo("bigquery");
    });

    bigquery.holdBack(false);
    Judged.resolvedOnce(daemon, twilio, "inference-logs", 2);
  }

  @Test
  void bigQueryAnswering503IsCannotQueryBigQueryNeverLostThenResolves() {
    await().atMost(Duration.ofSeconds(60)).until(() -> ok() >= 2);
    bigquery.failWith(503, "backendError", "Backend error. Please try again.");

    await().atMost(Duration.ofSeconds(40)).until(() -> twilio.delivered().size() == 1);
    assertThat(twilio.delivered().get(0).body()).contains("ALERT 1 inference-logs: cannot query bigquery")
        .contains("HTTP 503").doesNotContain("lost");
    assertThat(failures()).allSatisfy(r -> assertThat(r.verdict()).isEqualTo(CanaryOutcome.Verdict.UNREACHABLE));

    bigquery.failWith(0, null, null);
    await().atMost(Duration.ofSeconds(60)).until(() -> twilio.delivered().size() == 2);
    assertThat(twilio.delivered().get(1).body()).contains("RESOLVED 1");
  }

  @Test
  void aRejectedServiceAccountPagesWithItsOwnReasonAndNoKey() throws Exception {
    await().atMost(Duration.ofSeconds(60)).until(() -> ok() >= 2);
    bigquery.failWith(403, "accessDenied", "Access Denied: Project oobwatch-e2e: User does not have"
        + " bigquery.jobs.create permission in project oobwatch-e2e.");

    await().atMost(Duration.ofSeconds(40)).until(() -> twilio.delivered().size() == 1);

    String page = twilio.delivered().get(0).body();
    assertThat(page).contains("cannot query bigquery").contains("rejected service account").doesNotContain("lost");
    String key = Files.readString(dir.resolve("bigquery-key.json"));
    String privateKey = JSON.readTree(key).path("private_key").asText();
    assertThat(page).doesNotContain(privateKey.substring(40, 80));
  }
}
