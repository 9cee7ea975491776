package io.oobwatch.probes.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Lookup;
import io.oobwatch.probes.Lookup.Status;
import io.oobwatch.testkit.OpenSearchNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Against a real OpenSearch node, with indices created the way a log shipper creates them. */
class ElasticsearchStageTest {

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
  private static final String DAILY_INDEX = "inference-logs-2026.11.27";

  @RegisterExtension static final OpenSearchNode os = new OpenSearchNode();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  private ElasticsearchStage stage(String index) {
    return new ElasticsearchStage(
        "elasticsearch",
        new ElasticsearchConfig(os.url(), index, null, null, null, Duration.ofSeconds(10)),
        HTTP,
        clock);
  }

  private static CanaryRecord canary() {
    return CanaryRecord.create(1, NOW, "inference", "oob-1", Map.of());
  }

  private static void ship(String index, CanaryRecord canary) {
    os.index(index, new String(canary.toJson(), StandardCharsets.UTF_8));
    os.refresh(index);
  }

  @Test
  void aCanaryInADynamicallyMappedDailyIndexIsFoundThroughThePattern() throws IOException {
    CanaryRecord canary = canary();
    ship(DAILY_INDEX, canary);

    Lookup lookup = stage("inference-logs-*").lookup(canary);

    assertThat(lookup).isEqualTo(Lookup.found(1, NOW));
    // The point of the query: dynamic mapping made the id analysed text, where a bare term misses.
    JsonNode id =
        new ObjectMapper().readTree(os.get("/" + DAILY_INDEX + "/_mapping"))
            .path(DAILY_INDEX).path("mappings").path("properties")
            .path("canary").path("properties").path("id");
    assertThat(id.path("type").asText()).isEqualTo("text");
    assertThat(id.path("fields").path("keyword").path("type").asText()).isEqualTo("keyword");
  }

  @Test
  void aCanaryThatNeverArrivedIsNotFound() {
    ship(DAILY_INDEX, canary());

    Lookup lookup = stage("inference-logs-*").lookup(canary());

    assertThat(lookup.status()).isEqualTo(Status.NOT_FOUND);
    assertThat(lookup.reason()).isEqualTo("not in index inference-logs-*");
  }

  @Test
  void aPatternMatchingNoIndexIsNotFoundAndSaysSo() {
    Lookup byPattern = stage("nobody-wrote-here-*").lookup(canary());
    Lookup byName = stage("nobody-wrote-here").lookup(canary());

    assertThat(byPattern.status()).isEqualTo(Status.NOT_FOUND);
    assertThat(byPattern.reason()).isEqualTo("no index matches nobody-wrote-here-*");
    assertThat(byName.status()).isEqualTo(Status.NOT_FOUND);
    assertThat(byName.reason()).isEqualTo("no index matches nobody-wrote-here");
  }

  @Test
  void aListWhosePartsPartlyMatchNothingStillFindsTheCanary() {
    CanaryRecord canary = canary();
    ship(DAILY_INDEX, canary);

    Lookup lookup = stage("archive-*,inference-logs-*,gone").lookup(canary);

    assertThat(lookup).isEqualTo(Lookup.found(1, NOW));
  }

  @Test
  void aCanaryShippedTwiceCountsTwo() {
    CanaryRecord canary = canary();
    ship("inference-logs-2026.11.28", canary);
    ship(DAILY_INDEX, canary);

    Lookup lookup = stage("inference-logs-*").lookup(canary);

    assertThat(lookup.status()).isEqualTo(Status.FOUND);
    assertThat(lookup.count()).isEqualTo(2);
  }

  @Test
  void oneSearchAnswersForEveryCanaryInFlightWithItsOwnCount() {
    CanaryRecord twice = canary();
    CanaryRecord once = canary();
    CanaryRecord dotted = canary();
    CanaryRecord never = canary();
    ship("inference-logs-2026.11.28", twice);
    ship(DAILY_INDEX, twice);
    ship(DAILY_INDEX, once);
    // a shipper that kept the dotted key as it came: "canary.id" in _source, not canary: {id}
    os.index(DAILY_INDEX, "{\"synthetic\":true,\"canary.id\":\"" + dotted.id() + "\"}");
    // a record whose id only contains a canary's id matches the phrase, but is not that canary
    os.index(DAILY_INDEX, "{\"synthetic\":true,\"canary\":{\"id\":\"retry-" + once.id() + "\"}}");
    os.refresh(DAILY_INDEX);

    Map<String, Lookup> found =
        stage("inference-logs-*").lookupAll(java.util.List.of(twice, once, dotted, never));

    assertThat(found).containsOnlyKeys(twice.id(), once.id(), dotted.id(), never.id());
    assertThat(found.get(twice.id())).isEqualTo(Lookup.found(2, NOW));
    assertThat(found.get(once.id())).isEqualTo(Lookup.found(1, NOW));
    assertThat(found.get(dotted.id())).isEqualTo(Lookup.found(1, NOW));
    assertThat(found.get(never.id()).status()).isEqualTo(Status.NOT_FOUND);
    assertThat(found.get(never.id()).reason()).isEqualTo("not in index inference-logs-*");
  }

  @Test
  void aBatchOverAPatternMatchingNoIndexIsNotFoundForEachCanary() {
    CanaryRecord a = canary();
    CanaryRecord b = canary();

    Map<String, Lookup> found = stage("nobody-wrote-here-*").lookupAll(java.util.List.of(a, b));

    assertThat(found.values()).extracting(Lookup::reason).containsOnly("no index matches nobody-wrote-here-*");
  }

  @Test
  void aStoppedNodeIsUnreachableAndTheCanaryIsFoundAgainAfterRestart() {
    CanaryRecord canary = canary();
    ship(DAILY_INDEX, canary);
    ElasticsearchStage stage = stage("inference-logs-*");

    os.stop();
    Lookup whileDown;
    try {
      whileDown = stage.lookup(canary);
    } finally {
      os.restart();
    }
    Lookup afterRestart = stage.lookup(canary);

    assertThat(whileDown.status()).isEqualTo(Status.UNREACHABLE);
    assertThat(whileDown.reason()).isEqualTo("elasticsearch at " + os.url() + " refused the connection");
    assertThat(afterRestart).isEqualTo(Lookup.found(1, NOW));
  }
}
