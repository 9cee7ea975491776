package io.oobwatch.watchdog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.ConfigYaml;
import io.oobwatch.testkit.ConfigYaml.Canary;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.testkit.KafkaBroker;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.daemon.Daemon;
import io.oobwatch.watchdog.store.Alert;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipper hop, with a real shipper: the canary is appended to the service's log file, rsyslog
 * (imfile + omkafka, a child process of the test) ships the file to a real Kafka broker, and the
 * real daemon looks for it in the topic and pages a loopback Twilio through the real twilio-sdk.
 */
class ShipperTest {
  static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "e2e-token-0123456789";
  static final AtomicInteger RUN = new AtomicInteger();

  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @TempDir Path dir;
  Path log;
  String topic;
  Rsyslog rsyslog;
  FakeTwilio twilio;
  Daemon daemon;
  final ByteArrayOutputStream console = new ByteArrayOutputStream();

  @BeforeEach
  void shipTheLogFileToKafka() throws Exception {
    Rsyslog.need();
    topic = "shipped-logs-" + RUN.incrementAndGet();
    kafka.createTopic(topic, 1);
    log = Files.createDirectories(dir.resolve("log")).resolve("app.log");
    Files.writeString(log, "{\"msg\":\"service started\"}\n");
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r-----"));
    rsyslog = Rsyslog.ship(log, kafka.bootstrap(), topic, dir);
    twilio = FakeTwilio.start(SID, TOKEN);
    Path config = ConfigYaml.instance("wd-e2e")
        .canary("inference-logs", Canary.every("1s")
            .set("deadline", "6s")
            .set("slo", "4s")
            .set("poll", "250ms")
            .set("losses_to_fire", "2")
            .set("passes_to_resolve", "2")
            .inject("file: { path: \"" + log + "\" }")
            .stage(ConfigYaml.kafka(kafka.bootstrap(), topic)))
        .sms(twilio, "+15550001111")
        .oncall("alice", "+15550002222")
        .escalation("0s", "alice")
        .writeTo(dir);
    daemon = Daemon.start(new ConfigLoader().load(config), Clock.systemUTC(),
        new PrintStream(console, true, StandardCharsets.UTF_8), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {daemon, rsyslog, twilio}) {
      if (c != null) {
        c.close();
      }
    }
  }

  long ok() {
    return daemon.stores().canaries().counts("inference-logs", Instant.EPOCH).ok();
  }

  long failed() {
    return DarkDashboardTest.failures(daemon.stores());
  }

  void flowing(int canaries) {
    await().atMost(Duration.ofSeconds(60)).failFast("rsyslogd exited: " + rsyslog.output(), () -> !rsyslog.alive())
        .until(() -> ok() >= canaries);
  }

  @Test
  void canariesGoFromTheFileThroughRsyslogToKafkaAndARotationDuringTheRunPagesNobody() throws Exception {
    flowing(3);
    String shipped = Files.readString(log);

    // logrotate's default: rename, then create a new file with the same mode
    Path rotated = log.resolveSibling("app.log.1");
    Files.move(log, rotated);
    Files.writeString(log, "");
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r-----"));
    long okAtRotation = ok();
    await().atMost(Duration.ofSeconds(60)).until(() -> ok() >= okAtRotation + 6);

    assertThat(Files.readString(rotated)).startsWith(shipped);
    assertThat(Files.readString(log)).contains("\"synthetic\":true");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).isEqualTo("rw-r-----");
    assertThat(twilio.requests()).isZero();
    assertThat(daemon.stores().alerts().openAlert("inference-logs", "canary")).isEmpty();
    assertThat(failed()).as("canaries lost around the rotation").isLessThanOrEqualTo(1);
  }

  @Test
  void aFrozenShipperPagesOnceNamingTheFileToKafkaHopThenOnceMoreWhenItResumes() throws Exception {
    flowing(2);

    rsyslog.freeze();
    await().atMost(Duration.ofSeconds(40)).until(() -> twilio.delivered().size() == 1);
    assertThat(twilio.delivered().get(0).body())
        .contains("ALERT 1 inference-logs: canary lost between file and kafka")
        .containsPattern("not in kafka after 6(\\.[0-9])?s \\(2 in a row\\)")
        .contains("Reply ACK 1.");
    long failedAtPage = failed();
    await().atMost(Duration.ofSeconds(30)).until(() -> failed() >= failedAtPage + 3);
    assertThat(twilio.delivered()).hasSize(1);

    rsyslog.thaw();
    await().atMost(Duration.ofSeconds(60)).until(() -> twilio.delivered().size() == 2);
    assertThat(twilio.delivered().get(1).body()).contains("RESOLVED 1 inference-logs: canaries flow again");
    long okAtResolve = ok();
    await().atMost(Duration.ofSeconds(30)).until(() -> ok() >= okAtResolve + 3);
    assertThat(twilio.delivered()).hasSize(2);
    assertThat(daemon.stores().alerts().alerts(Instant.EPOCH)).singleElement().extracting(Alert::state)
        .isEqualTo(Alert.State.RESOLVED);
  }
}
