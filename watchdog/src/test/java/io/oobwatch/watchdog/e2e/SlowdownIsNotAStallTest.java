package io.oobwatch.watchdog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.LearnedLatency;
import io.oobwatch.testkit.ConfigYaml;
import io.oobwatch.testkit.ConfigYaml.Canary;
import io.oobwatch.testkit.KafkaBroker;
import io.oobwatch.testkit.OpenSearchNode;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.daemon.Daemon;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.store.Alert;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a real Kafka broker, a real OpenSearch node and a busy pipeline (5 real records a second):
 * a connector that falls 8 s behind but keeps indexing is a slowdown (SLOW, never a page); the same
 * connector stalled pages, judged LATE by the learned bound when that is shorter than the deadline.
 */
class SlowdownIsNotAStallTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @RegisterExtension static final OpenSearchNode opensearch = new OpenSearchNode();

  @TempDir Path dir;
  Connector connector;
  InferenceTraffic traffic;
  Daemon daemon;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    if (traffic != null) {
      traffic.close();
    }
    if (connector != null) {
      connector.close();
    }
  }

  Optional<Alert> alert() {
    return daemon.stores().alerts().openAlert("inference-logs", Rule.CANARY.id());
  }

  long counted(CanaryOutcome.Verdict v) {
    var c = daemon.stores().canaries().counts("inference-logs", Instant.EPOCH);
    return switch (v) {
      case OK -> c.ok();
      case SLOW -> c.slow();
      case LOST -> c.lost();
      case UNREACHABLE -> c.unreachable();
    };
  }

  @Test
  void aConnectorEightSecondsBehindThatKeepsIndexingIsSlowNeverPagedAndAStalledOnePagesByTheLearnedBound()
      throws Exception {
    String topic = "slowdown";
    kafka.createTopic(topic, 3);
    connector = new Connector(kafka.bootstrap(), topic, opensearch.url(), "slowdown-2026.11.27");
    traffic = new InferenceTraffic(kafka.bootstrap(), topic, Duration.ofMillis(200));
    Path config = ConfigYaml.instance("wd-e2e")
        .canary("inference-logs", Canary.every("2s")
            .set("deadline", "30s")
            .set("slo", "25s")
            .set("losses_to_fire", "2")
            .set("learn_from", "10")
            .inject(ConfigYaml.kafka(kafka.bootstrap(), topic))
            .stage(ConfigYaml.kafka(kafka.bootstrap(), topic))
            .stage(ConfigYaml.elasticsearch(opensearch.url(), "slowdown-*", "5s")))
        .writeTo(dir);
    daemon = Daemon.start(new ConfigLoader().load(config), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Map.of());

    await().atMost(Duration.ofSeconds(180)).until(() -> counted(CanaryOutcome.Verdict.OK) >= 12);
    LearnedLatency.Bound learned = daemon.watches().get(0).snapshot().learned().get("elasticsearch");
    assertThat(learned).as("learned from 10 arrivals").isNotNull();

    // the slowdown: within a second the sink is 8 s behind, every record, canaries included, indexed
    // 8 s late, and it keeps indexing all along (the records of that second trickle in while it falls
    // behind; a sink that stops writing altogether is a stall, however short). Abrupt, so the first
    // canary that is 8 s late is past the learned bound before the bound has learned the slowdown.
    long slowBefore = counted(CanaryOutcome.Verdict.SLOW);
    connector.slowDown(Duration.ofSeconds(8), Duration.ofSeconds(1));
    await().during(Duration.ofSeconds(40)).atMost(Duration.ofSeconds(45)).until(() -> alert().isEmpty());
    connector.catchUp();
    await().atMost(Duration.ofSeconds(60)).until(() -> connector.backlog() == 0);
    assertThat(counted(CanaryOutcome.Verdict.LOST)).isZero();
    if (learned.late().compareTo(Duration.ofSeconds(7)) < 0) {
      assertThat(counted(CanaryOutcome.Verdict.SLOW)).as("arrivals 8 s late, past the learned bound %s", learned.late())
          .isGreaterThan(slowBefore);
    }

    // the stall: nothing is indexed any more
    long okNow = counted(CanaryOutcome.Verdict.OK);
    await().atMost(Duration.ofSeconds(60)).until(() -> counted(CanaryOutcome.Verdict.OK) >= okNow + 2);
    Duration bound = daemon.watches().get(0).snapshot().learned().get("elasticsearch").late();
    Instant fault = Instant.now();
    connector.stall();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> alert().isPresent());
    Duration faultToAlert = Duration.between(fault, Instant.now());
    System.out.printf("slowdown then stall: learned bound %s, fault to alert %s%n", bound, faultToAlert);
    // two canaries (every 2 s) must be judged LATE before the first reaches the 30 s deadline, with
    // slack for this shared machine; a bound the slowdown pushed closer to the deadline than that
    // races the deadline, and either verdict is right, as long as it pages by the deadline
    if (bound.plusSeconds(4 + 5).compareTo(Duration.ofSeconds(30)) < 0) {
      assertThat(alert().get().summary()).isEqualTo("stalled between kafka and elasticsearch");
      assertThat(faultToAlert).isLessThan(bound.plusSeconds(4 + 5));
    } else {
      assertThat(alert().get().summary()).isIn("stalled between kafka and elasticsearch",
          "canary lost between kafka and elasticsearch");
      assertThat(faultToAlert).isLessThan(Duration.ofSeconds(30 + 4 + 5));
    }
  }
}
