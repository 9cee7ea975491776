package io.oobwatch.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb installed and run under a live systemd (a container booted by systemd-nspawn, see
 * {@link Container}), the way an operator runs it: the unit's Type=notify start, its status line,
 * its hardening with a real JVM, credentials handed over by LoadCredential=, a page in the journal,
 * the watchdog restarting a frozen process, and a clean stop. The pipeline it watches is a
 * loopback HTTP "log store" in this test (POST /ingest keeps a record, GET /search?id= finds it),
 * which the test can stall.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveSystemdTest {
  static final String UNIT = "oobwatch.service";
  static final String TOKEN = "live-api-token-0123456789";

  @TempDir static Path dir;
  static Container container;
  static HttpServer pipeline;
  static final List<String> stored = new CopyOnWriteArrayList<>();
  static final AtomicBoolean stalled = new AtomicBoolean();
  static int statusPort;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void bootAndInstall() throws Exception {
    Container.unavailable().ifPresent(why -> Assumptions.abort(why));
    Path deb = Built.deb();
    startPipeline();
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      statusPort = s.getLocalPort();
    }
    try {
      container = Container.boot(dir);
    } catch (IllegalStateException e) {
      // the machine, not oobwatch: say so loudly in the report rather than fail the build
      Assumptions.abort("no live systemd here: " + e.getMessage());
    }
    Files.copy(deb, container.path("/root/oobwatch.deb"));
    container.exec("dpkg", "-i", "/root/oobwatch.deb").ok();
    String base = "http://127.0.0.1:" + pipeline.getAddress().getPort();
    Files.writeString(container.path("/etc/oobwatch/oobwatch.yaml"), String.join("\n",
        "instance: wd-live",
        "state_dir: /var/lib/oobwatch",
        "http:",
        "  listen: \"127.0.0.1:" + statusPort + "\"",
        "  api_token_file: ${OOBWATCH_CREDENTIALS:-/etc/oobwatch/credentials/}api-token",
        "pipelines:",
        "  - name: inference-logs",
        "    canary:",
        "      every: 2s",
        "      deadline: 4s",
        "      slo: 2s",
        "      poll: 250ms",
        "      losses_to_fire: 2",
        "      passes_to_resolve: 2",
        "      inject: { http: { url: \"" + base + "/ingest\" } }",
        "      stages:",
        "        - http: { name: store, url: \"" + base + "/search?id={canary_id}\" }",
        ""));
    // root-only, as an operator installs it; only LoadCredential= lets the service's user read it
    Path token = container.path("/etc/oobwatch/credentials/api-token");
    Files.writeString(token, TOKEN + "\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
  }

  static void startPipeline() throws IOException {
    pipeline = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    pipeline.createContext("/ingest", x -> {
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      if (!stalled.get()) {
        stored.add(body);
      }
      reply(x, 202, "");
    });
    pipeline.createContext("/search", x -> {
      String id = x.getRequestURI().getQuery().replaceFirst("^id=", "");
      reply(x, 200, String.join("\n", stored.stream().filter(r -> r.contains(id)).toList()));
    });
    pipeline.start();
  }

  static void reply(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      x.getResponseBody().write(b);
    }
    x.close();
  }

  @AfterAll
  static void powerOff() throws Exception {
    if (container != null) {
      container.close();
    }
    if (pipeline != null) {
      pipeline.stop(0);
    }
  }

  HttpResponse<String> request(String method, String path, String token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statusPort + path))
        .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(1)
  void enableNowReturnsOnceTheFirstRoundRanAndTheStatusLineSummarisesIt() throws Exception {
    // Type=notify: systemctl start returns only after READY=1, so the first canary already ran
    container.exec("systemctl", "enable", "--now", UNIT).ok();

    assertThat(container.show(UNIT, "ActiveState")).isEqualTo("active");
    assertThat(container.show(UNIT, "StatusText")).matches("1 pipeline, 0 firing, last canary [0-9.]+m?s");
    assertThat(stored).isNotEmpty();
    assertThat(request("GET", "/healthz", null).body().strip()).isEqualTo("ok");
    assertThat(container.journal(UNIT)).contains("systemd notification to NOTIFY_SOCKET=");
  }

  @Test
  @Order(2)
  void theHardenedUnitRunsTheJvmAndIsRatedOkBySystemdItself() throws Exception {
    String security = container.exec("systemd-analyze", "security", UNIT, "--no-pager").ok().output();

    assertThat(security).containsPattern("Overall exposure level for oobwatch.service: [0-2]\\.[0-9] OK");
    assertThat(container.show(UNIT, "DynamicUser")).isEqualTo("yes");
    assertThat(container.show(UNIT, "NRestarts")).isEqualTo("0");
  }

  @Test
  @Order(3)
  void aStalledStorePagesTheConsoleInTheJournalAndTheTokenFromTheCredentialsDirectoryAcksIt() throws Exception {
    stalled.set(true);

    await().atMost(Duration.ofSeconds(40)).until(() -> container.journal(UNIT)
        .contains("ALERT 1 inference-logs: canary lost between injection and store."));
    // STATUS= is recomputed every 2 s
    await().atMost(Duration.ofSeconds(10)).until(() -> container.show(UNIT, "StatusText").startsWith("1 pipeline, 1 firing"));
    assertThat(request("POST", "/alerts/1/ack", "wrong-token").statusCode()).isEqualTo(403);
    assertThat(request("POST", "/alerts/1/ack", TOKEN).statusCode()).isEqualTo(200);
    // each line carries its syslog priority: warnings and worse, without the info lines
    String warnings = container.exec("journalctl", "-u", UNIT, "-p", "warning", "--no-pager", "-o", "cat").ok().output();
    assertThat(warnings).contains("[WARN] ", "ALERT 1 inference-logs: canary lost", "refused from")
        .doesNotContain("[INFO] ", "systemd notification to NOTIFY_SOCKET=");
    // journald stamps the lines: oobwatch adds no timestamp of its own
    assertThat(container.journal(UNIT)).containsPattern("(?m)^\\[INFO\\] .*systemd notification to NOTIFY_SOCKET=")
        .doesNotContainPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT.*\\[(INFO|WARN)\\]");

    stalled.set(false);
    await().atMost(Duration.ofSeconds(40)).until(() -> container.journal(UNIT).contains("RESOLVED 1 inference-logs"));
  }

  @Test
  @Order(4)
  void aFrozenProcessStopsTheWatchdogPingsAndSystemdRestartsIt() throws Exception {
    // the shipped WatchdogSec (60s) made short by a drop-in, as an operator would with systemctl edit
    Path dropIn = Files.createDirectories(container.path("/etc/systemd/system/oobwatch.service.d"));
    Files.writeString(dropIn.resolve("watchdog.conf"), "[Service]\nWatchdogSec=4s\nRestartSec=1s\n");
    container.exec("systemctl", "daemon-reload").ok();
    container.exec("systemctl", "restart", UNIT).ok();
    String frozen = container.show(UNIT, "MainPID");

    container.exec("kill", "-STOP", frozen).ok();

    await().atMost(Duration.ofSeconds(40)).until(() -> container.show(UNIT, "NRestarts").equals("1")
        && container.show(UNIT, "ActiveState").equals("active") && !container.show(UNIT, "MainPID").equals(frozen));
    assertThat(container.exec("journalctl", "-u", UNIT, "--no-pager").output())
        .contains("Watchdog timeout (limit 4s)!");
  }

  @Test
  @Order(5)
  void stopEndsItCleanly() throws Exception {
    container.exec("systemctl", "stop", UNIT).ok();

    assertThat(container.show(UNIT, "ActiveState")).isEqualTo("inactive");
    assertThat(container.show(UNIT, "Result")).isEqualTo("success");
  }
}
