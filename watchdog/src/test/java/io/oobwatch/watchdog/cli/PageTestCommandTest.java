package io.oobwatch.watchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.daemon.Daemon;
import io.oobwatch.watchdog.loopback.LoopbackPipeline;
import io.oobwatch.watchdog.status.PagingStatus;
import io.oobwatch.watchdog.status.StatusDocument;
import io.oobwatch.watchdog.status.StatusJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code oobwatch page-test} through the real twilio-sdk against a loopback Twilio: sent by a running
 * daemon (the real one, in this process) when one answers, else from the CLI itself.
 */
class PageTestCommandTest {
  static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "pagetest-token-0123456789";
  static final String API_TOKEN = "pagetest-api-token-42";

  @TempDir Path dir;
  FakeTwilio twilio;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws Exception {
    twilio = FakeTwilio.start(SID, TOKEN);
    Files.writeString(dir.resolve("sid"), SID);
    Files.writeString(dir.resolve("token"), TOKEN);
    Files.writeString(dir.resolve("oobwatch.yaml"), String.join("\n",
        "instance: wd-pt",
        "pipelines:",
        "  - name: p",
        "    canary:",
        "      inject: { http: { url: \"http://127.0.0.1:9/\" } }",
        "      stages: [ { http: { url: \"http://127.0.0.1:9/{canary_id}\" } } ]",
        "paging:",
        "  twilio: { account_sid_file: sid, auth_token_file: token, from: \"+15550001111\", api_base: \"" + twilio.baseUrl() + "\" }",
        "  oncall: [ { name: alice, phone: \"+15550002222\" }, { name: bob, phone: \"+15550003333\" } ]",
        "  escalation: [ { after: 0s, sms: [alice] } ]",
        ""));
  }

  @AfterEach
  void stop() {
    twilio.close();
  }

  int run(String... args) {
    return run(dir.resolve("oobwatch.yaml"), args);
  }

  int run(Path config, String... args) {
    CommandLine cl = new CommandLine(Main.class);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 3];
    all[0] = "page-test";
    all[1] = "-c";
    all[2] = config.toString();
    System.arraycopy(args, 0, all, 3, args.length);
    return cl.execute(all);
  }

  @Test
  void aTestSmsAndCallGoToTheNamedPersonAndTwiliosSidsArePrinted() {
    assertThat(run("--to", "bob", "--call")).isZero();
    FakeTwilio.Message sms = twilio.delivered().get(0);
    FakeTwilio.Call call = twilio.calls().get(0);
    assertThat(sms.to()).isEqualTo("+15550003333");
    assertThat(sms.body()).startsWith("oobwatch wd-pt: test page to bob at ").endsWith("No action needed.");
    assertThat(call.twiml()).contains("<Say>This is a test call from oobwatch wd-pt. No action is needed.</Say>");
    assertThat(out.toString()).contains("SMS to bob (+15550003333) accepted by Twilio: " + sms.sid())
        .contains("call to bob (+15550003333) accepted by Twilio: " + call.sid());
    assertThat(out.toString()).containsPattern("SMS to bob: delivered in [0-9.]+m?s")
        .containsPattern("call to bob: answered in [0-9.]+m?s");
  }

  @Test
  void anUndeliveredTestSmsPrintsTwiliosCodeInWordsAndExitsNonZero() {
    twilio.endMessagesTo("+15550002222", FakeTwilio.SmsEnd.undelivered(30034));
    assertThat(run()).isEqualTo(1);
    assertThat(out.toString())
        .contains("SMS to alice: undelivered: 30034 the sender number is not registered for A2P 10DLC");
  }

  @Test
  void aTestCallAnsweredByVoicemailIsNotCountedAsAnswered() {
    twilio.endCallsTo("+15550002222", FakeTwilio.CallEnd.MACHINE);
    assertThat(run("--call")).isEqualTo(1);
    assertThat(out.toString()).contains("SMS to alice: delivered in ")
        .contains("call to alice: voicemail: answered by voicemail (machine_end_beep), not a person");
  }

  /** The same account and people, with a daemon's HTTP on {@code port} (its own public URL) and an API token. */
  Path daemonConfig(LoopbackPipeline pipeline, int port) throws Exception {
    Files.writeString(dir.resolve("api-token"), API_TOKEN);
    Path config = dir.resolve("daemon.yaml");
    Files.writeString(config, String.join("\n",
        "instance: wd-pt",
        "state_dir: state",
        "http: { listen: \"127.0.0.1:" + port + "\", public_url: \"http://127.0.0.1:" + port + "\","
            + " api_token_file: api-token }",
        "pipelines:",
        pipeline.pipelineYaml("p", "1h", "100ms", "2s"),
        "paging:",
        "  twilio: { account_sid_file: sid, auth_token_file: token, from: \"+15550001111\", api_base: \""
            + twilio.baseUrl() + "\" }",
        "  oncall: [ { name: alice, phone: \"+15550002222\" }, { name: bob, phone: \"+15550003333\" } ]",
        "  escalation: [ { after: 0s, sms: [alice] } ]",
        ""));
    return config;
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static Daemon daemon(Path config) throws Exception {
    return Daemon.start(new ConfigLoader().load(config), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), null, Map.of());
  }

  @Test
  void againstARunningDaemonTheDaemonSendsTheTestAndItsStatusShowsTheDeliveryAlsoAfterARestart() throws Exception {
    int port = freePort();
    String url = "http://127.0.0.1:" + port;
    try (LoopbackPipeline pipeline = LoopbackPipeline.start()) {
      Path config = daemonConfig(pipeline, port);
      try (Daemon d = daemon(config)) {
        assertThat(run(config, "--to", "bob", "--call")).isZero();

        FakeTwilio.Message sms = twilio.delivered().get(0);
        assertThat(out.toString()).contains("sent by the oobwatch daemon at " + url)
            .doesNotContain("DIRECT")
            .contains("SMS to bob (+15550003333) accepted by twilio")
            .contains(": " + sms.sid() + "; waiting for its final status")
            .containsPattern("SMS to bob: delivered in [0-9.]+m?s")
            .containsPattern("call to bob: answered in [0-9.]+m?s");
        // Twilio's status callbacks reached the daemon at its public URL and were taken
        assertThat(twilio.callbacks()).isNotEmpty()
            .allSatisfy(c -> assertThat(c.url()).isEqualTo(url + "/twilio/status"))
            .allSatisfy(c -> assertThat(c.answer()).isEqualTo(200));
        await().atMost(Duration.ofSeconds(5)).until(() -> status(url).paging().lastTestCall() != null
            && "answered".equals(status(url).paging().lastTestCall().delivery()));
        PagingStatus.TestPage last = status(url).paging().lastTestSms();
        assertThat(last.to()).isEqualTo("bob");
        assertThat(last.phone()).isEqualTo("+1555…33");
        assertThat(last.sid()).isEqualTo(sms.sid());
        assertThat(last.delivery()).isEqualTo("delivered");
      }
      try (Daemon d = daemon(config)) {
        PagingStatus.TestPage kept = await().atMost(Duration.ofSeconds(5)).until(
            () -> status(url).paging().lastTestSms(), t -> t != null);
        assertThat(kept.delivery()).isEqualTo("delivered");
        StringWriter shown = new StringWriter();
        CommandLine cl = new CommandLine(Main.class);
        cl.setOut(new PrintWriter(shown, true));
        cl.execute("status", "--url", url);
        assertThat(shown.toString()).containsPattern(
            "last test SMS to bob \\(\\+1555…33\\) at [0-9T:.-]+Z: delivered in [0-9.]+m?s");
      }
    }
  }

  @Test
  void whenNoDaemonAnswersTheTestIsSentFromTheCliAndSaysSo() throws Exception {
    try (LoopbackPipeline pipeline = LoopbackPipeline.start()) {
      Path config = daemonConfig(pipeline, freePort());

      assertThat(run(config)).isZero();

      assertThat(out.toString()).startsWith("DIRECT: no oobwatch daemon answers at http://127.0.0.1:")
          .contains("sending from this process (no daemon records this test)")
          .contains("SMS to alice (+15550002222) accepted by Twilio: " + twilio.delivered().get(0).sid())
          .containsPattern("SMS to alice: delivered in [0-9.]+m?s");
    }
  }

  @Test
  void aDaemonThatRefusesTheTokenIsNotBypassed() throws Exception {
    int port = freePort();
    try (LoopbackPipeline pipeline = LoopbackPipeline.start()) {
      Path config = daemonConfig(pipeline, port);
      try (Daemon d = daemon(config)) {
        Files.writeString(dir.resolve("api-token"), "an-old-token-0000");

        assertThat(run(config)).isEqualTo(1);

        assertThat(err.toString()).contains("the daemon at http://127.0.0.1:" + port
            + " refused the test page (HTTP 403): wrong API token");
        assertThat(twilio.requests()).isZero();
      }
    }
  }

  static StatusDocument status(String url) throws Exception {
    return StatusJson.read(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/status")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  @Test
  void twiliosRefusalIsPrintedWithItsCodeAndTheExitIsNonZero() {
    twilio.rejectNumber("+15550002222", 21610);
    assertThat(run()).isEqualTo(1);
    assertThat(err.toString()).contains("SMS to alice (+15550002222) NOT sent", "unsubscribed", "[twilio error 21610]");
    assertThat(run("--to", "carol")).isEqualTo(2);
    assertThat(err.toString()).contains("\"carol\" is not in paging.oncall (known: alice, bob)");
  }
}
