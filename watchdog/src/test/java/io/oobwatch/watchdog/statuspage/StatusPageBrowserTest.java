package io.oobwatch.watchdog.statuspage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.ConfigYaml;
import io.oobwatch.testkit.ConfigYaml.Canary;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.watchdog.cli.Main;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.daemon.Daemon;
import io.oobwatch.watchdog.loopback.LoopbackPipeline;
import io.oobwatch.watchdog.store.Alert;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real browser (Debian's chromium, headless) against the real daemon watching
 * the loopback pipeline, paging through the real twilio-sdk to a loopback Twilio. Each test that
 * opens the page saves a screenshot to target/screenshots, and a failing one saves what the browser
 * showed as it failed ({@link Screenshots}).
 */
class StatusPageBrowserTest {
  static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
  static final String TWILIO_TOKEN = "page-token-0123456789";
  static final String API_TOKEN = "status-page-api-token-42";
  static final String ALICE = "+15550002222";
  static final String BOB = "+15550003333";
  /** The page refreshes every 5 s; "within one refresh" allows one refresh and the round before it. */
  static final Duration ONE_REFRESH = Duration.ofSeconds(12);

  /**
   * One desktop browser for the class: chromium starts in seconds on a loaded machine. Each case
   * opens its own daemon's page (another port: another origin), and what a page kept is forgotten
   * after each case. The phone, emulated from its start, has a browser of its own.
   */
  static Browser desktop;

  @TempDir Path dir;
  LoopbackPipeline pipeline;
  FakeTwilio twilio;
  Daemon daemon;
  Browser browser;
  @RegisterExtension final Screenshots screenshots = new Screenshots(() -> browser);
  Path config;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    pipeline = LoopbackPipeline.start();
    twilio = FakeTwilio.start(SID, TWILIO_TOKEN);
    config = ConfigYaml.instance("wd-page")
        .apiToken("api-token", API_TOKEN)
        .canary("inference-logs", Canary.every("1s")
            .set("deadline", "2s")
            .set("poll", "100ms")
            .set("losses_to_fire", "1")
            .set("passes_to_resolve", "1")
            .inject("http: { url: \"" + pipeline.base() + "/ingest\" }")
            .stage("http: { name: store, url: \"" + pipeline.base() + "/search?q={canary_id}\", timeout: 60s }"))
        .sms(twilio, "+15550001111")
        .oncall("alice", ALICE)
        .oncall("bob", BOB)
        .escalation("0s", "alice")
        .escalation("15s", "bob")
        .writeTo(dir);
    daemon = Daemon.start(new ConfigLoader().load(config), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @AfterAll
  static void closeDesktop() {
    if (desktop != null) {
      desktop.close();
    }
  }

  @AfterEach
  void stop() {
    try {
      if (browser == desktop && browser != null) {
        browser.forget();
      } else if (browser != null) {
        browser.close();
      }
    } finally {
      if (daemon != null) {
        daemon.close();
      }
      if (twilio != null) {
        twilio.close();
      }
      if (pipeline != null) {
        pipeline.close();
      }
    }
  }

  String base() {
    return "http://127.0.0.1:" + daemon.httpAddress().getPort();
  }

  long judged() {
    return daemon.stores().canaries().counts("inference-logs", java.time.Instant.EPOCH).ok();
  }

  void openPage(org.openqa.selenium.Dimension size) {
    if (size.equals(Browser.DESKTOP)) {
      if (desktop == null) {
        desktop = Browser.start(Browser.DESKTOP);
      }
      browser = desktop;
    } else {
      browser = Browser.start(size);
    }
    browser.open(base() + "/");
  }

  /** Breaks the pipeline and waits until the page shows the alert, without reloading it. */
  void breakPipelineAndSeeTheAlert() {
    await().atMost(Duration.ofSeconds(30)).until(() -> judged() >= 2);
    openPage(Browser.DESKTOP);
    pipeline.drop();
    await().atMost(Duration.ofSeconds(20)).until(() -> daemon.stores().alerts().openAlert("inference-logs", "canary").isPresent());
    await().atMost(ONE_REFRESH).until(() -> browser.text("#alerts tr.alert.firing").contains("inference-logs"));
  }

  @Test
  void inSteadyStateThePageShowsTheChainAllGreenWithLatencyAndDeadlineAndNoAlert() {
    await().atMost(Duration.ofSeconds(30)).until(() -> judged() >= 3);
    openPage(Browser.DESKTOP);

    await().atMost(ONE_REFRESH).until(() -> browser.all("#pipeline-inference-logs li.stage.st-SEEN").size() == 2);
    assertThat(browser.all("li.hop.broken")).isEmpty();
    assertThat(browser.text("#summary")).contains("All watched pipelines OK");
    assertThat(browser.text("li.stage[data-stage=store]")).contains("SEEN").containsPattern("\\d+ ms").contains("deadline 2s");
    assertThat(browser.text("#alerts")).contains("No open alert.");
    // the day's timeline and the store's latency chart are drawn once the history has been read
    await().atMost(ONE_REFRESH).until(() -> !browser.all("svg.timeline rect.t-ok").isEmpty()
        && !browser.all(".latency[data-stage=store] polyline.l-p99").isEmpty());
    assertThat(browser.text("#paging")).contains("channel: ").contains("no paging problem");
    assertThat(browser.screenshot("status-page-steady")).exists();
  }

  /**
   * One broken pipeline, seen read-only: the red hop and the firing alert within one refresh, then
   * the buttons refused without the token and a wrong token refused by the server.
   */
  @Test
  void whenTheStoreStopsKeepingRecordsThePageShowsTheRedHopAndTheFiringAlertWithinOneRefreshAndWithoutTheTokenTheButtonsAreRefused() {
    breakPipelineAndSeeTheAlert();

    await().atMost(ONE_REFRESH).until(() -> browser.all("li.hop.broken[data-hop='entry→store']").size() == 1);
    assertThat(browser.find("li.stage[data-stage=store]").getAttribute("class")).contains("st-LOST");
    assertThat(browser.text("#summary")).contains("1 alert firing");
    String row = browser.text("#alerts tr.alert.firing");
    assertThat(row).contains("inference-logs").contains("firing").contains("step(s) paged");
    await().atMost(ONE_REFRESH).until(() -> browser.text("#alerts tr.alert td.pages").contains("fire → alice: sent"));
    assertThat(browser.screenshot("status-page-broken-hop")).exists();

    assertThat(browser.find("button.ack").isEnabled()).isFalse();
    assertThat(browser.find("button.silence").isEnabled()).isFalse();
    assertThat(browser.text("#token-state")).contains("read-only");

    browser.find("#token").sendKeys("not-the-token");
    browser.find("#use-token").click();
    await().atMost(ONE_REFRESH).until(() -> browser.find("button.ack").isEnabled());
    browser.find("button.ack").click();

    await().atMost(Duration.ofSeconds(5)).until(() -> browser.text("#notice").contains("refused (403): wrong API token"));
    assertThat(daemon.stores().alerts().openAlert("inference-logs", "canary")).get()
        .extracting(Alert::state).isEqualTo(Alert.State.FIRING);
    // the token was used, not stored: not in the page, not in a cookie, not in the tab's storage
    assertThat(browser.driver().getPageSource()).doesNotContain("not-the-token");
    assertThat(browser.driver().manage().getCookies()).isEmpty();
    assertThat(browser.driver().executeScript("return window.sessionStorage.length;")).isEqualTo(0L);
    assertThat(browser.screenshot("status-page-refused")).exists();
  }

  @Test
  void acknowledgingWithTheTokenShowsTheAlertAcknowledgedAndTheEscalationStops() {
    breakPipelineAndSeeTheAlert();
    Alert alert = daemon.stores().alerts().openAlert("inference-logs", "canary").orElseThrow();

    browser.find("#token").sendKeys(API_TOKEN);
    browser.find("#remember").click();
    browser.find("#use-token").click();
    await().atMost(ONE_REFRESH).until(() -> browser.find("button.ack").isEnabled());
    browser.find("button.ack").click();

    await().atMost(ONE_REFRESH).until(() -> browser.text("#alert-" + alert.id() + " td.alert-state").contains("acknowledged"));
    assertThat(browser.text("#notice")).contains("acknowledged");
    assertThat(browser.text("#alert-" + alert.id() + " td.escalation")).contains("stopped");
    assertThat(browser.all("button.ack")).isEmpty();
    // remembered in this tab only, because the box was ticked
    assertThat(browser.driver().executeScript("return window.sessionStorage.getItem('oobwatch-api-token');"))
        .isEqualTo(API_TOKEN);
    assertThat(browser.screenshot("status-page-acknowledged")).exists();

    // bob's step was due 15 s after the alert opened: past it, only alice was ever paged
    await().atMost(Duration.ofSeconds(30)).until(() ->
        Duration.between(alert.openedAt(), java.time.Instant.now()).compareTo(Duration.ofSeconds(18)) > 0);
    assertThat(twilio.delivered()).extracting(FakeTwilio.Message::to).containsOnly(ALICE);
  }

  @Test
  void silencingWithTheTokenListsTheSilenceOnThePage() {
    breakPipelineAndSeeTheAlert();
    browser.find("#token").sendKeys(API_TOKEN);
    browser.find("#use-token").click();
    await().atMost(ONE_REFRESH).until(() -> browser.find("button.silence").isEnabled());

    browser.find("button.silence").click();

    await().atMost(ONE_REFRESH).until(() -> browser.text("#paging").contains("silenced: inference-logs until"));
    assertThat(browser.text("#notice")).contains("inference-logs");
    assertThat(daemon.alerts().silences()).singleElement().satisfies(s -> assertThat(s.subject()).isEqualTo("inference-logs"));
    browser.driver().executeScript("arguments[0].scrollIntoView()", browser.find("#paging"));
    assertThat(browser.screenshot("status-page-silenced")).exists();
  }

  @Test
  void aTestPageSentThroughTheDaemonShowsUnderPagingWithItsDelivery() {
    openPage(Browser.DESKTOP);
    await().atMost(ONE_REFRESH).until(() -> browser.text("#paging").contains("last test page: none"));

    assertThat(Main.run("page-test", "-c", config.toString(), "--url", base())).isZero();

    await().atMost(ONE_REFRESH).until(() -> browser.text("#paging")
        .matches("(?s).*last test page: \\d\\d:\\d\\d:\\d\\dZ, SMS to alice \\+1555…22, delivered in .*"));
    assertThat(browser.all("#paging li.test-page.ok")).hasSize(1);
    browser.driver().executeScript("arguments[0].scrollIntoView()", browser.find("#paging"));
    assertThat(browser.screenshot("status-page-test-page")).exists();
  }

  @Test
  void whenOobwatchItselfCannotBeReachedThePageSaysSoAndKeepsShowingTheLastAnswer() {
    await().atMost(Duration.ofSeconds(30)).until(() -> judged() >= 2);
    openPage(Browser.DESKTOP);
    await().atMost(ONE_REFRESH).until(() -> browser.all("li.stage.st-SEEN").size() == 2);

    daemon.close();
    daemon = null;

    await().atMost(ONE_REFRESH).until(() -> browser.text("#connection").startsWith("cannot reach oobwatch"));
    assertThat(browser.all("li.stage.st-SEEN")).hasSize(2);
    assertThat(browser.find("body").getAttribute("class")).contains("stale");
    assertThat(browser.screenshot("status-page-unreachable")).exists();
  }

  @Test
  void onAPhoneThePageFitsTheScreenWidthAndStacksTheChain() {
    await().atMost(Duration.ofSeconds(30)).until(() -> judged() >= 2);
    pipeline.drop();
    await().atMost(Duration.ofSeconds(20)).until(() -> daemon.stores().alerts().openAlert("inference-logs", "canary").isPresent());
    openPage(Browser.PHONE);
    // the alerts are read again on the daemon's escalation tick, within a second of the alert opening
    await().atMost(ONE_REFRESH).until(() -> !browser.all("li.hop.broken").isEmpty()
        && !browser.all("#alerts tr.alert").isEmpty());

    assertThat(browser.driver().executeScript("return window.innerWidth;")).isEqualTo(390L);
    assertThat(browser.overflowsSideways()).isFalse();
    var entry = browser.find("li.stage[data-stage=entry]").getRect();
    var store = browser.find("li.stage[data-stage=store]").getRect();
    assertThat(store.getY()).isGreaterThan(entry.getY() + entry.getHeight() - 1);
    assertThat(browser.find("#alerts tr.alert").getRect().getWidth()).isLessThanOrEqualTo(Browser.PHONE.getWidth());
    assertThat(browser.screenshot("status-page-phone")).exists();
  }

  @Test
  void thePageAndItsFilesComeWithTheSecurityHeadersAndNoInlineScript() throws Exception {
    for (String path : new String[] {"/", "/static/page.js", "/static/page.css"}) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).get().asString()
          .contains("default-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
      assertThat(r.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
    }
    String html = http.send(HttpRequest.newBuilder(URI.create(base() + "/")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(html).contains("<script src=\"/static/page.js\" defer></script>")
        .doesNotContainPattern("<script>|<script [^>]*>[^<]").doesNotContain("style=\"")
        .doesNotContainPattern("(src|href)=\"(https?:)?//");
  }

  @Test
  void theHistoryEndpointsAnswerJsonForAWatchedPipelineAnd404OtherwiseAndTheyKeepAnsweringWhileThePipelineHangs()
      throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> judged() >= 2);
    await().atMost(Duration.ofSeconds(15)).until(() ->
        get("/history/canaries?pipeline=inference-logs").body().contains("\"ok\" : "));
    HttpResponse<String> canaries = get("/history/canaries?pipeline=inference-logs");
    assertThat(canaries.statusCode()).isEqualTo(200);
    assertThat(canaries.body()).contains("\"bucket\" : \"10m\"").contains("\"stage\" : \"store\"").contains("\"p99_ms\"");
    assertThat(get("/history/signals?pipeline=inference-logs").statusCode()).isEqualTo(200);
    assertThat(get("/history/canaries?pipeline=nope").statusCode()).isEqualTo(404);
    assertThat(get("/history/canaries").statusCode()).isEqualTo(400);

    pipeline.hang();
    try {
      long before = System.nanoTime();
      assertThat(get("/").statusCode()).isEqualTo(200);
      assertThat(get("/history/canaries?pipeline=inference-logs").statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
    } finally {
      pipeline.release();
    }
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
