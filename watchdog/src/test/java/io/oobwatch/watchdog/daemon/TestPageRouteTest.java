package io.oobwatch.watchdog.daemon;

import static io.oobwatch.watchdog.daemon.PagingRig.ALICE;
import static io.oobwatch.watchdog.daemon.PagingRig.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.watchdog.page.TestPages;
import io.oobwatch.watchdog.server.StatusServer;
import io.oobwatch.watchdog.store.Delivery;
import io.oobwatch.watchdog.store.Outgoing;
import io.oobwatch.watchdog.store.Stores;
import io.oobwatch.watchdog.store.TestPage;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /paging/test} and {@code GET /paging/test/{id}} over real HTTP: the daemon's own pager
 * (the real twilio-sdk, a loopback Twilio) sends the test page, the delivery watch records where it
 * ended, and the record is kept in the SQLite state file.
 */
class TestPageRouteTest {
  static final String API_TOKEN = "api-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  PagingRig rig;
  StatusServer server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    rig = new PagingRig(dir, EscalationTimelineTest.POLICY);
    server = rig.serve();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    rig.close();
  }

  HttpResponse<String> request(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode testPage(long id) throws Exception {
    HttpResponse<String> r = request("GET", "/paging/test/" + id, API_TOKEN, null);
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void withoutTheTokenATestPageIsRefusedAndNothingIsSentOrRecorded() throws Exception {
    assertThat(request("POST", "/paging/test", null, "{}").statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = request("POST", "/paging/test", "not-the-token", "{\"to\": \"bob\"}");
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(wrong.body()).contains("wrong API token");
    assertThat(request("GET", "/paging/test/1", null, null).statusCode()).isEqualTo(401);

    assertThat(rig.twilio.requests()).isZero();
    assertThat(rig.store.testPages().latest(Outgoing.SMS)).isEmpty();
  }

  @Test
  void withTheTokenTheDaemonSendsTheTestSmsAndCallThroughItsPagerAndRecordsTheirDelivery() throws Exception {
    HttpResponse<String> r = request("POST", "/paging/test", API_TOKEN, "{\"to\": \"bob\", \"call\": true}");

    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode answer = JSON.readTree(r.body());
    assertThat(answer.path("result").asText()).isEqualTo("sending");
    assertThat(answer.path("tests")).hasSize(2);
    long smsId = answer.path("tests").get(0).path("id").asLong();
    long callId = answer.path("tests").get(1).path("id").asLong();
    FakeTwilio.Message sms = rig.twilio.delivered().get(0);
    assertThat(sms.to()).isEqualTo(BOB);
    assertThat(sms.body()).startsWith("oobwatch wd-test: test page to bob at ").endsWith("No action needed.");
    assertThat(rig.twilio.calls()).singleElement()
        .satisfies(c -> assertThat(c.twiml()).contains("This is a test call from oobwatch wd-test."));
    JsonNode sent = testPage(smsId);
    assertThat(sent.path("state").asText()).isEqualTo("sent");
    assertThat(sent.path("sid").asText()).isEqualTo(sms.sid());
    assertThat(sent.path("phone").asText()).isEqualTo("+1555…33");
    assertThat(sent.path("via").asText()).contains("+15550001111");

    rig.run(Duration.ofSeconds(5));

    assertThat(testPage(smsId).path("delivery").asText()).isEqualTo("delivered");
    assertThat(testPage(callId).path("delivery").asText()).isEqualTo("answered");
    // a test page is not a page: the outbox and the alerts are untouched
    assertThat(rig.store.outbox().pages(20)).isEmpty();
  }

  @Test
  void anUndeliveredTestSmsIsRecordedWithTwiliosCodeInWordsAndPagesNobodyElse() throws Exception {
    rig.twilio.endMessagesTo(ALICE, FakeTwilio.SmsEnd.undelivered(30034));
    long id = JSON.readTree(request("POST", "/paging/test", API_TOKEN, "").body()).path("tests").get(0).path("id")
        .asLong();

    rig.run(Duration.ofSeconds(5));

    JsonNode t = testPage(id);
    assertThat(t.path("to").asText()).isEqualTo("alice");
    assertThat(t.path("delivery").asText()).isEqualTo("undelivered");
    assertThat(t.path("delivery_detail").asText()).isEqualTo("30034 the sender number is not registered for A2P 10DLC");
    assertThat(rig.twilio.delivered()).hasSize(1);
    assertThat(rig.twilio.calls()).isEmpty();
  }

  @Test
  void aSignedStatusCallbackRecordsTheTestSmsDeliveryWithoutALookup() throws Exception {
    rig.twilio.endMessagesTo(ALICE, FakeTwilio.SmsEnd.undelivered(30007));
    long id = JSON.readTree(request("POST", "/paging/test", API_TOKEN, "{}").body()).path("tests").get(0).path("id")
        .asLong();
    // Twilio posted to the public URL (not this loopback server); a proxy passes the callbacks on as they are
    await().atMost(Duration.ofSeconds(5)).until(() -> rig.twilio.callbacks().stream()
        .anyMatch(c -> "undelivered".equals(c.params().get("MessageStatus"))));

    for (FakeTwilio.Callback c : rig.twilio.callbacks()) {
      String form = c.params().entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + server.address().getPort() + "/twilio/status"))
          .header("Content-Type", "application/x-www-form-urlencoded").header("X-Twilio-Signature", c.signature())
          .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }

    assertThat(testPage(id).path("delivery_detail").asText()).isEqualTo("30007 the carrier filtered the message as spam");
  }

  @Test
  void aTestPageTheFallbackCarriedSaysSoAndWhyThePrimaryWasNotUsed() throws Exception {
    rig.close();
    rig = new PagingRig(dir.resolve("fallback"), EscalationTimelineTest.POLICY + "\n" + PagingFaultDrillTest.FALLBACK_TWILIO);
    server.close();
    server = rig.serve();
    rig.twilio.failNext(401, 20003);

    long id = JSON.readTree(request("POST", "/paging/test", API_TOKEN, "{}").body()).path("tests").get(0).path("id")
        .asLong();

    JsonNode t = testPage(id);
    assertThat(t.path("state").asText()).isEqualTo("sent");
    assertThat(t.path("via").asText()).startsWith("the FALLBACK twilio SMS and calls from +15550009999")
        .contains("as the primary failed: credentials rejected (20003)");
    assertThat(rig.fallbackTwilio.delivered()).singleElement()
        .satisfies(m -> assertThat(m.body()).contains("test page to alice"));
  }

  @Test
  void aNameNotOnCallIs404ListingTheNamesAndABadBodyIs400() throws Exception {
    HttpResponse<String> unknown = request("POST", "/paging/test", API_TOKEN, "{\"to\": \"carol\"}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("\\\"carol\\\" is not in the daemon's paging.oncall (known: alice, bob)");
    assertThat(request("POST", "/paging/test", API_TOKEN, "{\"call\": \"yes\"}").statusCode()).isEqualTo(400);
    assertThat(request("GET", "/paging/test/99", API_TOKEN, null).statusCode()).isEqualTo(404);
    assertThat(rig.twilio.requests()).isZero();
  }

  @Test
  void theRecordOutlivesARestartAndOneCutShortByTheStopIsMarkedNotSent() throws Exception {
    long id = JSON.readTree(request("POST", "/paging/test", API_TOKEN, "{}").body()).path("tests").get(0).path("id")
        .asLong();
    rig.run(Duration.ofSeconds(5));
    TestPage cutShort = rig.store.testPages().add("bob", BOB, Outgoing.SMS, "api", rig.clock.instant());
    server.close();
    server = null;
    rig.store.close();

    try (Stores reopened = Stores.open(rig.config.stateDir())) {
      new TestPages("wd-test", reopened.testPages(), rig.pager, rig.clock, Runnable::run);

      TestPage delivered = reopened.testPages().testPage(id).orElseThrow();
      assertThat(delivered.delivery().state()).isEqualTo(Delivery.State.DELIVERED);
      TestPage last = reopened.testPages().latest(Outgoing.SMS).orElseThrow();
      assertThat(last.id()).isEqualTo(cutShort.id());
      assertThat(last.sending()).isFalse();
      assertThat(last.error()).startsWith("oobwatch stopped before the channel answered");
    }
  }
}
