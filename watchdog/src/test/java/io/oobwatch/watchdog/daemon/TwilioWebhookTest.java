package io.oobwatch.watchdog.daemon;

import static io.oobwatch.watchdog.daemon.PagingRig.ALICE;
import static io.oobwatch.watchdog.daemon.PagingRig.FALLBACK_SID;
import static io.oobwatch.watchdog.daemon.PagingRig.FALLBACK_TOKEN;
import static io.oobwatch.watchdog.daemon.PagingRig.PUBLIC_URL;
import static io.oobwatch.watchdog.daemon.PagingRig.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.testkit.TwilioSignature;
import io.oobwatch.watchdog.cli.Main;
import io.oobwatch.watchdog.server.Health;
import io.oobwatch.watchdog.server.StatusServer;
import io.oobwatch.watchdog.server.StatusSource;
import io.oobwatch.watchdog.store.Alert;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Acknowledgement over real HTTP: Twilio's SMS and voice webhooks signed the way Twilio signs them,
 * the bearer-token API, and the CLI talking to it.
 */
class TwilioWebhookTest {
  static final String API_TOKEN = "api-token-0123456789";
  static final String STRANGER = "+15559999999";

  @TempDir Path dir;
  PagingRig rig;
  StatusServer server;
  final HttpClient http = HttpClient.newHttpClient();
  Alert alert;

  @BeforeEach
  void start() throws Exception {
    // with a fallback Twilio account: its pages' webhooks are signed with its own token
    rig = new PagingRig(dir, EscalationTimelineTest.POLICY + "\n" + PagingFaultDrillTest.FALLBACK_TWILIO);
    StatusSource source = new StatusSource() {
      @Override
      public Health health() {
        return new Health(true, "ok");
      }

      @Override
      public Object status() {
        return Map.of("silences", rig.alerts.silences().stream().map(s -> s.subject() + ": " + s.reason()).toList());
      }
    };
    server = StatusServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), source,
        rig.paging(() -> { }));
    alert = rig.raise("inference-logs");
    rig.tick();
  }

  @AfterEach
  void stop() {
    server.close();
    rig.close();
  }

  String base() {
    return "http://127.0.0.1:" + server.address().getPort();
  }

  HttpResponse<String> twilio(String pathAndQuery, Map<String, String> form, String signature) throws Exception {
    String body = form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + pathAndQuery))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      b.header("X-Twilio-Signature", signature);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> signedSms(String from, String text) throws Exception {
    Map<String, String> form = smsForm(from, text);
    return twilio("/twilio/sms", form, TwilioSignature.sign(TOKEN, PUBLIC_URL + "/twilio/sms", form));
  }

  static Map<String, String> smsForm(String from, String text) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("MessageSid", "SM0123456789abcdef0123456789abcdef");
    form.put("AccountSid", PagingRig.SID);
    form.put("From", from);
    form.put("To", "+15550001111");
    form.put("Body", text);
    form.put("NumMedia", "0");
    return form;
  }

  Alert.State state() {
    return rig.store.alerts().alert(alert.id()).orElseThrow().state();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ACK 1", "1 ACK", "ack1", "ack 1", "Ack #1.", "  1 ack  "})
  void anOnCallPersonRepliesAckWithTheNumberAndGetsAConfirmationSmsInTwiml(String text) throws Exception {
    HttpResponse<String> r = signedSms(ALICE, text);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("text/xml");
    assertThat(r.body()).startsWith("<?xml").contains("<Response><Message>oobwatch wd-test: alert 1 (inference-logs:")
        .contains("acknowledged by alice; escalation stopped").endsWith("</Message></Response>");
    assertThat(state()).isEqualTo(Alert.State.ACKNOWLEDGED);
  }

  @Test
  void aForgedSignatureIsRefusedWith403AndChangesNothing() throws Exception {
    Map<String, String> form = smsForm(ALICE, "ACK 1");
    String forged = TwilioSignature.sign("not-the-auth-token", PUBLIC_URL + "/twilio/sms", form);
    assertThat(twilio("/twilio/sms", form, forged).statusCode()).isEqualTo(403);
    assertThat(twilio("/twilio/sms", form, null).statusCode()).isEqualTo(403);
    // signed for another URL, or with a parameter changed after signing
    String elsewhere = TwilioSignature.sign(TOKEN, "https://evil.example.net/twilio/sms", form);
    assertThat(twilio("/twilio/sms", form, elsewhere).statusCode()).isEqualTo(403);
    String good = TwilioSignature.sign(TOKEN, PUBLIC_URL + "/twilio/sms", form);
    form.put("From", STRANGER);
    assertThat(twilio("/twilio/sms", form, good).statusCode()).isEqualTo(403);
    assertThat(state()).isEqualTo(Alert.State.FIRING);
  }

  @Test
  void anAckToAPageSentThroughTheFallbackAccountIsCheckedWithThatAccountsToken() throws Exception {
    Map<String, String> form = smsForm(ALICE, "ACK 1");
    form.put("AccountSid", FALLBACK_SID);

    HttpResponse<String> r = twilio("/twilio/sms", form, TwilioSignature.sign(FALLBACK_TOKEN, PUBLIC_URL + "/twilio/sms", form));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("acknowledged by alice");
    assertThat(state()).isEqualTo(Alert.State.ACKNOWLEDGED);
  }

  @Test
  void aRequestSignedWithOneAccountsTokenButNamingAnotherOrNoAccountIsRefused() throws Exception {
    Map<String, String> form = smsForm(ALICE, "ACK 1");
    form.put("AccountSid", FALLBACK_SID);
    assertThat(twilio("/twilio/sms", form, TwilioSignature.sign(TOKEN, PUBLIC_URL + "/twilio/sms", form)).statusCode())
        .isEqualTo(403);
    form.put("AccountSid", "AC" + "0".repeat(32));
    assertThat(twilio("/twilio/sms", form, TwilioSignature.sign(TOKEN, PUBLIC_URL + "/twilio/sms", form)).statusCode())
        .isEqualTo(403);
    form.remove("AccountSid");
    assertThat(twilio("/twilio/sms", form, TwilioSignature.sign(TOKEN, PUBLIC_URL + "/twilio/sms", form)).statusCode())
        .isEqualTo(403);
    assertThat(state()).isEqualTo(Alert.State.FIRING);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ACK ALL", "ack all", "Ack All.", "ackall"})
  void ackAllAcknowledgesEveryOpenAlertAndSaysWhichOnes(String text) throws Exception {
    Alert second = rig.raise("payments-logs");
    rig.tick();

    HttpResponse<String> r = signedSms(ALICE, text);

    assertThat(r.body()).contains("oobwatch wd-test: 2 alerts 1 (inference-logs), " + second.id()
        + " (payments-logs) acknowledged by alice; escalation stopped.");
    assertThat(state()).isEqualTo(Alert.State.ACKNOWLEDGED);
    assertThat(rig.store.alerts().alert(second.id()).orElseThrow().state()).isEqualTo(Alert.State.ACKNOWLEDGED);
    assertThat(signedSms(ALICE, "ACK ALL").body()).contains("no alert was waiting for an acknowledgement; nothing changed.");
  }

  @Test
  void aNumberNotOnCallCannotAcknowledge() throws Exception {
    HttpResponse<String> r = signedSms(STRANGER, "ACK 1");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("not on the on-call list; nothing was acknowledged");
    assertThat(state()).isEqualTo(Alert.State.FIRING);
  }

  @Test
  void ackForAnUnknownAlertGetsAHelpfulReplyListingTheOpenOnes() throws Exception {
    HttpResponse<String> r = signedSms(ALICE, "ACK 99");
    assertThat(r.body()).contains("there is no alert 99. Open alerts: 1 (inference-logs).");
    HttpResponse<String> other = signedSms(ALICE, "what is going on?");
    assertThat(other.body()).contains("reply ACK and the alert number, e.g. ACK 17");
    assertThat(state()).isEqualTo(Alert.State.FIRING);
  }

  HttpResponse<String> voice(String digits) throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("CallSid", "CA0123456789abcdef0123456789abcdef");
    form.put("AccountSid", PagingRig.SID);
    form.put("From", "+15550001111");
    form.put("To", ALICE);
    form.put("CallStatus", "in-progress");
    if (digits != null) {
      form.put("Digits", digits);
    }
    String path = "/twilio/voice?alert=" + alert.id();
    return twilio(path, form, TwilioSignature.sign(TOKEN, PUBLIC_URL + path, form));
  }

  @Test
  void pressingOneOnThePageCallAcknowledgesAndSaysSo() throws Exception {
    HttpResponse<String> r = voice("1");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("<Response><Say>Alert 1 acknowledged. Escalation stopped. Goodbye.</Say></Response>");
    assertThat(state()).isEqualTo(Alert.State.ACKNOWLEDGED);
  }

  @Test
  void voicemailOrAnotherKeyIsNotAnAck() throws Exception {
    assertThat(voice(null).body()).contains("Not acknowledged");
    assertThat(voice("7").body()).contains("Not acknowledged");
    assertThat(state()).isEqualTo(Alert.State.FIRING);
  }

  HttpResponse<String> api(String path, String token, String json) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theAckApiNeedsTheBearerToken() throws Exception {
    assertThat(api("/alerts/1/ack", null, "").statusCode()).isEqualTo(401);
    assertThat(api("/alerts/1/ack", "wrong", "").statusCode()).isEqualTo(403);
    assertThat(state()).isEqualTo(Alert.State.FIRING);
    assertThat(api("/alerts/99/ack", API_TOKEN, "").statusCode()).isEqualTo(404);
    HttpResponse<String> ok = api("/alerts/1/ack", API_TOKEN, "");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("\"result\" : \"acknowledged\"");
    assertThat(state()).isEqualTo(Alert.State.ACKNOWLEDGED);
  }

  static String silenceJson(String length) {
    return "{\"subject\": \"inference-logs\", \"for\": \"" + length + "\", \"reason\": \"kafka upgrade\"}";
  }

  @ParameterizedTest
  @ValueSource(strings = {"9223372036854775807s", "18446744073709551617ms", "99999999999d", "31d", "30s"})
  void aSilenceShorterThanAMinuteOrLongerThanThirtyDaysIsRefusedWith400AndSilencesNothing(String length)
      throws Exception {
    HttpResponse<String> r = api("/silences", API_TOKEN, silenceJson(length));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("for must be between 1m and 30d, found " + length);
    assertThat(rig.alerts.silences()).isEmpty();
  }

  @Test
  void aThirtyDaySilenceIsTheLongestAccepted() throws Exception {
    HttpResponse<String> r = api("/silences", API_TOKEN, silenceJson("30d"));

    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(rig.alerts.silences()).hasSize(1);
  }

  @Test
  void silencingANameNothingIsWatchedUnderIs404AndSilencesNothing() throws Exception {
    HttpResponse<String> r = api("/silences", API_TOKEN,
        "{\"subject\": \"inference-log\", \"for\": \"2h\", \"reason\": \"typo\"}");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("nothing is watched under the name inference-log;"
        + " silence a pipeline, heartbeat or peer by its name (inference-logs)");
    assertThat(rig.alerts.silences()).isEmpty();
  }

  HttpResponse<String> delete(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).DELETE();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void deletingASilenceEndsItNowAndTheAlertThatStillFiresIsPagedAgain() throws Exception {
    HttpResponse<String> created = api("/silences", API_TOKEN, silenceJson("2h"));
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.body()).contains("silence 1: inference-logs silenced for 2h").contains("oobwatch silence --end 1");
    rig.advance(java.time.Duration.ofMinutes(6));
    int before = rig.twilio.requests();

    assertThat(delete("/silences/1", null).statusCode()).isEqualTo(401);
    assertThat(delete("/silences/1", "wrong").statusCode()).isEqualTo(403);
    HttpResponse<String> ended = delete("/silences/1", API_TOKEN);
    assertThat(ended.statusCode()).isEqualTo(200);
    assertThat(ended.body()).contains("silence 1 of inference-logs ended; alerts that still fire are paged again");
    assertThat(rig.alerts.silences()).isEmpty();
    rig.advance(java.time.Duration.ofSeconds(5));
    assertThat(rig.twilio.requests()).isGreaterThan(before);

    assertThat(delete("/silences/1", API_TOKEN).statusCode()).isEqualTo(409);
    assertThat(delete("/silences/7", API_TOKEN).statusCode()).isEqualTo(404);
    assertThat(delete("/silences/x", API_TOKEN).statusCode()).isEqualTo(400);
  }

  @Test
  void oobwatchSilenceEndEndsASilenceOnTheRunningDaemon() throws Exception {
    Path config = cliConfig();
    assertThat(Main.run("silence", "inference-logs", "--for", "2h", "--reason", "kafka upgrade", "-c", config.toString()))
        .isZero();

    assertThat(Main.run("silence", "--end", "1", "-c", config.toString())).isZero();
    assertThat(rig.alerts.silences()).isEmpty();
    assertThat(Main.run("silence", "--end", "1", "-c", config.toString())).isEqualTo(1);
    assertThat(Main.run("silence", "inference-log", "--for", "2h", "--reason", "typo", "-c", config.toString()))
        .isEqualTo(1);
    assertThat(Main.run("silence", "--end", "1", "--for", "2h", "-c", config.toString())).isEqualTo(2);
  }

  Path cliConfig() throws Exception {
    Files.writeString(dir.resolve("api-token"), API_TOKEN + "\n");
    Path config = dir.resolve("cli.yaml");
    Files.writeString(config, String.join("\n",
        "http: { listen: \"127.0.0.1:" + server.address().getPort() + "\", api_token_file: api-token }",
        "pipelines:",
        "  - name: inference-logs",
        "    canary:",
        "      inject: { http: { url: \"http://127.0.0.1:9/ingest\" } }",
        "      stages: [ { http: { url: \"http://127.0.0.1:9/q?id={canary_id}\" } } ]",
        ""));
    return config;
  }

  @Test
  void oobwatchAckAcknowledgesOnTheRunningDaemon() throws Exception {
    Path config = cliConfig();
    assertThat(Main.run("ack", "1", "-c", config.toString())).isZero();
    assertThat(state()).isEqualTo(Alert.State.ACKNOWLEDGED);
    assertThat(Main.run("ack", "42", "-c", config.toString())).isEqualTo(1);
    assertThat(Main.run("ack", "1", "-c", config.toString(), "--url", "http://127.0.0.1:9")).isEqualTo(3);
  }

  @Test
  void oobwatchSilenceIsVisibleInStatusAndHoldsPagesBack() throws Exception {
    Path config = cliConfig();
    assertThat(Main.run("silence", "inference-logs", "--for", "2h", "--reason", "kafka upgrade", "-c", config.toString()))
        .isZero();
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base() + "/status")).build(),
        HttpResponse.BodyHandlers.ofString()).body()).contains("inference-logs: kafka upgrade");
    assertThat(Main.run("silence", "inference-logs", "--for", "soon", "--reason", "x", "-c", config.toString()))
        .isEqualTo(1);
    int before = rig.twilio.requests();
    rig.advance(java.time.Duration.ofMinutes(20));
    assertThat(rig.twilio.requests()).isEqualTo(before);
  }
}
