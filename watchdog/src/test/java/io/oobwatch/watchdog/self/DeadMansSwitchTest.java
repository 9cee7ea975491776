package io.oobwatch.watchdog.self;

import static io.oobwatch.watchdog.status.StatusTrees.asJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import io.oobwatch.testkit.LoopbackHttp.Request;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.loopback.SilentServer;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadMansSwitchTest {
  final TestClock clock = TestClock.at("2026-11-27T08:41:00Z");
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  DeadMansSwitch switchTo(String url, Duration timeout) {
    return new DeadMansSwitch(new Config.DeadMansSwitch(url, Duration.ofMinutes(1), timeout), http, clock);
  }

  @Test
  void aWellDaemonPostsToThePingUrlAndADegradedOneToItsFailUrlWithTheReason() {
    try (LoopbackHttp hc = LoopbackHttp.start(request -> new Reply(200, "OK"))) {
      DeadMansSwitch dms = switchTo(hc.url("/ping/0b6f7d2e-uuid"), Duration.ofSeconds(2));

      assertThat(dms.ping(() -> null)).isTrue();
      assertThat(dms.ping(() -> "page 3 to alice not sent after 2 attempt(s): Twilio answered 503")).isTrue();

      assertThat(hc.requests()).extracting(Request::method, Request::path, Request::body).containsExactly(
          tuple("POST", "/ping/0b6f7d2e-uuid", "ok"),
          tuple("POST", "/ping/0b6f7d2e-uuid/fail",
              "page 3 to alice not sent after 2 attempt(s): Twilio answered 503"));
      assertThat(asJson(dms.status())).containsEntry("last_ping", "fail").containsEntry("delivered", true)
          .containsEntry("last_ping_at", "2026-11-27T08:41:00Z");
    }
  }

  @Test
  void thePingUrlIsACredentialAndIsNeverShownWhole() {
    try (LoopbackHttp hc = LoopbackHttp.start(request -> new Reply(404, "not found"))) {
      DeadMansSwitch dms = switchTo(hc.url("/ping/secret-uuid"), Duration.ofSeconds(2));
      assertThat(dms.ping(() -> null)).isFalse();
      assertThat(dms.status().toString()).doesNotContain("secret-uuid").contains("answered HTTP 404");
      assertThat(dms.masked()).isEqualTo(hc.url("/..."));
      assertThat(new Config.DeadMansSwitch(hc.url("/ping/secret-uuid"), Duration.ofMinutes(1), Duration.ofSeconds(1)).toString())
          .doesNotContain("secret-uuid");
    }
  }

  @Test
  void aPingTargetThatNeverAnswersCostsAtMostTheTimeout() {
    try (SilentServer hc = SilentServer.start()) {
      DeadMansSwitch dms = switchTo(hc.url("/ping/uuid"), Duration.ofMillis(500));
      long t0 = System.nanoTime();
      assertThat(dms.ping(() -> null)).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
      assertThat(asJson(dms.status()).get("error").toString()).contains("did not answer within 0.5s");
      assertThat(hc.accepted()).isEqualTo(1);
    }
  }
}
