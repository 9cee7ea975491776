package io.oobwatch.watchdog.page;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.testkit.FakeTwilio;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
}
