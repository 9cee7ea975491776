package io.oobwatch.watchdog.daemon;

import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.page.DeliveryWatch;
import io.oobwatch.watchdog.page.PageDispatcher;
import io.oobwatch.watchdog.page.Pager;
import io.oobwatch.watchdog.page.TestPages;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.Stores;
import io.oobwatch.watchdog.server.Health;
import io.oobwatch.watchdog.server.StatusServer;
import io.oobwatch.watchdog.server.StatusSource;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Paging as the daemon wires it (same pager, dispatcher settings and alerts), on a simulated clock:
 * a real SQLite file, the real twilio-sdk, and a loopback Twilio. {@link #tick()} is one escalation
 * pass followed by one outbox pass, what the daemon's threads do every second; {@link #run} adds
 * following each sent page to its final status.
 */
final class PagingRig implements AutoCloseable {
  static final String SID = "AC" + "00112233445566778899aabbccddeeff";
  static final String TOKEN = "rig-token-00112233445566778899";
  static final String FALLBACK_SID = "AC" + "ffeeddccbbaa99887766554433221100";
  static final String FALLBACK_TOKEN = "fallback-token-998877665544332211";
  static final String ALICE = "+15550002222";
  static final String BOB = "+15550003333";
  static final String CAROL = "+15550004444";
  static final String PUBLIC_URL = "https://wd-test.example.net";

  final TestClock clock = TestClock.at("2026-11-27T03:00:00Z");
  final FakeTwilio twilio = FakeTwilio.start(SID, TOKEN);
  final FakeTwilio fallbackTwilio = FakeTwilio.start(FALLBACK_SID, FALLBACK_TOKEN);
  final ByteArrayOutputStream console = new ByteArrayOutputStream();
  final Config config;
  final Stores store;
  final Pager pager;
  final PageDispatcher dispatcher;
  final Alerts alerts;
  final DeliveryWatch deliveries;
  /** Test pages sent at once on the caller's thread. */
  final TestPages testPages;

  /**
   * @param paging the YAML under {@code paging:} after the twilio account (oncall, escalation, ...),
   *     two-space indented; {@code API_BASE} is replaced by the fake's URL
   */
  PagingRig(Path dir, String paging) throws Exception {
    this(dir, paging, null);
  }

  PagingRig(Path dir, String paging, String apiBase) throws Exception {
    String yaml = String.join("\n",
        "instance: wd-test",
        "state_dir: state",
        "http: { listen: \"127.0.0.1:0\", public_url: \"" + PUBLIC_URL + "\", api_token: \"${API_TOKEN}\" }",
        "pipelines:",
        "  - name: inference-logs",
        "    canary:",
        "      inject: { http: { url: \"http://127.0.0.1:9/ingest\" } }",
        "      stages: [ { http: { url: \"http://127.0.0.1:9/q?id={canary_id}\" } } ]",
        "paging:",
        "  twilio: { account_sid: \"${TW_SID}\", auth_token: \"${TW_TOKEN}\", from: \"+15550001111\", api_base: \""
            + (apiBase == null ? twilio.baseUrl() : apiBase) + "\" }",
        paging.replace("FALLBACK_BASE", fallbackTwilio.baseUrl()),
        "");
    Map<String, String> env = Map.of("TW_SID", SID, "TW_TOKEN", TOKEN, "FB_SID", FALLBACK_SID,
        "FB_TOKEN", FALLBACK_TOKEN, "API_TOKEN", "api-token-0123456789");
    config = new ConfigLoader(env::get).parse("rig.yaml", dir, yaml);
    store = Stores.open(config.stateDir());
    pager = Daemon.pager(config, clock, new PrintStream(console, true));
    dispatcher = new PageDispatcher(store.outbox(), pager, clock, Daemon.dispatchSettings(config));
    alerts = new Alerts(config.instance(), store.alerts(), config.paging(), clock, () -> { });
    deliveries = Daemon.deliveryWatch(config, store, pager, clock, alerts);
    testPages = new TestPages(config.instance(), store.testPages(), pager, clock, Runnable::run);
  }

  /** The paging endpoints' view of this rig, as the daemon wires it. */
  DaemonPaging paging(Runnable changed) {
    return new DaemonPaging(config, alerts, clock, deliveries, testPages, changed);
  }

  /**
   * The daemon's HTTP server on a free loopback port, answering the paging endpoints through this rig
   * ({@link #paging}); its /status is empty and /healthz ok.
   */
  StatusServer serve() throws java.io.IOException {
    return StatusServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new StatusSource() {
      @Override
      public Health health() {
        return new Health(true, "ok");
      }

      @Override
      public Object status() {
        return Map.of();
      }
    }, paging(() -> { }));
  }

  /** What the daemon does every second: escalate, then send what is due. */
  int tick() {
    alerts.escalate();
    return dispatcher.sendDue();
  }

  /**
   * What the daemon's threads do in {@code d} on the simulated clock, one second at a time:
   * escalate, send, and follow sent pages to their final status.
   */
  void run(Duration d) {
    for (long s = 0; s < d.toSeconds(); s++) {
      clock.advance(Duration.ofSeconds(1));
      tick();
      deliveries.check();
      tick();
    }
  }

  void advance(Duration d) {
    clock.advance(d);
    tick();
  }

  Alert raise(String subject) {
    return alerts.raise(subject, Rule.CANARY, "elasticsearch", "canary lost between kafka and elasticsearch",
        a -> "ALERT " + a.id() + " " + subject + ": canary lost between kafka and elasticsearch. Reply ACK " + a.id() + ".");
  }

  /** Texts delivered to {@code phone}, oldest first, as worded: without the outbox key the dispatcher ends them with. */
  List<String> smsTo(String phone) {
    return twilio.delivered().stream().filter(m -> m.to().equals(phone))
        .map(m -> m.body().replaceFirst(" \\(p[0-9a-z]+\\)$", "")).toList();
  }

  List<FakeTwilio.Call> callsTo(String phone) {
    return twilio.calls().stream().filter(c -> c.to().equals(phone)).toList();
  }

  @Override
  public void close() {
    store.close();
    twilio.close();
    fallbackTwilio.close();
  }
}
