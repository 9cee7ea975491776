package io.oobwatch.probes.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Observation.Kind;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.OpenSearchNode;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Freshness and volume probes against a real OpenSearch node, with indices created by dynamic
 * mapping as a log shipper creates them, canaries written beside real records.
 */
class ElasticsearchSignalsTest {
  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @RegisterExtension static final OpenSearchNode os = new OpenSearchNode();
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  private ElasticsearchSignalConfig cfg(String url, String index, String field) {
    return new ElasticsearchSignalConfig(new ElasticsearchConfig(url, index, null, null, null, Duration.ofSeconds(10)),
        field, Duration.ofMinutes(1));
  }

  private Observation freshness(String index) {
    return new ElasticsearchFreshness(cfg(os.url(), index, "@timestamp"), HTTP, clock).observe();
  }

  private static void real(String index, Instant at, String extra) {
    os.index(index, "{\"@timestamp\":\"" + at + "\",\"service\":\"support-bot\",\"latency_ms\":120" + extra + "}");
  }

  private static void canary(String index, Instant at) {
    os.index(index, new String(CanaryRecord.create(1, at, "inference", "oob-1", Map.of()).toJson(), StandardCharsets.UTF_8));
  }

  @Test
  void freshnessIsTheNewestRealRecordAndNewerCanariesAreIgnored() {
    real("fresh-2026.11.27", NOW.minusSeconds(420), "");
    real("fresh-2026.11.26", NOW.minusSeconds(86_400), "");
    canary("fresh-2026.11.27", NOW.minusSeconds(10));
    os.refresh("fresh-*");

    Observation o = freshness("fresh-*");

    assertThat(o.kind()).isEqualTo(Kind.VALUE);
    assertThat(Instant.ofEpochMilli((long) o.value())).isEqualTo(NOW.minusSeconds(420));
  }

  @Test
  void aStagesRealTrafficIsItsNewestRealRecordMovingWithRealRecordsOnlyNeverWithCanaries() {
    io.oobwatch.probes.RealTraffic real = new ElasticsearchConfig(os.url(), "traffic-*", null, null, null,
        Duration.ofSeconds(10)).realTraffic(new io.oobwatch.probes.ProbeContext(HTTP, clock)).orElseThrow();
    assertThat(real.arrived()).isEqualTo("indexed");
    io.oobwatch.probes.Probe traffic = real.newest();
    real("traffic-2026.11.27", NOW.minusSeconds(3), "");
    os.refresh("traffic-*");
    assertThat(Instant.ofEpochMilli((long) traffic.observe().value())).isEqualTo(NOW.minusSeconds(3));

    canary("traffic-2026.11.27", NOW.minusSeconds(1)); // a canary arriving is not real traffic
    os.refresh("traffic-*");
    assertThat(Instant.ofEpochMilli((long) traffic.observe().value())).isEqualTo(NOW.minusSeconds(3));

    real("traffic-2026.11.27", NOW.minusSeconds(2), "");
    os.refresh("traffic-*");
    assertThat(Instant.ofEpochMilli((long) traffic.observe().value())).isEqualTo(NOW.minusSeconds(2));
  }

  @Test
  void aSyntheticFlagWrittenAsTextIsExcludedToo() {
    real("textflag", NOW.minusSeconds(600), "");
    real("textflag", NOW.minusSeconds(5), ",\"synthetic\":\"true\"");
    os.refresh("textflag");

    Observation o = freshness("textflag");

    assertThat(Instant.ofEpochMilli((long) o.value())).isEqualTo(NOW.minusSeconds(600));
  }

  @Test
  void aPatternThatMatchesNothingIsReportedAsSuchNotAsZeroOrFresh() {
    Observation fresh = freshness("nothing-here-*");
    Observation count = new ElasticsearchCount(cfg(os.url(), "nothing-here-*", "@timestamp"), HTTP, clock).observe();

    assertThat(fresh.kind()).isEqualTo(Kind.NONE);
    assertThat(fresh.note()).isEqualTo("no index matches nothing-here-*");
    assertThat(count.kind()).isEqualTo(Kind.NONE);
    assertThat(count.note()).isEqualTo("no index matches nothing-here-*");
  }

  @Test
  void anIndexWithOnlyCanariesHasNoRealRecord() {
    canary("only-canaries", NOW.minusSeconds(30));
    os.refresh("only-canaries");

    Observation o = freshness("only-canaries");

    assertThat(o.kind()).isEqualTo(Kind.NONE);
    assertThat(o.note()).isEqualTo("no real (non-synthetic) record with @timestamp in only-canaries");
  }

  @Test
  void theCountIsTheRealRecordsOfTheMinuteThatEndedTheDelayAgo() {
    // counted window: [NOW-2m, NOW-1m)
    for (int i = 0; i < 7; i++) {
      real("counted", NOW.minusSeconds(119 - i * 5), "");
    }
    real("counted", NOW.minusSeconds(121), ""); // before the window
    real("counted", NOW.minusSeconds(60), ""); // the window's end is exclusive
    real("counted", NOW.minusSeconds(30), ""); // still on its way: after the window
    canary("counted", NOW.minusSeconds(90));
    os.refresh("counted");

    Observation o = new ElasticsearchCount(cfg(os.url(), "counted", "@timestamp"), HTTP, clock).observe();

    assertThat(o.kind()).isEqualTo(Kind.VALUE);
    assertThat(o.value()).isEqualTo(7.0);
  }

  @Test
  void aClusterThatRefusesIsUnknownWithTheReason() {
    String url = LoopbackHttp.closedPortUrl();

    Observation o = new ElasticsearchFreshness(cfg(url, "x-*", "@timestamp"), HTTP, clock).observe();

    assertThat(o.kind()).isEqualTo(Kind.UNKNOWN);
    assertThat(o.note()).isEqualTo("elasticsearch at " + url + " refused the connection");
  }

  @Test
  void aTimestampFieldThatIsNotADateFailsTheShardsAndIsUnknownNotFresh() {
    os.index("textstamp", "{\"when\":\"yesterday\",\"service\":\"support-bot\"}");
    os.refresh("textstamp");

    Observation o = new ElasticsearchFreshness(cfg(os.url(), "textstamp", "when"), HTTP, clock).observe();

    assertThat(o.kind()).isEqualTo(Kind.UNKNOWN);
    assertThat(o.note()).contains("HTTP 400").contains("Text fields are not optimised");
  }
}
