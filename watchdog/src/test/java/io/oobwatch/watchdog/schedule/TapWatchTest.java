package io.oobwatch.watchdog.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.probes.kafka.KafkaConfig;
import io.oobwatch.testkit.KafkaBroker;
import io.oobwatch.testkit.TestClock;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.quality.InferenceTraffic;
import io.oobwatch.watchdog.quality.MinuteTallies;
import io.oobwatch.watchdog.quality.Tally;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.QualityStore;
import io.oobwatch.watchdog.store.Stores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tap against a real Kafka broker: records counted into stored minutes (never kept raw),
 * canaries and bad records (a record over 1 MB among them) handled, no offset ever committed, and
 * at start everything since the last stored minute (the last day, with an empty state_dir) counted
 * again from the topic's retained history, so that a restarted oobwatch judges at once.
 */
class TapWatchTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @TempDir Path dir;
  /** Record timestamps and the tap's clock agree: both on a clock set to the real time at the start. */
  final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(30));
  Stores stores;
  TapWatch tap;

  @AfterEach
  void close() {
    if (tap != null) {
      tap.close();
    }
    if (stores != null) {
      stores.close();
    }
  }

  TapWatch tap(String topic) {
    stores = Stores.open(dir);
    KafkaConfig cfg = new KafkaConfig(kafka.bootstrap(), topic, Duration.ofSeconds(10));
    tap = new TapWatch("inference", cfg.tap("oobwatch-wd-test", null), QualityWeekTest.SPEC, stores.quality(), clock);
    return tap;
  }

  void produce(String topic, Instant at, String value) {
    kafka.producer().send(new ProducerRecord<>(topic, null, at.toEpochMilli(), null, value));
  }

  /** Polls until the tap has read {@code n} records and is at the end of the topic, then stores its minutes. */
  void readAll(long n) {
    // the tap is used from one thread, as its own thread uses it in the daemon
    await().pollInSameThread().atMost(Duration.ofSeconds(60)).until(() -> {
      tap.pollOnce(200);
      return tap.health().records() >= n && tap.health().lag() == 0;
    }, done -> done);
    tap.flush(clock.instant());
  }

  Tally stored(Instant from, Instant to) {
    return Tally.of(stores.quality().minutes("inference", from, to).stream().map(r -> Tally.decode(r.tally())).toList());
  }

  @Test
  void recordsAreCountedIntoStoredMinutesCanariesLeftOutBadRecordsCountedAndNothingCommitted() throws Exception {
    kafka.createTopic("logs-a", 3);
    tap("logs-a").rebuild();
    InferenceTraffic traffic = new InferenceTraffic(1);
    Instant minute = MinuteTallies.minuteOf(clock.instant());
    List<InferenceTraffic.Timed> records = traffic.minute(minute);
    records.forEach(r -> produce("logs-a", r.at(), new String(r.value(), StandardCharsets.UTF_8)));
    produce("logs-a", minute.plusSeconds(1), "{\"request_id\":\"canary\",\"synthetic\":true}");
    produce("logs-a", minute.plusSeconds(2), "<html>502 Bad Gateway</html>");
    produce("logs-a", minute.plusSeconds(3), "{\"request_id\":\"r\",\"finish_reason\":7}");
    kafka.producer().flush();

    readAll(records.size() + 3);

    Tally t = stored(minute, minute.plusSeconds(60));
    assertThat(t.records()).isEqualTo(records.size() + 1);
    assertThat(t.synthetic()).isEqualTo(1);
    assertThat(t.problemsInWords()).contains("1 not JSON").contains("missing confidence");
    assertThat(tap.health().problem()).isNull();
    try (Admin admin = Admin.create(adminProps())) {
      assertThat(admin.listConsumerGroupOffsets("oobwatch-wd-test").partitionsToOffsetAndMetadata().get())
          .as("the tap never commits").isEmpty();
    }
  }

  @Test
  void aTapStartedWithAnEmptyStateDirRebuildsFromTheTopicAndTheRulesJudgeAtOnce() {
    kafka.createTopic("logs-b", 2);
    Instant now = clock.instant();
    InferenceTraffic traffic = new InferenceTraffic(2);
    long produced = 0;
    // 40 minutes of history, refusals at 15% over the last 5; then oobwatch (re)starts
    for (Instant m = MinuteTallies.minuteOf(now.minus(Duration.ofMinutes(40))); m.isBefore(now); m = m.plusSeconds(60)) {
      traffic.refusals = m.isBefore(now.minus(Duration.ofMinutes(5))) ? 0.02 : 0.15;
      for (InferenceTraffic.Timed r : traffic.minute(m)) {
        if (r.at().isBefore(now)) {
          produce("logs-b", r.at(), new String(r.value(), StandardCharsets.UTF_8));
          produced++;
        }
      }
    }
    kafka.producer().flush();
    tap("logs-b");
    sameHourOnPastDays(now);

    tap.rebuild();
    readAll(produced);

    assertThat(tap.health().rebuilt()).isEqualTo("rebuilt from " + MinuteTallies.minuteOf(now.minus(TapWatch.MAX_REBUILD)));
    assertThat(stored(now.minus(Duration.ofHours(1)), now.plusSeconds(60)).records()).isEqualTo(produced);
    Alerts alerts = new Alerts("wd-test", stores.alerts(), null, clock, () -> { });
    QualityWatch watch = new QualityWatch("wd-test", "inference", QualityWeekTest.SPEC, stores.quality(), alerts, clock,
        "kafka topic logs-b", tap::health);
    watch.tick();
    List<Alert> raised = stores.alerts().alerts(Instant.EPOCH);
    assertThat(raised).extracting(Alert::rule).containsExactly("rate-rise:refusal_rate");
    assertThat(watch.snapshot().signals().get("tap").status()).startsWith("0 records behind");
  }

  /** Seven past days' tallies of the current hour, refusals at 2%, as an earlier run stored them. */
  void sameHourOnPastDays(Instant now) {
    InferenceTraffic past = new InferenceTraffic(3);
    Instant hour = now.truncatedTo(ChronoUnit.HOURS);
    for (int d = 1; d <= 7; d++) {
      MinuteTallies t = new MinuteTallies(QualityWeekTest.SPEC);
      Instant start = hour.minus(Duration.ofDays(d));
      for (int m = 0; m < 60; m += 5) {
        for (InferenceTraffic.Timed r : past.minute(start.plus(Duration.ofMinutes(m)))) {
          t.offer(r.value(), start);
        }
      }
      stores.quality().saveHour("inference", new QualityStore.Row(start, t.minutes().get(start).encode()));
    }
  }

  Properties adminProps() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    return p;
  }

  @Test
  void aRestartedTapCountsAgainFromShortlyBeforeItsLastStoredMinuteReplacingWhatWasStoredThere() {
    kafka.createTopic("logs-d", 1);
    Instant now = clock.instant();
    InferenceTraffic traffic = new InferenceTraffic(4);
    Instant last = MinuteTallies.minuteOf(now.minus(Duration.ofMinutes(10)));
    Instant resume = last.minus(QualityWatch.SETTLED);
    long since = 0;
    for (Instant m = MinuteTallies.minuteOf(now.minus(Duration.ofMinutes(40))); m.isBefore(now); m = m.plusSeconds(60)) {
      for (InferenceTraffic.Timed r : traffic.minute(m)) {
        if (r.at().isBefore(now)) {
          produce("logs-d", r.at(), new String(r.value(), StandardCharsets.UTF_8));
          since += r.at().isBefore(resume) ? 0 : 1;
        }
      }
    }
    kafka.producer().flush();
    tap("logs-d");
    // what the previous run stored last: an incomplete minute
    MinuteTallies before = new MinuteTallies(QualityWeekTest.SPEC);
    before.offer("{\"request_id\":\"r\"}".getBytes(StandardCharsets.UTF_8), last);
    stores.quality().saveMinutes("inference", List.of(new QualityStore.Row(last, before.minutes().get(last).encode())));

    tap.rebuild();
    readAll(since);

    assertThat(tap.health().rebuilt()).isEqualTo("rebuilt from " + resume);
    assertThat(tap.health().records()).isEqualTo(since);
    assertThat(stored(now.minus(Duration.ofHours(1)), resume).records()).isZero();
    assertThat(stored(resume, now.plusSeconds(60)).records()).isEqualTo(since);
  }

  @Test
  void aRecordOverOneMegabyteThroughKafkaIsCountedAsTooLargeAndTheTapReadsOn() throws Exception {
    int limit = 3 << 20;
    try (Admin admin = Admin.create(adminProps())) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("logs-c", 1, (short) 1)
          .configs(Map.of("max.message.bytes", String.valueOf(limit))))).all().get();
    }
    Instant minute = MinuteTallies.minuteOf(clock.instant());
    Properties p = new Properties();
    p.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG, limit);
    p.put(org.apache.kafka.clients.producer.ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
        org.apache.kafka.common.serialization.StringSerializer.class.getName());
    p.put(org.apache.kafka.clients.producer.ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
        org.apache.kafka.common.serialization.StringSerializer.class.getName());
    String huge = "{\"request_id\":\"" + "x".repeat(io.oobwatch.watchdog.config.QualitySpec.MAX_RECORD_BYTES) + "\"}";
    try (org.apache.kafka.clients.producer.KafkaProducer<String, String> big = new org.apache.kafka.clients.producer.KafkaProducer<>(p)) {
      big.send(new ProducerRecord<>("logs-c", null, minute.toEpochMilli(), null, huge)).get();
      big.send(new ProducerRecord<>("logs-c", null, minute.plusSeconds(1).toEpochMilli(), null,
          "{\"request_id\":\"r2\",\"finish_reason\":\"stop\",\"safety_flag\":\"none\"}")).get();
    }
    tap("logs-c").rebuild();

    readAll(2);

    Tally t = stored(minute, minute.plusSeconds(60));
    assertThat(t.problemsInWords()).contains("1 over 1 MB");
    assertThat(t.records()).isEqualTo(1);
    assertThat(t.judged("refusal_rate")).isEqualTo(1);
    assertThat(tap.health().problem()).isNull();
  }
}
