package io.oobwatch.watchdog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.ConfigYaml;
import io.oobwatch.testkit.ConfigYaml.Canary;
import io.oobwatch.testkit.DaemonProcess;
import io.oobwatch.testkit.OpenSearchNode;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.testkit.KafkaBroker;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.cli.Main;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.daemon.Daemon;
import io.oobwatch.watchdog.statuspage.Browser;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.OutboxEntry;
import io.oobwatch.watchdog.store.Stores;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The incident oobwatch exists for, end to end, with real components: a real Kafka broker, a real
 * OpenSearch node, a connector (consumer group → index) between them, the real daemon, and the
 * real twilio-sdk talking to a loopback Twilio that checks path, Basic auth and form parameters.
 */
class DarkDashboardTest {
  static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "e2e-token-0123456789";
  static final AtomicInteger RUN = new AtomicInteger();

  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @RegisterExtension static final OpenSearchNode opensearch = new OpenSearchNode();

  @TempDir Path dir;
  FakeTwilio twilio;
  Connector connector;
  Daemon daemon;
  String topic;
  final ByteArrayOutputStream console = new ByteArrayOutputStream();

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    if (connector != null) {
      connector.close();
    }
    if (twilio != null) {
      twilio.close();
    }
  }

  /** A fresh topic, index and connector per test, so tests cannot see each other's canaries. */
  Path pipeline() {
    return pipelineConfig().writeTo(dir);
  }

  ConfigYaml pipelineConfig() {
    return pipelineConfig("15m");
  }

  /** As {@link #pipelineConfig()}, with bob paged {@code bobAfter} after alice if nobody acknowledges. */
  ConfigYaml pipelineConfig(String bobAfter) {
    int n = RUN.incrementAndGet();
    topic = "inference-logs-" + n;
    kafka.createTopic(topic, 3);
    connector = new Connector(kafka.bootstrap(), topic, opensearch.url(), "t" + n + "-logs-2026.11.27");
    twilio = FakeTwilio.start(SID, TOKEN);
    return ConfigYaml.instance("wd-e2e")
        .canary("inference-logs", Canary.every("1s")
            .set("deadline", "6s")
            .set("slo", "4s")
            .set("poll", "250ms")
            .set("losses_to_fire", "2")
            .set("passes_to_resolve", "2")
            .set("record", "{ service: support-bot }")
            .inject(ConfigYaml.kafka(kafka.bootstrap(), topic))
            .stage(ConfigYaml.kafka(kafka.bootstrap(), topic))
            .stage(ConfigYaml.elasticsearch(opensearch.url(), "t" + n + "-logs-*", "2s")))
        .sms(twilio, "+15550001111")
        .oncall("alice", "+15550002222")
        .oncall("bob", "+15550003333")
        .escalation("0s", "alice")
        .escalation(bobAfter, "bob");
  }

  Daemon start(Path config) throws Exception {
    Config c = new ConfigLoader().load(config);
    daemon = Daemon.start(c, Clock.systemUTC(), new PrintStream(console, true, StandardCharsets.UTF_8),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return daemon;
  }

  long ok() {
    return daemon.stores().canaries().counts("inference-logs", Instant.EPOCH).ok();
  }

  long failed() {
    var c = daemon.stores().canaries().counts("inference-logs", Instant.EPOCH);
    return c.lost() + c.unreachable();
  }

  /** {@code oobwatch check} as cron would run it, with its output. */
  record Checked(int exit, String out) {}

  Checked check(Path config) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CommandLine cmd = new CommandLine(Main.class);
    cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cmd.setErr(new PrintWriter(out, true, StandardCharsets.UTF_8));
    int exit = cmd.execute("check", "-c", config.toString());
    return new Checked(exit, out.toString(StandardCharsets.UTF_8));
  }

  Path freshnessConfig(String... checks) throws Exception {
    Path config = dir.resolve("check.yaml");
    StringBuilder y = new StringBuilder("instance: wd-e2e\nstate_dir: state\npipelines:\n  - name: inference-logs\n    freshness:\n");
    for (String c : checks) {
      String[] nameIndex = c.split("=");
      y.append("      - name: ").append(nameIndex[0]).append('\n')
          .append("        elasticsearch: { url: \"").append(opensearch.url()).append("\", index: \"").append(nameIndex[1])
          .append("\", timeout: 5s }\n")
          .append("        max_age: 5m\n");
    }
    Files.writeString(config, y.toString());
    return config;
  }

  @Test
  void checkFromCronSaysWhetherDashboardsAreFreshFromTheNewestRealRecordWithoutADaemonOrState() throws Exception {
    int n = RUN.incrementAndGet();
    String index = "fresh" + n + "-logs-2026.11.27";
    Instant now = Instant.now();
    opensearch.index(index, "{\"@timestamp\":\"" + now.minus(Duration.ofMinutes(10)) + "\",\"model\":\"m-1\"}");
    // a canary is newer, and must not count as a real record
    opensearch.index(index, "{\"@timestamp\":\"" + now + "\",\"synthetic\":true,\"canary\":{\"id\":\"c-" + n + "\"}}");
    opensearch.refresh(index);
    Path config = freshnessConfig("dashboards=fresh" + n + "-logs-*");

    Checked stale = check(config);

    assertThat(stale.exit()).isEqualTo(2);
    assertThat(stale.out()).startsWith("OOBWATCH CRITICAL - inference-logs: no new inference logs in elasticsearch index fresh"
        + n + "-logs-* for 10m");
    assertThat(stale.out()).containsPattern("inference-logs +freshness:dashboards +STALE +10m(\\d+s)?  no new inference logs");

    opensearch.index(index, "{\"@timestamp\":\"" + Instant.now() + "\",\"model\":\"m-1\"}");
    opensearch.refresh(index);
    Checked fresh = check(config);

    assertThat(fresh.exit()).isZero();
    assertThat(fresh.out()).startsWith("OOBWATCH OK - 1 pipeline(s) OK");
    assertThat(fresh.out()).containsPattern("inference-logs +freshness:dashboards +FRESH .*newest \\d\\d:\\d\\d:\\d\\dZ");

    Checked empty = check(freshnessConfig("dashboards=fresh" + n + "-logs-*", "archive=nothing" + n + "-*"));

    assertThat(empty.exit()).isEqualTo(2);
    assertThat(empty.out()).startsWith("OOBWATCH CRITICAL - inference-logs: no inference logs in elasticsearch index nothing"
        + n + "-*");
    assertThat(empty.out()).containsPattern("inference-logs +freshness:archive +EMPTY +- +no inference logs in elasticsearch"
        + " index nothing" + n + "-\\*\\. no index matches");
  }

  @Test
  void checkReadsTheTopicsRateAndTheConnectorsLagAndIsCriticalOnceTheConnectorsGroupHasNoMembers() throws Exception {
    pipeline();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 20; i++) {
        producer.send(new ProducerRecord<>(topic, "{\"@timestamp\":\"" + Instant.now() + "\",\"n\":" + i + "}"));
      }
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> connector.copied.get() == 20);
    Path config = dir.resolve("check.yaml");
    Files.writeString(config, String.join("\n",
        "instance: wd-e2e",
        "state_dir: state",
        "pipelines:",
        "  - name: inference-logs",
        "    volume:",
        "      - kafka: { bootstrap: \"" + kafka.bootstrap() + "\", topic: " + topic + " }",
        "    consumer_lag:",
        "      - name: connector",
        "        kafka: { bootstrap: \"" + kafka.bootstrap() + "\", group: connector-" + topic + " }",
        "        max_lag: 1000",
        ""));

    Checked healthy = await().atMost(Duration.ofSeconds(60)).until(() -> check(config), c -> c.exit() == 0);

    assertThat(healthy.out()).startsWith("OOBWATCH OK - 1 pipeline(s) OK");
    assertThat(healthy.out()).containsPattern("inference-logs +volume:kafka +READ +- +0/min now");
    assertThat(healthy.out()).containsPattern("inference-logs +consumer_lag:connector +READ +- +lag 0 \\(Stable\\)");

    connector.close();
    connector = null;
    Checked empty = check(config);

    assertThat(empty.exit()).isEqualTo(2);
    assertThat(empty.out()).startsWith("OOBWATCH CRITICAL - inference-logs: consumer group connector-" + topic
        + " has no members (Empty), lag 0");
    assertThat(empty.out()).containsPattern("consumer_lag:connector +EMPTY .*dashboards dark");
  }

  /**
   * One pipeline through its steady state (canaries flow, nobody is paged), a stall that pages once
   * though Twilio first answers 500 (exactly one SMS, sent at the second attempt), and the recovery.
   */
  @Test
  void inSteadyStateNobodyIsPagedAStalledConnectorPagesOnceNamingElasticsearchThroughATwilio500ThenOnceMoreWhenItRecovers()
      throws Exception {
    start(pipeline());
    await().atMost(Duration.ofSeconds(60)).until(() -> ok() >= 5);
    assertThat(failed()).isZero();
    assertThat(twilio.delivered()).isEmpty();
    assertThat(twilio.requests()).isZero();
    assertThat(daemon.stores().alerts().openAlert("inference-logs", "canary")).isEmpty();

    twilio.failNext(500, 20500);
    connector.stall();
    await().atMost(Duration.ofSeconds(60)).until(() -> twilio.delivered().size() == 1);
    assertThat(twilio.requests()).isEqualTo(2);
    FakeTwilio.Message page = twilio.delivered().get(0);
    assertThat(page.to()).isEqualTo("+15550002222");
    assertThat(page.from()).isEqualTo("+15550001111");
    assertThat(page.body()).contains("ALERT 1 inference-logs: canary lost between kafka and elasticsearch")
        .containsPattern("Reached kafka in [0-9.]+m?s; not in elasticsearch after 6(\\.[0-9])?s \\(2 in a row\\)")
        .contains("Reply ACK 1.");
    // Twilio answered before the daemon recorded the answer: the SID is committed just after
    await().atMost(Duration.ofSeconds(10))
        .until(() -> daemon.stores().outbox().pages(10).stream().allMatch(p -> p.state() != OutboxEntry.State.PENDING));
    List<OutboxEntry> pages = daemon.stores().outbox().pages(10);
    assertThat(pages).singleElement().satisfies(p -> {
      assertThat(p.state()).isEqualTo(OutboxEntry.State.SENT);
      assertThat(p.attempts()).isEqualTo(2);
      assertThat(p.sid()).isEqualTo(twilio.delivered().get(0).sid());
    });

    long failedAtPage = failed();
    await().atMost(Duration.ofSeconds(30)).until(() -> failed() >= failedAtPage + 3);
    assertThat(twilio.delivered()).hasSize(1);

    connector.resume();
    await().atMost(Duration.ofSeconds(60)).until(() -> twilio.delivered().size() == 2);
    assertThat(twilio.delivered().get(1).body()).contains("RESOLVED 1 inference-logs: canaries flow again");
    long okAtResolve = ok();
    await().atMost(Duration.ofSeconds(30)).until(() -> ok() >= okAtResolve + 3);
    assertThat(twilio.delivered()).hasSize(2);
    assertThat(daemon.stores().alerts().alerts(Instant.EPOCH)).singleElement().extracting(Alert::state).isEqualTo(Alert.State.RESOLVED);
  }

  @Test
  void openSearchStoppedIsPagedAsUnreachableNotAsLost() throws Exception {
    start(pipeline());
    await().atMost(Duration.ofSeconds(60)).until(() -> ok() >= 2);
    opensearch.stop();
    try {
      await().atMost(Duration.ofSeconds(40)).until(() -> twilio.delivered().size() == 1);
      String body = twilio.delivered().get(0).body();
      assertThat(body).contains("cannot query elasticsearch").contains("Reply ACK 1.").doesNotContain("lost");
    } finally {
      opensearch.restart();
    }
    await().atMost(Duration.ofSeconds(90)).until(() -> twilio.delivered().size() == 2);
    assertThat(twilio.delivered().get(1).body()).contains("RESOLVED 1");
  }

  /**
   * The daemon as a real process, killed with SIGKILL: nothing it acknowledged may be lost. The
   * quick compiler only and one GC thread: it starts twice in a case, beside Kafka and OpenSearch.
   */
  Process spawn(Path config) throws Exception {
    return DaemonProcess.start(config, dir.resolve("daemon-" + RUN.get() + "-" + System.nanoTime() + ".log"), "-Xmx256m",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  }

  @Test
  void aDaemonKilledWhileAnAlertFiresDoesNotPageAgainAfterRestartAndSequenceNumbersContinue() throws Exception {
    Path config = pipelineConfig().httpOnFreePort().writeTo(dir);
    Process first = spawn(config);
    try (Stores store = Stores.open(dir.resolve("state"))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> store.canaries().counts("inference-logs", Instant.EPOCH).ok() >= 2);
      connector.stall();
      await().atMost(Duration.ofSeconds(40)).until(() -> twilio.delivered().size() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> store.outbox().pages(10).stream().allMatch(p -> p.state() == OutboxEntry.State.SENT));
      long seqBefore = store.canaries().lastSeq("inference-logs");
      first.destroyForcibly().waitFor();

      Process second = spawn(config);
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> store.canaries().lastSeq("inference-logs") >= seqBefore + 5);
        long failedAfter = failures(store);
        await().atMost(Duration.ofSeconds(30)).until(() -> failures(store) >= failedAfter + 3);
        assertThat(twilio.delivered()).hasSize(1);
        assertThat(store.alerts().openAlert("inference-logs", "canary")).isPresent();
        assertThat(store.canaries().recentOutcomes("inference-logs", 1000)).extracting(r -> r.seq()).doesNotHaveDuplicates();

        connector.resume();
        await().atMost(Duration.ofSeconds(60)).until(() -> twilio.delivered().size() == 2);
        assertThat(twilio.delivered().get(1).body()).contains("RESOLVED 1");
      } finally {
        second.destroyForcibly().waitFor();
      }
    } finally {
      first.destroyForcibly().waitFor();
    }
  }

  static long failures(Stores store) {
    var c = store.canaries().counts("inference-logs", Instant.EPOCH);
    return c.lost() + c.unreachable();
  }

  @Test
  void theStatusPageShowsTheStalledConnectorAsARedHopWithTheAlertAndAnAckWithTheTokenStopsTheEscalation()
      throws Exception {
    String apiToken = "e2e-api-token-0123456789";
    start(pipelineConfig("20s").apiToken("api-token", apiToken).writeTo(dir));
    await().atMost(Duration.ofSeconds(60)).until(() -> ok() >= 3);
    // a slow first minute on a loaded machine may have raised (and resolved) an alert: start from none open
    await().atMost(Duration.ofSeconds(60)).until(() -> daemon.stores().alerts().openAlert("inference-logs", "canary").isEmpty());
    try (Browser browser = Browser.start(Browser.DESKTOP)) {
      browser.open("http://127.0.0.1:" + daemon.httpAddress().getPort() + "/");
      await().atMost(Duration.ofSeconds(12)).until(() -> browser.all("li.stage.st-SEEN").size() == 3);
      assertThat(browser.all("li.hop.broken")).isEmpty();
      assertThat(browser.text("#summary")).contains("All watched pipelines OK");
      browser.screenshot("e2e-kafka-opensearch-steady");

      connector.stall();
      Alert alert = await().atMost(Duration.ofSeconds(40))
          .until(() -> daemon.stores().alerts().openAlert("inference-logs", "canary"), java.util.Optional::isPresent)
          .orElseThrow();
      // within one refresh (5 s) of the alert, without reloading the page
      await().atMost(Duration.ofSeconds(12)).until(() ->
          browser.all("li.hop.broken[data-hop='kafka→elasticsearch']").size() == 1
              && browser.text("#alert-" + alert.id() + " td.alert-state").contains("firing"));
      assertThat(browser.find("li.stage[data-stage=kafka]").getAttribute("class")).contains("st-SEEN");
      assertThat(browser.find("li.stage[data-stage=elasticsearch]").getAttribute("class")).contains("st-LOST");
      assertThat(browser.find("button.ack").isEnabled()).isFalse();
      browser.screenshot("e2e-kafka-opensearch-stalled");

      browser.find("#token").sendKeys(apiToken);
      browser.find("#use-token").click();
      await().atMost(Duration.ofSeconds(12)).until(() -> browser.find("button.ack").isEnabled());
      browser.find("button.ack").click();
      await().atMost(Duration.ofSeconds(12)).until(() ->
          browser.text("#alert-" + alert.id() + " td.alert-state").contains("acknowledged"));
      browser.screenshot("e2e-kafka-opensearch-acknowledged");
      int atAck = twilio.delivered().size();
      assertThat(twilio.delivered().get(atAck - 1).body()).contains("ALERT " + alert.id());

      // bob was due 20 s after alice: well past that, nothing more was sent, and never to bob
      await().atMost(Duration.ofSeconds(40)).until(() ->
          Duration.between(alert.openedAt(), Instant.now()).compareTo(Duration.ofSeconds(25)) > 0);
      assertThat(twilio.delivered()).hasSize(atAck).extracting(FakeTwilio.Message::to).doesNotContain("+15550003333");
    }
  }
}
