package io.oobwatch.watchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.testkit.FakeTwilio;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code oobwatch page-test} through the real twilio-sdk against a loopback Twilio. */
class PageTestCommandTest {
  static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "pagetest-token-0123456789";

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
    CommandLine cl = new CommandLine(Main.class);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 3];
    all[0] = "page-test";
    all[1] = "-c";
    all[2] = dir.resolve("oobwatch.yaml").toString();
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

  @Test
  void twiliosRefusalIsPrintedWithItsCodeAndTheExitIsNonZero() {
    twilio.rejectNumber("+15550002222", 21610);
    assertThat(run()).isEqualTo(1);
    assertThat(err.toString()).contains("SMS to alice (+15550002222) NOT sent", "unsubscribed", "[twilio error 21610]");
    assertThat(run("--to", "carol")).isEqualTo(2);
    assertThat(err.toString()).contains("\"carol\" is not in paging.oncall (known: alice, bob)");
  }
}
