package io.oobwatch.watchdog.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.CanaryRecord;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatedPipelineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SOON = Duration.ofSeconds(10);

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private SimulatedPipeline pipeline = SimulatedPipeline.start();
  private long seq;

  @AfterEach
  void closePipeline() {
    pipeline.close();
  }

  private CanaryRecord canary() {
    return CanaryRecord.create(++seq, Instant.now(), "inference-logs", "wd-test", Map.of("service", "support-bot"));
  }

  private HttpResponse<String> post(String url, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(SOON)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String url) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(SOON).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String ingest(CanaryRecord canary) throws Exception {
    HttpResponse<String> r = post(pipeline.ingestUrl(), new String(canary.toJson()));
    assertThat(r.statusCode()).as("ingest answer: %s", r.body()).isEqualTo(202);
    return canary.id();
  }

  private boolean inQueue(String id) throws Exception {
    return found(pipeline.queueSearchUrl(), id);
  }

  private boolean inStore(String id) throws Exception {
    return found(pipeline.storeSearchUrl(), id);
  }

  private boolean found(String template, String id) throws Exception {
    HttpResponse<String> r = get(template.replace("{canary_id}", id));
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body().contains(id);
  }

  /** Waits until the connector has run two more poll loops: one of them began after this call. */
  private void letTheConnectorHaveItsChance() {
    long before = pipeline.connectorLoops();
    await().atMost(SOON).until(() -> pipeline.connectorLoops() >= before + 2);
  }

  @Test
  void aRecordPostedToIngestIsInTheQueueAtOnceAndThenInTheStore() throws Exception {
    String id = ingest(canary());

    assertThat(inQueue(id)).isTrue();
    await().atMost(SOON).until(() -> inStore(id));
    assertThat(inQueue(id)).as("the topic keeps records after the connector read them").isTrue();
    assertThat(pipeline.stored()).isEqualTo(1);
    assertThat(pipeline.backlog()).isZero();
  }

  @Test
  void theStoreSearchReturnsTheRecordAsJson() throws Exception {
    CanaryRecord canary = canary();
    ingest(canary);
    await().atMost(SOON).until(() -> inStore(canary.id()));

    JsonNode hits = JSON.readTree(get(pipeline.storeSearchUrl().replace("{canary_id}", canary.id())).body());

    assertThat(hits.isArray()).isTrue();
    assertThat(hits).hasSize(1);
    assertThat(hits.get(0).at("/canary/id").asText()).isEqualTo(canary.id());
    assertThat(hits.get(0).at("/canary/seq").asLong()).isEqualTo(canary.seq());
    assertThat(hits.get(0).get("synthetic").asBoolean()).isTrue();
  }

  @Test
  void aSearchForAnAbsentIdAnswersAnEmptyArrayThatDoesNotMentionTheId() throws Exception {
    HttpResponse<String> queue = get(pipeline.queueSearchUrl().replace("{canary_id}", "no-such-canary"));
    HttpResponse<String> store = get(pipeline.storeSearchUrl().replace("{canary_id}", "no-such-canary"));

    assertThat(queue.statusCode()).isEqualTo(200);
    assertThat(queue.body()).isEqualTo("[]\n");
    assertThat(store.statusCode()).isEqualTo(200);
    assertThat(store.body()).isEqualTo("[]\n");
  }

  @Test
  void aStalledConnectorLeavesNewRecordsInTheQueueAndOutOfTheStore() throws Exception {
    pipeline.stallConnector();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(ingest(canary()));
    }

    letTheConnectorHaveItsChance();

    for (String id : ids) {
      assertThat(inQueue(id)).isTrue();
      assertThat(inStore(id)).isFalse();
    }
    assertThat(pipeline.backlog()).isEqualTo(3);
    assertThat(pipeline.stored()).isZero();
    assertThat(pipeline.connectorStalled()).isTrue();
  }

  @Test
  void theBacklogGrowsWhileTheConnectorIsStalled() throws Exception {
    pipeline.stallConnector();
    ingest(canary());
    letTheConnectorHaveItsChance();
    long first = pipeline.backlog();

    ingest(canary());
    ingest(canary());
    letTheConnectorHaveItsChance();

    assertThat(first).isEqualTo(1);
    assertThat(pipeline.backlog()).isEqualTo(3);
  }

  @Test
  void aResumedConnectorCatchesUpWithTheBacklog() throws Exception {
    pipeline.stallConnector();
    String early = ingest(canary());
    String late = ingest(canary());
    letTheConnectorHaveItsChance();
    assertThat(inStore(early)).isFalse();

    pipeline.resumeConnector();

    await().atMost(SOON).until(() -> inStore(early) && inStore(late));
    assertThat(pipeline.backlog()).isZero();
    assertThat(pipeline.stored()).isEqualTo(2);
    assertThat(pipeline.connectorStalled()).isFalse();
  }

  @Test
  void statsReportTheBacklogAndTheConnectorState() throws Exception {
    pipeline.stallConnector();
    ingest(canary());

    JsonNode stats = JSON.readTree(get(pipeline.statsUrl()).body());

    assertThat(stats.get("connector").asText()).isEqualTo("stalled");
    assertThat(stats.get("backlog").asLong()).isEqualTo(1);
    assertThat(stats.get("topic_end_offset").asLong()).isEqualTo(1);
    assertThat(stats.get("stored").asLong()).isZero();
  }

  @Test
  void ingestAcceptsAnArrayOrJsonLinesAndRejectsWhatIsNotJsonObjects() throws Exception {
    pipeline.stallConnector();
    String a = new String(canary().toJson());
    String b = new String(canary().toJson());

    HttpResponse<String> array = post(pipeline.ingestUrl(), "[" + a + "," + b + "]");
    HttpResponse<String> lines = post(pipeline.ingestUrl(), a + "\n" + b + "\n");
    HttpResponse<String> garbage = post(pipeline.ingestUrl(), "model=llama tokens=12");
    HttpResponse<String> numbers = post(pipeline.ingestUrl(), "[1, 2]");
    HttpResponse<String> viaGet = get(pipeline.ingestUrl());

    assertThat(array.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(array.body()).get("queued").asInt()).isEqualTo(2);
    assertThat(lines.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(lines.body()).get("queued").asInt()).isEqualTo(2);
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(garbage.body()).get("error").asText()).startsWith("not JSON records");
    assertThat(numbers.statusCode()).isEqualTo(400);
    assertThat(viaGet.statusCode()).isEqualTo(405);
    assertThat(pipeline.backlog()).isEqualTo(4);
  }

  @Test
  void anUnknownPathIs404() throws Exception {
    String base = pipeline.ingestUrl().replace("/ingest", "");

    assertThat(get(base + "/ingest/extra").statusCode()).isEqualTo(404);
    assertThat(get(base + "/").statusCode()).isEqualTo(404);
  }

  @Test
  void retentionKeepsOnlyTheNewestRecordsAndTheConnectorSkipsWhatWasDropped() throws Exception {
    pipeline.close();
    pipeline =
        SimulatedPipeline.start(5, Duration.ofMillis(100), Duration.ofMillis(300), Clock.systemUTC());
    pipeline.stallConnector();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ids.add(ingest(canary()));
    }

    assertThat(inQueue(ids.get(2))).as("dropped by retention").isFalse();
    assertThat(inQueue(ids.get(3))).isTrue();
    assertThat(pipeline.backlog()).as("only retained records can still be consumed").isEqualTo(5);

    pipeline.resumeConnector();
    await().atMost(SOON).until(() -> pipeline.backlog() == 0);
    assertThat(pipeline.stored()).isEqualTo(5);
    assertThat(inStore(ids.get(7))).isTrue();
    assertThat(inStore(ids.get(0))).isFalse();
  }

  @Test
  void backgroundTrafficFillsTheStoreWithRealLookingInferenceRecords() throws Exception {
    pipeline.close();
    Clock fixed = Clock.fixed(Instant.parse("2026-11-27T10:15:30Z"), ZoneOffset.UTC);
    pipeline = SimulatedPipeline.start(10_000, Duration.ofMillis(100), Duration.ofMillis(300), fixed);

    pipeline.startTraffic(100);

    await().atMost(SOON).until(() -> pipeline.stored() >= 20);
    JsonNode hits = JSON.readTree(get(pipeline.storeSearchUrl().replace("{canary_id}", "2026-11-27T10:15:30Z")).body());
    assertThat(hits.size()).isGreaterThanOrEqualTo(20);
    JsonNode doc = hits.get(0);
    assertThat(doc.get("synthetic").asBoolean(true)).isFalse();
    assertThat(doc.get("event").asText()).isEqualTo("inference");
    assertThat(doc.at("/model/id").asText()).isNotBlank();
    assertThat(doc.at("/tokens/total").asInt())
        .isEqualTo(doc.at("/tokens/prompt").asInt() + doc.at("/tokens/completion").asInt());
    assertThat(doc.get("latency_ms").asInt()).isPositive();
    assertThat(doc.get("@timestamp").asText()).isEqualTo("2026-11-27T10:15:30Z");
  }

  @Test
  void stoppedTrafficPostsNoMore() throws Exception {
    pipeline.startTraffic(100);
    await().atMost(SOON).until(() -> pipeline.backlog() + pipeline.stored() > 0);

    pipeline.stopTraffic();
    long queued = pipeline.backlog() + pipeline.stored();
    letTheConnectorHaveItsChance();

    assertThat(pipeline.backlog() + pipeline.stored()).isEqualTo(queued);
  }

  @Test
  void closeFreesThePort() throws Exception {
    URI ingest = URI.create(pipeline.ingestUrl());
    pipeline.startTraffic(10);

    pipeline.close();

    try (ServerSocket again = new ServerSocket(ingest.getPort(), 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(again.getLocalPort()).isEqualTo(ingest.getPort());
    }
    pipeline = SimulatedPipeline.start(); // for @AfterEach
  }

  @Test
  void afterCloseIngestRefusesConnections() {
    String ingest = pipeline.ingestUrl();
    pipeline.close();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> post(ingest, "{}"))
        .isInstanceOf(ConnectException.class);
    pipeline = SimulatedPipeline.start(); // for @AfterEach
  }
}
