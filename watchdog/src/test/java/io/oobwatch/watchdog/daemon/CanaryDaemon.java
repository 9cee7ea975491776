package io.oobwatch.watchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.testkit.ConfigYaml;
import io.oobwatch.testkit.ConfigYaml.Canary;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.watchdog.cli.CheckRun;
import io.oobwatch.watchdog.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The real daemon watching one pipeline through one entry and one stage, with a canary every second
 * (deadline 3s, SLO 2s, 2 losses fire, 2 passes resolve), paging alice through the real twilio-sdk
 * to a loopback Twilio: what a pipeline test of one kind needs around it.
 */
final class CanaryDaemon implements AutoCloseable {
  static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "canary-token-0123456789";

  final String pipeline;
  final FakeTwilio twilio;
  final Daemon daemon;
  /** The daemon's config file. */
  final Path config;

  private CanaryDaemon(String pipeline, FakeTwilio twilio, Daemon daemon, Path config) {
    this.pipeline = pipeline;
    this.twilio = twilio;
    this.daemon = daemon;
    this.config = config;
  }

  /** Writes the config into {@code dir} (where relative key files are read) and starts the daemon. */
  static CanaryDaemon start(Path dir, String pipeline, String inject, String stage) throws Exception {
    FakeTwilio twilio = FakeTwilio.start(SID, TOKEN);
    Path config = ConfigYaml.instance("wd-test")
        .canary(pipeline, Canary.every("1s")
            .set("deadline", "3s")
            .set("slo", "2s")
            .set("poll", "250ms")
            .set("losses_to_fire", "2")
            .set("passes_to_resolve", "2")
            .inject(inject)
            .stage(stage))
        .sms(twilio, "+15550001111")
        .oncall("alice", "+15550002222")
        .escalation("0s", "alice")
        .writeTo(dir);
    Daemon daemon = Daemon.start(new ConfigLoader().load(config), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return new CanaryDaemon(pipeline, twilio, daemon, config);
  }

  /** Canaries that arrived everywhere so far. */
  long ok() {
    return daemon.stores().canaries().counts(pipeline, Instant.EPOCH).ok();
  }

  /** Waits until {@code n} canaries arrived everywhere. */
  void awaitFlowing(long n) {
    await().atMost(Duration.ofSeconds(30)).until(() -> ok() >= n);
  }

  /** Waits for the {@code n}th SMS (1-based) and returns its text. */
  String awaitSms(int n) {
    await().atMost(Duration.ofSeconds(30)).until(() -> twilio.delivered().size() >= n);
    return twilio.delivered().get(n - 1).body();
  }

  /** Two more canaries pass, and no further SMS goes out meanwhile. */
  void assertQuietWhileCanariesPass() {
    int sent = twilio.delivered().size();
    long okNow = ok();
    awaitFlowing(okNow + 2);
    assertThat(twilio.delivered()).hasSize(sent);
  }

  /** {@code oobwatch check} of the daemon's config, beside the running daemon. */
  CheckRun check(String... options) {
    return CheckRun.of(config, options);
  }

  /** The daemon's {@code GET /status}. */
  JsonNode status() throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + daemon.httpAddress().getPort() + "/status");
    return new ObjectMapper().readTree(HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  @Override
  public void close() {
    daemon.close();
    twilio.close();
  }
}
