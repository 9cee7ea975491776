package io.oobwatch.watchdog.daemon;

import static io.oobwatch.watchdog.daemon.PagingRig.ALICE;
import static io.oobwatch.watchdog.daemon.PagingRig.BOB;
import static io.oobwatch.watchdog.daemon.PagingRig.PUBLIC_URL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.watchdog.server.StatusServer;
import io.oobwatch.watchdog.status.PagingStatus;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.Delivery;
import io.oobwatch.watchdog.store.OutboxEntry;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page counts when a person has it: pages that Twilio accepted but that reached nobody
 * (undelivered, no receipt, no answer, voicemail) move to the next route at once, on a simulated
 * clock, with the real twilio-sdk, SQLite and a loopback Twilio that reports delivery as Twilio does.
 */
class DeliveryDrillTest {
  static final String ONCALL = String.join("\n",
      "  oncall:",
      "    - { name: alice, phone: \"+15550002222\" }",
      "    - { name: bob,   phone: \"+15550003333\" }");
  static final String SMS_THEN_CALL = String.join("\n", ONCALL,
      "  escalation:",
      "    - { after: 0s,  sms: [alice] }",
      "    - { after: 5m,  call: [alice] }",
      "    - { after: 15m, sms: [bob] }");
  static final String SMS_ONLY = String.join("\n", ONCALL,
      "  escalation:",
      "    - { after: 0s,  sms: [alice] }",
      "    - { after: 15m, sms: [bob] }",
      "  delivery_timeout: 30s");
  static final String CALL_FIRST = String.join("\n", ONCALL,
      "  escalation:",
      "    - { after: 0s,  call: [alice] }",
      "    - { after: 15m, sms: [bob] }");

  @TempDir Path dir;
  PagingRig rig;
  StatusServer server;
  final io.oobwatch.watchdog.loopback.LoopbackPipeline pipeline = io.oobwatch.watchdog.loopback.LoopbackPipeline.start();

  @AfterEach
  void close() throws Exception {
    pipeline.close();
    if (server != null) {
      server.close();
    }
    if (rig != null) {
      rig.close();
    }
  }

  /** Raises an alert, sends its first page, and waits (real time) until the fake Twilio's status of it is final. */
  Alert raiseAndSend(String finalStatus) {
    Alert a = rig.raise("inference-logs");
    rig.tick();
    String sid = rig.store.outbox().pages(10).get(0).sid();
    await().atMost(Duration.ofSeconds(5)).until(() -> finalStatus.equals(rig.twilio.status(sid)));
    return a;
  }

  OutboxEntry page(String recipient, String channel) {
    return rig.store.outbox().pages(50).stream()
        .filter(p -> p.recipient().equals(recipient) && p.channel().equals(channel))
        .reduce((newer, older) -> older).orElseThrow();
  }

  @Test
  void anUndeliveredSmsCallsTheSamePersonWithinOnePollAndAnUnansweredCallPagesTheNextStepAtOnce() throws Exception {
    rig = new PagingRig(dir, SMS_THEN_CALL);
    rig.twilio.endMessagesTo(ALICE, FakeTwilio.SmsEnd.undelivered(30034));
    rig.twilio.endCallsTo(ALICE, FakeTwilio.CallEnd.NO_ANSWER);
    Alert a = raiseAndSend("undelivered");

    rig.run(Duration.ofSeconds(1)); // the first lookup comes within one poll interval

    assertThat(rig.callsTo(ALICE)).hasSize(1); // not at 5m, the step's time
    OutboxEntry sms = page("alice", "sms");
    assertThat(sms.delivery().state()).isEqualTo(Delivery.State.UNDELIVERED);
    assertThat(sms.delivery().code()).isEqualTo(30034);
    assertThat(sms.delivery().detail()).isEqualTo("30034 the sender number is not registered for A2P 10DLC");
    assertThat(page("alice", "call").body())
        .startsWith("(alice's SMS undelivered: 30034 the sender number is not registered for A2P 10DLC) ALERT " + a.id());

    String callSid = rig.callsTo(ALICE).get(0).sid();
    await().atMost(Duration.ofSeconds(5)).until(() -> "no-answer".equals(rig.twilio.status(callSid)));
    rig.run(Duration.ofSeconds(2));

    assertThat(rig.smsTo(BOB)).singleElement().asString()
        .startsWith("(alice's call no-answer: nobody answered) ALERT " + a.id());
    assertThat(page("alice", "call").delivery().state()).isEqualTo(Delivery.State.NO_ANSWER);
    // the steps were taken early, not twice: nothing more at their own times
    rig.run(Duration.ofSeconds(1));
    rig.advance(Duration.ofMinutes(16));
    assertThat(rig.callsTo(ALICE)).hasSize(1);
    assertThat(rig.smsTo(BOB)).hasSize(1);

    PagingView view = new PagingView(rig.clock, rig.store.alerts(), rig.store.outbox(), rig.store.testPages(), rig.alerts, rig.dispatcher);
    view.refresh();
    assertThat(view.current().paging().recent()).filteredOn(p -> p.to().equals("alice") && p.channel().equals("sms"))
        .singleElement().satisfies(p -> {
          assertThat(p.delivery()).isEqualTo("undelivered");
          assertThat(p.deliveryDetail()).isEqualTo("30034 the sender number is not registered for A2P 10DLC");
        });
  }

  @Test
  void anUndeliveredSmsWithNoCallInThePolicyPagesTheNextPersonWithinOnePoll() throws Exception {
    rig = new PagingRig(dir, SMS_ONLY);
    rig.twilio.endMessagesTo(ALICE, FakeTwilio.SmsEnd.undelivered(30003));
    Alert a = raiseAndSend("undelivered");

    rig.run(Duration.ofSeconds(2));

    assertThat(rig.smsTo(BOB)).singleElement().asString().startsWith(
        "(alice's SMS undelivered: 30003 unreachable: the phone is off or out of coverage) ALERT " + a.id());
    assertThat(rig.callsTo(ALICE)).isEmpty();
  }

  @Test
  void aCarrierThatSendsNoReceiptMovesThePageOnAfterTheDeliveryTimeoutNotBefore() throws Exception {
    rig = new PagingRig(dir, SMS_ONLY);
    rig.twilio.endMessagesTo(ALICE, FakeTwilio.SmsEnd.NO_RECEIPT);
    raiseAndSend("sent");

    rig.run(Duration.ofSeconds(29));
    assertThat(rig.smsTo(BOB)).isEmpty();
    assertThat(page("alice", "sms").delivery()).isNull();

    rig.run(Duration.ofSeconds(2));
    assertThat(page("alice", "sms").delivery().state()).isEqualTo(Delivery.State.NO_RECEIPT);
    assertThat(rig.smsTo(BOB)).singleElement().asString()
        .startsWith("(alice's SMS no-receipt: no delivery receipt within 30s)");

    // a receipt after the timeout changes nothing: the first final state stands, nothing is paged twice
    rig.deliveries.report(page("alice", "sms").sid(), false, "delivered", null, null);
    rig.run(Duration.ofSeconds(2));
    assertThat(page("alice", "sms").delivery().state()).isEqualTo(Delivery.State.NO_RECEIPT);
    assertThat(rig.smsTo(BOB)).hasSize(1);
  }

  @Test
  void aCallAnsweredByVoicemailAcknowledgesNothingAndEscalationGoesOn() throws Exception {
    rig = new PagingRig(dir, CALL_FIRST);
    rig.twilio.endCallsTo(ALICE, FakeTwilio.CallEnd.MACHINE);
    Alert a = raiseAndSend("completed");

    rig.run(Duration.ofSeconds(2));

    assertThat(rig.store.alerts().alert(a.id()).orElseThrow().state()).isEqualTo(Alert.State.FIRING);
    assertThat(page("alice", "call").delivery().state()).isEqualTo(Delivery.State.VOICEMAIL);
    assertThat(rig.smsTo(BOB)).singleElement().asString().startsWith("(alice's call voicemail: answered by voicemail");
  }

  @Test
  void aDeliveredSmsAndAnAnsweredCallMoveNothing() throws Exception {
    rig = new PagingRig(dir, CALL_FIRST.replace("call: [alice]", "sms: [alice], call: [alice]"));
    rig.raise("inference-logs");
    rig.tick();
    await().atMost(Duration.ofSeconds(5)).until(() -> rig.twilio.delivered().size() == 1 && rig.twilio.calls().size() == 1
        && "delivered".equals(rig.twilio.status(rig.twilio.delivered().get(0).sid()))
        && "completed".equals(rig.twilio.status(rig.twilio.calls().get(0).sid())));

    rig.run(Duration.ofSeconds(3));

    assertThat(page("alice", "sms").delivery().state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(page("alice", "call").delivery().state()).isEqualTo(Delivery.State.ANSWERED);
    assertThat(rig.smsTo(BOB)).isEmpty();
  }

  @Test
  void signedStatusCallbacksAreRecordedWithoutALookupAndForgedOnesAreRefused() throws Exception {
    rig = new PagingRig(dir, SMS_THEN_CALL);
    rig.twilio.endMessagesTo(ALICE, FakeTwilio.SmsEnd.undelivered(30007));
    server = rig.serve();
    raiseAndSend("undelivered");
    // Twilio posted to the public URL (unreachable here); a proxy in front of oobwatch passes them on as they are
    await().atMost(Duration.ofSeconds(5)).until(() -> rig.twilio.callbacks().size() == 2);
    List<FakeTwilio.Callback> callbacks = rig.twilio.callbacks();
    assertThat(callbacks).allSatisfy(c -> assertThat(c.url()).isEqualTo(PUBLIC_URL + "/twilio/status"));

    FakeTwilio.Callback last = callbacks.stream().filter(c -> c.params().get("MessageStatus").equals("undelivered"))
        .findFirst().orElseThrow();
    Map<String, String> forged = new java.util.HashMap<>(last.params());
    forged.put("ErrorCode", "30005");
    assertThat(post(forged, last.signature()).statusCode()).isEqualTo(403);
    assertThat(page("alice", "sms").delivery()).isNull();

    for (FakeTwilio.Callback c : callbacks) {
      assertThat(post(c.params(), c.signature()).statusCode()).isEqualTo(200);
    }
    rig.tick(); // no lookup: the callback alone moved the page on

    assertThat(page("alice", "sms").delivery().detail()).isEqualTo("30007 the carrier filtered the message as spam");
    assertThat(rig.callsTo(ALICE)).hasSize(1);
  }

  @Test
  void theRunningDaemonTakesSignedCallbacksAtItsPublicUrlAndCallsWhenTheSmsWasUndelivered() throws Exception {
    FakeTwilio twilio = FakeTwilio.start(PagingRig.SID, PagingRig.TOKEN);
    twilio.endMessagesTo(ALICE, FakeTwilio.SmsEnd.undelivered(30006));
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    String yaml = String.join("\n",
        "instance: wd-test",
        "state_dir: state",
        "http: { listen: \"127.0.0.1:" + port + "\", public_url: \"http://127.0.0.1:" + port + "\" }",
        "pipelines:",
        pipeline.pipelineYaml("inference-logs", "1h", "100ms", "1s"),
        "paging:",
        "  twilio: { account_sid: \"${TW_SID}\", auth_token: \"${TW_TOKEN}\", from: \"+15550001111\", api_base: \""
            + twilio.baseUrl() + "\" }",
        SMS_THEN_CALL,
        "");
    Map<String, String> env = Map.of("TW_SID", PagingRig.SID, "TW_TOKEN", PagingRig.TOKEN);
    try (twilio;
        Daemon d = Daemon.start(new io.oobwatch.watchdog.config.ConfigLoader(env::get).parse("d.yaml", dir, yaml),
            java.time.Clock.systemUTC(), new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), null, Map.of())) {
      // a subject no watch judges, so nothing but an ack or a resolve ends it
      Alert a = d.alerts().raise("drill", io.oobwatch.watchdog.detect.Rule.CANARY, "store", "canary lost",
          x -> "ALERT " + x.id() + " drill: canary lost");

      await().atMost(Duration.ofSeconds(15)).until(() -> twilio.calls().stream().anyMatch(c -> c.to().equals(ALICE)));
      OutboxEntry sms = d.stores().outbox().pages(20).stream()
          .filter(p -> p.alertId() == a.id() && p.channel().equals("sms")).findFirst().orElseThrow();
      assertThat(sms.delivery().detail()).isEqualTo("30006 landline or unreachable carrier: the number cannot receive SMS");
      // Twilio's callbacks reached the daemon at its public URL and passed the signature check
      await().atMost(Duration.ofSeconds(5)).until(() -> twilio.callbacks().stream()
          .anyMatch(c -> "undelivered".equals(c.params().get("MessageStatus"))));
      assertThat(twilio.callbacks()).isNotEmpty()
          .allSatisfy(c -> assertThat(c.url()).isEqualTo("http://127.0.0.1:" + port + "/twilio/status"))
          .allSatisfy(c -> assertThat(c.answer()).isEqualTo(200));
    }
  }

  HttpResponse<String> post(Map<String, String> form, String signature) throws Exception {
    String body = form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.address().getPort() + "/twilio/status"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("X-Twilio-Signature", signature)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
