package io.oobwatch.watchdog.daemon;

import static io.oobwatch.watchdog.daemon.PagingRig.ALICE;
import static io.oobwatch.watchdog.daemon.PagingRig.BOB;
import static io.oobwatch.watchdog.status.StatusTrees.asJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.watchdog.page.FailoverPager;
import io.oobwatch.watchdog.store.OutboxEntry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import io.oobwatch.watchdog.schedule.HeartbeatWatch;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Twilio misbehaving, on a simulated clock: what is retried, what is rerouted, when the fallback is used. */
class PagingFaultDrillTest {
  static final String POLICY = String.join("\n",
      "  oncall:",
      "    - { name: alice, phone: \"+15550002222\" }",
      "    - { name: bob,   phone: \"+15550003333\" }",
      "  escalation:",
      "    - { after: 0s,  sms: [alice] }",
      "    - { after: 15m, sms: [bob] }");
  static final String FALLBACK_TWILIO = String.join("\n",
      "  fallback:",
      "    after: 2m",
      "    twilio: { account_sid: \"${FB_SID}\", auth_token: \"${FB_TOKEN}\", from: \"+15550009999\", api_base: \"FALLBACK_BASE\" }");

  @TempDir Path dir;
  PagingRig rig;
  HttpServer hook;

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
    if (hook != null) {
      hook.stop(0);
    }
  }

  OutboxEntry page() {
    return rig.store.outbox().pages(10).get(0);
  }

  @Test
  void twilioAnswering500ThreeTimesThenAcceptingDeliversExactlyOneSmsWithBackoffBetweenTries() throws Exception {
    rig = new PagingRig(dir, POLICY);
    for (int i = 0; i < 3; i++) {
      rig.twilio.failNext(500, 20500);
    }
    rig.raise("inference-logs");
    rig.tick();
    assertThat(page().attempts()).isEqualTo(1);
    assertThat(page().lastError()).contains("HTTP 500");
    rig.advance(Duration.ofSeconds(1));
    rig.advance(Duration.ofSeconds(2));
    assertThat(rig.twilio.requests()).isEqualTo(3);
    rig.advance(Duration.ofSeconds(3));
    assertThat(rig.twilio.requests()).isEqualTo(3); // the 4th try waits 4 s
    rig.advance(Duration.ofSeconds(1));
    assertThat(rig.twilio.delivered()).singleElement().extracting(FakeTwilio.Message::to).isEqualTo(ALICE);
    assertThat(page().state()).isEqualTo(OutboxEntry.State.SENT);
    assertThat(page().attempts()).isEqualTo(4);
    rig.advance(Duration.ofMinutes(1));
    assertThat(rig.twilio.requests()).isEqualTo(4);
  }

  @Test
  void aRateLimited429IsRetriedOnlyAfterTheBackoff() throws Exception {
    rig = new PagingRig(dir, POLICY);
    rig.twilio.failNext(429, 20429);
    rig.twilio.failNext(429, 20429);
    rig.raise("inference-logs");
    rig.tick();
    assertThat(page().lastError()).contains("rate limiting (HTTP 429");
    rig.advance(Duration.ofMillis(999));
    assertThat(rig.twilio.requests()).isEqualTo(1);
    rig.advance(Duration.ofMillis(1));
    assertThat(rig.twilio.requests()).isEqualTo(2);
    rig.advance(Duration.ofMillis(1999));
    assertThat(rig.twilio.requests()).isEqualTo(2);
    rig.advance(Duration.ofMillis(1));
    assertThat(rig.twilio.delivered()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {21211, 21610, 21614})
  void aNumberTwilioRefusesIsNotRetriedTheNextPersonIsPagedAndTheFailureIsReported(int code) throws Exception {
    rig = new PagingRig(dir, POLICY);
    rig.twilio.rejectNumber(ALICE, code);
    rig.raise("inference-logs");
    rig.tick();
    rig.tick();
    assertThat(rig.smsTo(BOB)).singleElement().asString()
        .startsWith("(alice could not be reached: code " + code + ") ALERT 1 inference-logs");
    assertThat(rig.store.outbox().failedPages(Instant.EPOCH)).singleElement().satisfies(p -> {
      assertThat(p.recipient()).isEqualTo("alice");
      assertThat(p.lastError()).contains("(" + code + ")");
    });
    int requests = rig.twilio.requests();
    rig.advance(Duration.ofMinutes(10));
    assertThat(rig.twilio.requests()).isEqualTo(requests); // alice is not retried blindly
  }

  static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void twilioUnreachableForTheBoundSendsThroughTheFallbackAccountAndSaysThePrimaryFailed() throws Exception {
    rig = new PagingRig(dir, POLICY + "\n" + FALLBACK_TWILIO, "http://127.0.0.1:" + closedPort());
    Instant t0 = rig.clock.instant();
    rig.raise("inference-logs");
    rig.tick();
    assertThat(rig.fallbackTwilio.delivered()).isEmpty();
    assertThat(page().lastError()).contains("refused the connection", "fallback in 2m if this persists");
    while (rig.fallbackTwilio.delivered().isEmpty() && rig.clock.instant().isBefore(t0.plus(Duration.ofMinutes(10)))) {
      rig.advance(Duration.ofSeconds(5));
    }
    assertThat(Duration.between(t0, rig.clock.instant())).isLessThanOrEqualTo(Duration.ofMinutes(2));
    assertThat(rig.fallbackTwilio.delivered()).singleElement().satisfies(m -> {
      assertThat(m.to()).isEqualTo(ALICE);
      assertThat(m.from()).isEqualTo("+15550009999");
      assertThat(m.body()).startsWith("[oobwatch paging via fallback: primary channel failed: ")
          .contains("refused the connection").contains("ALERT 1 inference-logs");
    });
    assertThat(((FailoverPager) rig.pager).problem()).contains("fallback in use");
    assertThat(page().sid()).startsWith("fallback:SM");
  }

  @Test
  void rejectedCredentialsGoToTheFallbackAtOnce() throws Exception {
    rig = new PagingRig(dir, POLICY + "\n" + FALLBACK_TWILIO);
    rig.twilio.failNext(401, 20003);
    rig.raise("inference-logs");
    rig.tick();
    assertThat(rig.fallbackTwilio.delivered()).singleElement().extracting(FakeTwilio.Message::body).asString()
        .contains("credentials rejected (20003)", "ALERT 1");
    assertThat(rig.twilio.delivered()).isEmpty();
    assertThat(((FailoverPager) rig.pager).problem()).startsWith("credentials rejected (20003)");
    assertThat(paging()).extractingByKey("primary_channel_problem").asString()
        .startsWith("credentials rejected (20003)").contains("fallback in use");
  }

  /** The {@code paging} part of {@code /status} as the daemon builds it, as JSON names it. */
  Map<String, Object> paging() {
    HeartbeatWatch heartbeats = new HeartbeatWatch(rig.config.instance(), List.of(), Map.of(), rig.store.heartbeats(), rig.alerts,
        rig.clock);
    DaemonMetrics metrics = new DaemonMetrics(rig.config, rig.clock, rig.store.alerts(), rig.store.outbox(), List.of(),
        heartbeats, io.oobwatch.watchdog.schedule.Scheduler.Lateness::none, null, List.of());
    DaemonStatus status = new DaemonStatus(rig.config, rig.clock, new DaemonStatus.Loops(List.of(), List.of(), heartbeats,
        new io.oobwatch.watchdog.self.SelfWatch(rig.config.instance(), rig.config.self(), rig.alerts, rig.clock), () -> null, null, List.of()),
        new PagingView(rig.clock, rig.store.alerts(), rig.store.outbox(), rig.store.testPages(), rig.alerts, rig.dispatcher),
        new CanaryDays(rig.clock, rig.store.canaries()), metrics,
        new HistoryView(rig.clock, rig.store.canaries(), rig.store.observations(), List.of()));
    return asJson(status.status().paging());
  }

  @Test
  void statusListsThePageThatFailedForGoodTheEscalationAndTheSilences() throws Exception {
    rig = new PagingRig(dir, POLICY);
    rig.twilio.rejectNumber(ALICE, 21211);
    rig.raise("inference-logs");
    rig.tick();
    rig.alerts.silence("other-pipeline", Duration.ofHours(2), "planned maintenance", "api");
    Map<String, Object> paging = paging();
    assertThat(paging.get("failed_last_24h")).asList().singleElement().asString()
        .contains("to=alice", "invalid 'To' number (21211)");
    assertThat(paging.get("escalations")).asList().singleElement().asString()
        .contains("subject=inference-logs", "state=firing", "steps_paged=1", "next_step_at=2026-11-27T03:15:00Z");
    assertThat(paging.get("silences")).asList().singleElement().asString()
        .contains("subject=other-pipeline", "until=2026-11-27T05:00:00Z", "reason=planned maintenance");
  }

  @Test
  void aWebhookFallbackReceivesThePageWithItsBearerToken() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hook.createContext("/page", ex -> {
      received.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Authorization") + " "
          + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] ok = "{\"id\":\"hook-1\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(202, ok.length);
      ex.getResponseBody().write(ok);
      ex.close();
    });
    hook.start();
    String webhook = String.join("\n",
        "  fallback:",
        "    webhook: { url: \"http://127.0.0.1:" + hook.getAddress().getPort() + "/page\", token: \"${API_TOKEN}\" }");
    rig = new PagingRig(dir, POLICY + "\n" + webhook);
    rig.twilio.failNext(401, 20003);
    rig.raise("inference-logs");
    rig.tick();
    assertThat(received).singleElement().asString()
        .startsWith("POST Bearer api-token-0123456789 {\"instance\":\"wd-test\",\"to\":\"alice\",\"phone\":\"+15550002222\",\"kind\":\"sms\"")
        .contains("ALERT 1 inference-logs");
    assertThat(page().sid()).isEqualTo("fallback:webhook-hook-1");
  }
}
