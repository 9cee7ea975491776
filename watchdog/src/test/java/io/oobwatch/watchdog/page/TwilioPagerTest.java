package io.oobwatch.watchdog.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.watchdog.store.Delivery;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TwilioPager through the real twilio-sdk against FakeTwilio on loopback. */
class TwilioPagerTest {
  private static final String SID = "AC0123456789abcdef0123456789abcdef";
  private static final String TOKEN = "s3cr3t-token-0123456789abcdef0123";
  private static final String FROM = "+15550001111";
  private static final String ALICE = "+15550002222";

  private FakeTwilio fake;

  @BeforeEach
  void startFake() {
    fake = FakeTwilio.start(SID, TOKEN);
  }

  @AfterEach
  void stopFake() {
    fake.close();
  }

  private TwilioPager pager(String token) {
    return new TwilioPager(new TwilioConfig(SID, token, FROM, fake.baseUrl()));
  }

  private static Page pageTo(String phone) {
    return new Page("alice", phone, "oobwatch: canary lost at elasticsearch");
  }

  private static PageException failure(Callable<String> send) {
    PageException e = catchThrowableOfType(PageException.class, send::call);
    assertThat(e).as("the send should have failed with a PageException").isNotNull();
    return e;
  }

  @Test
  void anSmsArrivesAtTheApiBaseWithTheRightToFromAndBody() throws Exception {
    String sid = pager(TOKEN).send(pageTo(ALICE));

    assertThat(fake.delivered())
        .containsExactly(
            new FakeTwilio.Message(sid, ALICE, FROM, "oobwatch: canary lost at elasticsearch"));
    assertThat(sid).matches("SM[0-9a-f]{32}");
    assertThat(fake.requests()).isEqualTo(1);
  }

  @Test
  void aWrongTokenIsNotRetryableWithCode20003AndTheTokenIsNotInTheMessage() {
    String wrong = "wrong-token-9876543210fedcba98765";

    PageException e = failure(() -> pager(wrong).send(pageTo(ALICE)));

    assertThat(e.retryable()).isFalse();
    assertThat(e.code()).isEqualTo(20003);
    assertThat(e.getMessage()).contains("credentials", "20003").doesNotContain(wrong, TOKEN, SID);
    assertThat(fake.delivered()).isEmpty();
  }

  @Test
  void aServerErrorIsRetryableAndTheSdkDoesNotRetryItByItself() throws Exception {
    TwilioPager pager = pager(TOKEN);
    fake.failNext(500, 20500);

    PageException e = failure(() -> pager.send(pageTo(ALICE)));

    assertThat(e.retryable()).isTrue();
    assertThat(e.code()).isEqualTo(20500);
    assertThat(e.getMessage()).contains("HTTP 500", fake.baseUrl());
    assertThat(fake.requests()).isEqualTo(1);
    assertThat(fake.delivered()).isEmpty();

    String sid = pager.send(pageTo(ALICE));

    assertThat(fake.requests()).isEqualTo(2);
    assertThat(fake.delivered()).extracting(FakeTwilio.Message::sid).containsExactly(sid);
  }

  @Test
  void aServiceUnavailableAnswerIsRetryableAndSentOnce() {
    fake.failNext(503, 20503);

    PageException e = failure(() -> pager(TOKEN).send(pageTo(ALICE)));

    assertThat(e.retryable()).isTrue();
    assertThat(fake.requests()).isEqualTo(1);
  }

  @Test
  void rateLimitingIsRetryable() {
    fake.failNext(429, 20429);

    PageException e = failure(() -> pager(TOKEN).send(pageTo(ALICE)));

    assertThat(e.retryable()).isTrue();
    assertThat(e.code()).isEqualTo(20429);
    assertThat(e.getMessage()).contains("rate limiting");
    assertThat(fake.requests()).isEqualTo(1);
  }

  @Test
  void anInvalidNumberIsNotRetryableAndCarriesTwiliosCode() {
    PageException e = failure(() -> pager(TOKEN).send(pageTo("5550002222")));

    assertThat(e.retryable()).isFalse();
    assertThat(e.code()).isEqualTo(21211);
    assertThat(e.getMessage()).isEqualTo("twilio rejected 5550002222: invalid 'To' number (21211)");
    assertThat(fake.delivered()).isEmpty();
  }

  @Test
  void anUnsubscribedRecipientIsNotRetryable() {
    fake.failNext(400, 21610);

    PageException e = failure(() -> pager(TOKEN).send(pageTo(ALICE)));

    assertThat(e.retryable()).isFalse();
    assertThat(e.code()).isEqualTo(21610);
    assertThat(e.getMessage()).contains(ALICE, "STOP", "21610");
  }

  @Test
  void aLandlineIsNotRetryable() {
    fake.failNext(400, 21614);

    PageException e = failure(() -> pager(TOKEN).send(pageTo(ALICE)));

    assertThat(e.retryable()).isFalse();
    assertThat(e.code()).isEqualTo(21614);
    assertThat(e.getMessage()).contains("not a mobile number");
  }

  @Test
  void aClosedPortIsARetryableNetworkErrorWithinABound() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String base = "http://127.0.0.1:" + port;
    TwilioPager pager = new TwilioPager(new TwilioConfig(SID, TOKEN, FROM, base));

    PageException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5), () -> failure(() -> pager.send(pageTo(ALICE))));

    assertThat(e.retryable()).isTrue();
    assertThat(e.code()).isZero();
    assertThat(e.getMessage()).contains(base, "refused").doesNotContain(TOKEN);
  }

  @Test
  void aServerThatNeverAnswersIsARetryableTimeout() {
    TwilioPager pager =
        new TwilioPager(new TwilioConfig(SID, TOKEN, FROM, fake.baseUrl()), Duration.ofMillis(300));
    fake.stallNext();

    PageException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5), () -> failure(() -> pager.send(pageTo(ALICE))));

    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("did not answer within 300 ms");
    assertThat(fake.delivered()).isEmpty();
  }

  @Test
  void aProxysHtmlBadGatewayIsRetryable() throws IOException {
    HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    proxy.createContext(
        "/",
        ex -> {
          byte[] html = "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "text/html");
          ex.sendResponseHeaders(502, html.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(html);
          }
        });
    proxy.start();
    try {
      String base = "http://127.0.0.1:" + proxy.getAddress().getPort();
      TwilioPager pager = new TwilioPager(new TwilioConfig(SID, TOKEN, FROM, base));

      PageException e = failure(() -> pager.send(pageTo(ALICE)));

      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("HTTP 502");
    } finally {
      proxy.stop(0);
    }
  }

  @Test
  void concurrentSendsAreEachDeliveredOnce() throws Exception {
    TwilioPager pager = pager(TOKEN);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> sent = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String body = "page " + i;
        sent.add(pool.submit(() -> pager.send(new Page("alice", ALICE, body))));
      }
      List<String> sids = new ArrayList<>();
      for (Future<String> f : sent) {
        sids.add(f.get());
      }

      assertThat(sids).doesNotHaveDuplicates().hasSize(12);
      assertThat(fake.delivered())
          .extracting(FakeTwilio.Message::sid)
          .containsExactlyInAnyOrderElementsOf(sids);
      assertThat(fake.requests()).isEqualTo(12);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void describeNamesTheSenderAndTheApiBase() {
    assertThat(new TwilioPager(new TwilioConfig(SID, TOKEN, FROM)).describe())
        .isEqualTo("twilio SMS and calls from +15550001111 via https://api.twilio.com");
    assertThat(pager(TOKEN).describe()).endsWith("via " + fake.baseUrl());
  }

  private Receipt finalReceipt(TwilioPager pager, String sid, boolean call) {
    return await().atMost(Duration.ofSeconds(5)).until(() -> pager.receipt(sid, call), Receipt::isFinal);
  }

  @Test
  void anUndeliveredSmsIsLookedUpBySidWithTwiliosCodeInWords() throws Exception {
    fake.endMessagesTo(ALICE, FakeTwilio.SmsEnd.undelivered(30034));
    TwilioPager pager = pager(TOKEN);
    String sid = pager.send(pageTo(ALICE));

    Receipt r = finalReceipt(pager, sid, false);

    assertThat(r.outcome()).isEqualTo(Delivery.State.UNDELIVERED);
    assertThat(r.detail()).isEqualTo("30034 the sender number is not registered for A2P 10DLC");
  }

  @Test
  void aCallIsPlacedWithMachineDetectionSoAVoicemailIsSeenAsOne() throws Exception {
    fake.endCallsTo(ALICE, FakeTwilio.CallEnd.MACHINE);
    TwilioPager pager = pager(TOKEN);
    String sid = pager.call(pageTo(ALICE), "https://wd.example.net/twilio/voice?alert=1");

    Receipt r = finalReceipt(pager, sid, true);

    // the fake says who answered only when MachineDetection was asked for
    assertThat(r.outcome()).isEqualTo(Delivery.State.VOICEMAIL);
    assertThat(r.detail()).contains("voicemail");
  }

  @Test
  void withAStatusCallbackTwilioPostsEveryCallEventThereSigned() throws Exception {
    try (LoopbackHttp receiver = LoopbackHttp.start(r -> new LoopbackHttp.Reply(200, ""))) {
      TwilioPager pager = new TwilioPager(new TwilioConfig(SID, TOKEN, FROM, fake.baseUrl()),
          receiver.url("/twilio/status"));
      String call = pager.call(pageTo(ALICE), null);
      String sms = pager.send(pageTo(ALICE));

      await().atMost(Duration.ofSeconds(5)).until(() -> fake.callbacks().size() == 6);
      assertThat(fake.callbacks()).filteredOn(c -> call.equals(c.params().get("CallSid")))
          .extracting(c -> c.params().get("CallStatus"))
          .containsExactlyInAnyOrder("initiated", "ringing", "in-progress", "completed");
      assertThat(fake.callbacks()).filteredOn(c -> sms.equals(c.params().get("MessageSid")))
          .extracting(c -> c.params().get("MessageStatus")).containsExactlyInAnyOrder("sent", "delivered");
      assertThat(fake.callbacks()).allSatisfy(c -> assertThat(
          new com.twilio.security.RequestValidator(TOKEN).validate(c.url(), c.params(), c.signature())).isTrue());
    }
  }

  @Test
  void aLookupOfASidTwilioDoesNotKnowIsAnErrorToTryAgainNotAVerdict() {
    PageException e = failure(() -> pager(TOKEN).receipt("SM00000000000000000000000000000000", false).status());

    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("HTTP 404").doesNotContain(TOKEN);
  }

  @Test
  void aMessageAlreadySentIsFoundByTheKeyInItsBodyThroughTwiliosPagedListFilteredByRecipientAndDateSent()
      throws Exception {
    TwilioPager pager = pager(TOKEN);
    java.time.Instant before = java.time.Instant.now().minusSeconds(60);
    String sid = pager.send(new Page("alice", ALICE, "ALERT 1 pipe: canary lost (p7)"));
    for (int i = 0; i < 60; i++) { // newer messages push it to the list's second page
      pager.send(new Page("alice", ALICE, "ALERT " + (i + 2) + " pipe: canary lost (p" + (100 + i) + ")"));
    }
    pager.send(new Page("bob", "+15550003333", "ALERT 9 pipe (p8)"));

    assertThat(pager.sentBefore(ALICE, before, "(p7)")).contains(sid);
    assertThat(pager.sentBefore(ALICE, before, "(p8)")).as("sent to someone else").isEmpty();
    assertThat(pager.sentBefore(ALICE, java.time.Instant.now().plusSeconds(120), "(p7)")).as("sent before since")
        .isEmpty();
    fake.failNext(500, 20500);
    assertThat(failure(() -> pager.sentBefore(ALICE, before, "(p7)").orElse(null)).retryable()).isTrue();
  }
}
