package io.oobwatch.watchdog.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.security.RequestValidator;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.testkit.LoopbackHttp;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake checks what Twilio checks; raw HTTP, so nothing in the SDK hides a mistake. */
class FakeTwilioTest {
  private static final String SID = "AC0123456789abcdef0123456789abcdef";
  private static final String TOKEN = "token-0123456789abcdef0123456789ab";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private FakeTwilio fake;

  @BeforeEach
  void start() {
    fake = FakeTwilio.start(SID, TOKEN);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private record Answer(int status, JsonNode json) {}

  private Answer post(String path, String user, String password, Map<String, String> form)
      throws Exception {
    String body =
        form.entrySet().stream()
            .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (user != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder()
          .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), JSON.readTree(r.body()));
  }

  private static Map<String, String> sms(String to, String from, String body) {
    Map<String, String> form = new LinkedHashMap<>();
    if (to != null) form.put("To", to);
    if (from != null) form.put("From", from);
    if (body != null) form.put("Body", body);
    return form;
  }

  private static final String MESSAGES = "/2010-04-01/Accounts/" + SID + "/Messages.json";

  @Test
  void anAcceptedMessageLooksLikeTwiliosMessageResource() throws Exception {
    Answer a = post(MESSAGES, SID, TOKEN, sms("+15550002222", "+15550001111", "café {x}"));

    assertThat(a.status()).isEqualTo(201);
    assertThat(a.json().get("sid").asText()).matches("SM[0-9a-f]{32}");
    assertThat(a.json().get("status").asText()).isEqualTo("queued");
    assertThat(a.json().get("account_sid").asText()).isEqualTo(SID);
    assertThat(a.json().get("num_segments").asText()).isEqualTo("1");
    assertThat(a.json().get("date_created").asText()).matches("\\w{3}, \\d{2} \\w{3} \\d{4} .* \\+0000");
    assertThat(fake.delivered()).containsExactly(
        new FakeTwilio.Message(a.json().get("sid").asText(), "+15550002222", "+15550001111", "café {x}"));
  }

  @Test
  void missingAuthOrAnotherAccountInThePathIs401With20003() throws Exception {
    Answer none = post(MESSAGES, null, null, sms("+15550002222", "+15550001111", "x"));
    Answer otherAccount = post(
        "/2010-04-01/Accounts/AC99999999999999999999999999999999/Messages.json", SID, TOKEN,
        sms("+15550002222", "+15550001111", "x"));

    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json().get("code").asInt()).isEqualTo(20003);
    assertThat(none.json().get("more_info").asText()).isEqualTo("https://www.twilio.com/docs/errors/20003");
    assertThat(otherAccount.status()).isEqualTo(401);
    assertThat(fake.delivered()).isEmpty();
  }

  @Test
  void missingParametersGetTwiliosCodes() throws Exception {
    assertThat(post(MESSAGES, SID, TOKEN, sms(null, "+15550001111", "x")).json().get("code").asInt())
        .isEqualTo(21604);
    assertThat(post(MESSAGES, SID, TOKEN, sms("+15550002222", null, "x")).json().get("code").asInt())
        .isEqualTo(21603);
    Answer noBody = post(MESSAGES, SID, TOKEN, sms("+15550002222", "+15550001111", null));
    assertThat(noBody.status()).isEqualTo(400);
    assertThat(noBody.json().get("code").asInt()).isEqualTo(21602);
    assertThat(noBody.json().get("status").asInt()).isEqualTo(400);
    assertThat(fake.delivered()).isEmpty();
    assertThat(fake.requests()).isEqualTo(3);
  }

  @Test
  void aCallNeedsTwimlOrUrlAndIsRecorded() throws Exception {
    String calls = "/2010-04-01/Accounts/" + SID + "/Calls.json";
    Map<String, String> form = sms("+15550002222", "+15550001111", null);

    Answer missing = post(calls, SID, TOKEN, form);
    form.put("Twiml", "<Response><Say>canary lost</Say></Response>");
    Answer placed = post(calls, SID, TOKEN, form);

    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().get("code").asInt()).isEqualTo(21205);
    assertThat(placed.status()).isEqualTo(201);
    assertThat(placed.json().get("sid").asText()).matches("CA[0-9a-f]{32}");
    assertThat(fake.calls()).extracting(FakeTwilio.Call::twiml)
        .containsExactly("<Response><Say>canary lost</Say></Response>");
  }

  @Test
  void anUnknownPathIsATwilioStyle404() throws Exception {
    Answer a = post("/2010-04-01/Nope.json", SID, TOKEN, Map.of());

    assertThat(a.status()).isEqualTo(404);
    assertThat(a.json().get("code").asInt()).isEqualTo(20404);
  }

  private Answer get(String path) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
        .header("Authorization", "Basic " + Base64.getEncoder()
            .encodeToString((SID + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)))
        .GET().build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), JSON.readTree(r.body()));
  }

  private static final String CALLS = "/2010-04-01/Accounts/" + SID + "/Calls.json";

  private static Map<String, String> call(String statusCallback) {
    Map<String, String> form = sms("+15550002222", "+15550001111", null);
    form.put("Twiml", "<Response><Say>canary lost</Say></Response>");
    form.put("StatusCallback", statusCallback);
    return form;
  }

  private static void assertSignedByTwilio(List<FakeTwilio.Callback> callbacks) {
    RequestValidator validator = new RequestValidator(TOKEN);
    assertThat(callbacks).isNotEmpty().allSatisfy(c -> {
      assertThat(validator.validate(c.url(), c.params(), c.signature())).as("signature of %s", c.params()).isTrue();
      assertThat(new RequestValidator("another-token").validate(c.url(), c.params(), c.signature())).isFalse();
      assertThat(c.answer()).isEqualTo(204);
    });
  }

  @Test
  void aMessageGoesQueuedSentDeliveredAndEachStatusCallbackIsSignedAsTwilioSignsIt() throws Exception {
    try (LoopbackHttp receiver = LoopbackHttp.start(r -> new LoopbackHttp.Reply(204, ""))) {
      Map<String, String> form = sms("+15550002222", "+15550001111", "canary lost");
      form.put("StatusCallback", receiver.url("/twilio/status?x=1"));
      String sid = post(MESSAGES, SID, TOKEN, form).json().get("sid").asText();

      await().atMost(Duration.ofSeconds(5)).until(() -> fake.callbacks().size() == 2);
      List<FakeTwilio.Callback> callbacks = fake.callbacks();
      assertThat(callbacks).extracting(c -> c.params().get("MessageStatus"))
          .containsExactlyInAnyOrder("sent", "delivered");
      assertThat(callbacks).allSatisfy(c -> assertThat(c.params()).containsEntry("MessageSid", sid)
          .containsEntry("AccountSid", SID).containsEntry("To", "+15550002222").doesNotContainKey("ErrorCode"));
      assertSignedByTwilio(callbacks);
      assertThat(receiver.requests()).allSatisfy(r -> {
        assertThat(r.line()).isEqualTo("POST /twilio/status?x=1");
        assertThat(r.header("X-Twilio-Signature")).isNotBlank();
      });
      Answer now = get("/2010-04-01/Accounts/" + SID + "/Messages/" + sid + ".json");
      assertThat(now.status()).isEqualTo(200);
      assertThat(now.json().get("status").asText()).isEqualTo("delivered");
      assertThat(now.json().get("error_code").isNull()).isTrue();
    }
  }

  @Test
  void aNumberSetToEndUndeliveredEndsWithTwiliosErrorCodeInTheCallbackAndTheLookup() throws Exception {
    fake.endMessagesTo("+15550002222", FakeTwilio.SmsEnd.undelivered(30034));
    try (LoopbackHttp receiver = LoopbackHttp.start(r -> new LoopbackHttp.Reply(204, ""))) {
      Map<String, String> form = sms("+15550002222", "+15550001111", "canary lost");
      form.put("StatusCallback", receiver.url("/twilio/status"));
      String sid = post(MESSAGES, SID, TOKEN, form).json().get("sid").asText();

      await().atMost(Duration.ofSeconds(5)).until(() -> fake.callbacks().size() == 2);
      FakeTwilio.Callback last = fake.callbacks().stream()
          .filter(c -> c.params().get("MessageStatus").equals("undelivered")).findFirst().orElseThrow();
      assertThat(last.params()).containsEntry("ErrorCode", "30034");
      assertSignedByTwilio(fake.callbacks());
      Answer now = get("/2010-04-01/Accounts/" + SID + "/Messages/" + sid + ".json");
      assertThat(now.json().get("status").asText()).isEqualTo("undelivered");
      assertThat(now.json().get("error_code").asInt()).isEqualTo(30034);
    }
  }

  @Test
  void aCarrierThatSendsNoReceiptLeavesTheMessageSentForGood() throws Exception {
    fake.endMessagesTo("+15550002222", FakeTwilio.SmsEnd.NO_RECEIPT);
    String sid = post(MESSAGES, SID, TOKEN, sms("+15550002222", "+15550001111", "x")).json().get("sid").asText();

    await().atMost(Duration.ofSeconds(5)).until(() -> "sent".equals(fake.status(sid)));
    assertThat(get("/2010-04-01/Accounts/" + SID + "/Messages/" + sid + ".json").json().get("status").asText())
        .isEqualTo("sent");
  }

  @Test
  void aCallWithMachineDetectionGoesThroughEveryEventAskedForAndSaysAVoicemailAnswered() throws Exception {
    fake.endCallsTo("+15550002222", FakeTwilio.CallEnd.MACHINE);
    try (LoopbackHttp receiver = LoopbackHttp.start(r -> new LoopbackHttp.Reply(204, ""))) {
      Map<String, String> form = call(receiver.url("/twilio/status"));
      form.put("MachineDetection", "Enable");
      form.put("StatusCallbackEvent", "initiated ringing answered completed");
      String sid = post(CALLS, SID, TOKEN, form).json().get("sid").asText();

      await().atMost(Duration.ofSeconds(5)).until(() -> fake.callbacks().size() == 4);
      assertThat(fake.callbacks()).extracting(c -> c.params().get("CallStatus"))
          .containsExactlyInAnyOrder("initiated", "ringing", "in-progress", "completed");
      assertThat(fake.callbacks()).filteredOn(c -> c.params().get("CallStatus").equals("completed")).singleElement()
          .satisfies(c -> assertThat(c.params()).containsEntry("CallSid", sid)
              .containsEntry("AnsweredBy", "machine_end_beep"));
      assertSignedByTwilio(fake.callbacks());
      Answer now = get("/2010-04-01/Accounts/" + SID + "/Calls/" + sid + ".json");
      assertThat(now.json().get("status").asText()).isEqualTo("completed");
      assertThat(now.json().get("answered_by").asText()).isEqualTo("machine_end_beep");
    }
  }

  @Test
  void aCallNobodyAnswersEndsNoAnswerAndOnlyTheFinalEventIsSentByDefault() throws Exception {
    fake.endCallsTo("+15550002222", FakeTwilio.CallEnd.NO_ANSWER);
    try (LoopbackHttp receiver = LoopbackHttp.start(r -> new LoopbackHttp.Reply(204, ""))) {
      Map<String, String> form = call(receiver.url("/twilio/status"));
      String sid = post(CALLS, SID, TOKEN, form).json().get("sid").asText();

      await().atMost(Duration.ofSeconds(5)).until(() -> "no-answer".equals(fake.status(sid)));
      await().atMost(Duration.ofSeconds(5)).until(() -> fake.callbacks().size() == 1);
      assertThat(fake.callbacks().get(0).params()).containsEntry("CallStatus", "no-answer")
          .doesNotContainKey("AnsweredBy");
      assertSignedByTwilio(fake.callbacks());
    }
  }

  @Test
  void aLookupOfAnUnknownSidIsATwilioStyle404() throws Exception {
    Answer a = get("/2010-04-01/Accounts/" + SID + "/Messages/SM00000000000000000000000000000000.json");

    assertThat(a.status()).isEqualTo(404);
    assertThat(a.json().get("code").asInt()).isEqualTo(20404);
  }
}
