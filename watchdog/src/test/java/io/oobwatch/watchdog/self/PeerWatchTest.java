package io.oobwatch.watchdog.self;

import static io.oobwatch.watchdog.status.StatusTrees.asJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import io.oobwatch.testkit.LoopbackHttp.Request;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.loopback.SilentServer;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.OutboxEntry;
import io.oobwatch.watchdog.store.Stores;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Peer checks against real loopback servers; alerts and pages in a real SQLite store. */
class PeerWatchTest {
  @TempDir Path dir;
  final TestClock clock = TestClock.at("2026-11-27T08:41:00Z");
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  Stores store;
  Alerts alerts;

  @BeforeEach
  void open() {
    store = Stores.open(dir.resolve("state"));
    alerts = new Alerts("wd-eu-1", store.alerts(), null, clock, () -> {});
  }

  @AfterEach
  void close() {
    store.close();
  }

  PeerWatch peer(String url, Duration timeout) {
    return new PeerWatch("wd-eu-1", new Config.Peer("wd-us-1", url, Duration.ofSeconds(30), 3, timeout), http, alerts, clock);
  }

  List<String> pages() {
    return store.outbox().pages(50).stream().map(OutboxEntry::body).toList();
  }

  static String refusingUrl() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return "http://127.0.0.1:" + s.getLocalPort() + "/healthz";
    }
  }

  @Test
  void aPeerSilentForFailuresToFireRoundsIsPagedOnceAndResolvedWhenItAnswersAgain() throws Exception {
    try (LoopbackHttp healthy = LoopbackHttp.start(request -> new Reply(200, "OK"))) {
      PeerWatch up = peer(healthy.url("/healthz"), Duration.ofSeconds(2));
      up.check();
      assertThat(asJson(up.status())).containsEntry("answering", true);
      assertThat(healthy.requests()).extracting(Request::method, Request::path, Request::body)
          .containsExactly(tuple("GET", "/healthz", ""));
    }
    PeerWatch p = peer(refusingUrl(), Duration.ofSeconds(2));
    p.check();
    clock.advance(Duration.ofSeconds(30));
    p.check();
    assertThat(store.alerts().openAlert("peer wd-us-1", "peer")).isEmpty();
    clock.advance(Duration.ofSeconds(30));
    p.check();
    Alert a = store.alerts().openAlert("peer wd-us-1", "peer").orElseThrow();
    assertThat(a.summary()).isEqualTo("silent since 08:41Z");
    assertThat(pages()).singleElement().asString()
        .startsWith("[oobwatch wd-eu-1] ALERT " + a.id() + " peer wd-us-1: silent since 08:41Z. 3 checks in a row failed: ")
        .contains("127.0.0.1:").contains(" refused the connection.").endsWith("Reply ACK " + a.id() + ".");
    clock.advance(Duration.ofSeconds(30));
    p.check();
    assertThat(pages()).hasSize(1);
    assertThat(asJson(p.status())).containsEntry("failures_in_a_row", 4).containsEntry("answering", false)
        .containsEntry("failing_since", "2026-11-27T08:41:00Z");
  }

  @Test
  void aPeerThatAnswersAgainResolvesItsAlert() throws Exception {
    try (LoopbackHttp peerServer =
        LoopbackHttp.start(request -> new Reply(503, "evaluation of pipeline logs stalled since 2026-11-27T08:39:00Z\n"))) {
      PeerWatch p = peer(peerServer.url("/healthz"), Duration.ofSeconds(2));
      for (int i = 0; i < 3; i++) {
        p.check();
        clock.advance(Duration.ofSeconds(30));
      }
      Alert a = store.alerts().openAlert("peer wd-us-1", "peer").orElseThrow();
      assertThat(a.summary()).isEqualTo("unhealthy since 08:41Z");
      assertThat(asJson(p.status()).get("error").toString())
          .isEqualTo(peerServer.url("").substring("http://".length()) + " answered HTTP 503: evaluation of pipeline logs stalled since 2026-11-27T08:39:00Z");
      // too long for one SMS with the evidence: the short form keeps who, what and since when
      assertThat(pages().get(0)).isEqualTo("wd-eu-1: ALERT " + a.id() + " peer wd-us-1: unhealthy since 08:41Z. 3 checks in a row failed. Reply ACK " + a.id() + ".");

      // resolve notices go to the people the alert's pages reached: deliver the alert page first
      store.outbox().duePages(clock.instant()).forEach(e -> store.outbox().pageSent(e.id(), "SM" + e.id(), clock.instant()));
      peerServer.answer(new Reply(200, "ok\n"));
      p.check();
      assertThat(store.alerts().openAlert("peer wd-us-1", "peer")).isEmpty();
      assertThat(store.alerts().alerts(Instant.EPOCH)).singleElement().extracting(Alert::state).isEqualTo(Alert.State.RESOLVED);
      assertThat(pages()).hasSize(2).first().asString()
          .isEqualTo("[oobwatch wd-eu-1] RESOLVED " + a.id() + " peer wd-us-1: answers again at 08:42Z. Was: unhealthy since 08:41Z.");
    }
  }

  @Test
  void aHangingPeerCostsEachCheckAtMostItsTimeoutAndIsPagedAsSilent() {
    try (SilentServer hanging = SilentServer.start()) {
      PeerWatch p = peer(hanging.url("/healthz"), Duration.ofMillis(300));
      long t0 = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        p.check();
      }
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("3 checks of a hanging peer").isLessThan(Duration.ofSeconds(4));
      assertThat(hanging.accepted()).isGreaterThanOrEqualTo(1);
      assertThat(store.alerts().openAlert("peer wd-us-1", "peer")).get().extracting(Alert::summary).isEqualTo("silent since 08:41Z");
      assertThat(pages()).singleElement().asString().contains("did not answer within 0.3s");
    }
  }
}
