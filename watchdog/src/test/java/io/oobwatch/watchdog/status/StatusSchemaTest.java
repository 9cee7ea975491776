package io.oobwatch.watchdog.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.QueryBytes;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.daemon.Daemon;
import io.oobwatch.watchdog.loopback.LoopbackPipeline;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's promise that docs/status.schema.json describes {@code GET /status}: a document with
 * every field of every record set, and a real daemon's answer, both validate against it (unknown
 * fields rejected, required ones present, types and enums kept).
 */
class StatusSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T = Instant.parse("2026-11-27T08:40:00Z");

  @TempDir Path dir;

  static JsonNode schema() throws Exception {
    return JSON.readTree(Files.readString(Path.of("..", "docs", "status.schema.json")));
  }

  /** A document where every record appears and every optional field has a value. */
  static StatusDocument everything() {
    List<StageStatus> stages = List.of(new StageStatus("kafka", "SEEN", 412, 1, "offset 17", ""),
        new StageStatus("store", "LOST", 90000, 0, "not found after 90s", "kafka", new QueryBytes(1536, 10485760)));
    CanaryStatus canary = new CanaryStatus("30s", "90s", "10s", 17, 1, 2, "store", 0,
        new CanaryStatus.DayCounts(2870, 3, 2, 1, 0), new LastCanary(17, "c-17", T, "LOST", "accepted: 202", stages),
        true, List.of(new CanaryStatus.Learned("kafka", 40, 120, 2000, 1000)));
    PipelineChecks checks = new PipelineChecks("inference-logs", "1m", T, "store refused",
        List.of(new PipelineChecks.Check("volume", "kafka", "kafka (topic logs)", T, "value", 412.0, "12 partitions",
            Map.of("drop", "BAD: 40% below yesterday"))));
    List<HeartbeatStatus> heartbeats = List.of(
        new HeartbeatStatus.Push("shipper", "push", "down", "missing for 3m", 4L, "1m", T, "2m", T, T, T, T,
            "disk full", T),
        new HeartbeatStatus.Pull("api", "pull", "ok", null, null, "30s", T, "http://h/healthz", "2xx", 3, 0, T,
            "503", T, T, T));
    PagingStatus paging = new PagingStatus("twilio", 1, 1,
        List.of(new PagingStatus.Page(3, 1, "fire", "alice", "failed", "sms", 2, "SM1", "invalid number", null, null,
                null),
            new PagingStatus.Page(4, 1, "reroute", "bob", "sent", "sms", 1, "SM2", null, "undelivered",
                "30034 the sender number is not registered for A2P 10DLC", 4.2)),
        "credentials rejected; fallback in use",
        List.of(new PagingStatus.Escalation(1, "inference-logs", "acknowledged", "alice", T, T, null, null, null),
            new PagingStatus.Escalation(2, "other", "firing", null, null, null, true, null, null),
            new PagingStatus.Escalation(3, "third", "firing", null, null, null, null, 1, T)),
        List.of(new PagingStatus.SilenceStatus(1, "other", T, "upgrade", "api")),
        List.of(new PagingStatus.FailedPage(3, 1, "alice", "sms", "invalid number")),
        "page 3 to alice failed: invalid number", PagingStatus.FAILED,
        new PagingStatus.TestPage(5, "alice", "+1555…22", "sms", T, "sent", "twilio SMS from +15550001111", "SM5",
            null, "delivered", "delivered", 2.5),
        new PagingStatus.TestPage(6, "alice", "+1555…22", "call", T, "not-sent", "twilio SMS from +15550001111",
            null, "unsubscribed [twilio error 21610]", null, null, null));
    SelfStatus self = new SelfStatus("2m",
        new SelfStatus.DeadMansSwitch("https://hc-ping.com/...", "1m", T, "fail", "stalled", false, "HTTP 404"),
        List.of(new SelfStatus.Peer("wd-us-1", "http://peer/healthz", "30s", 3, T, false, 4, T, "refused")),
        new SelfStatus.Systemd("15s", 42, false));
    return new StatusDocument("wd-1", T, false, "evaluation stalled",
        List.of(new PipelineStatus("inference-logs", T, "store refused", canary)), List.of(checks), heartbeats,
        List.of(new AlertStatus(1, "inference-logs", "canary", "resolved", "store", "canary lost", T, T)), paging, self,
        List.of(new PipelineQuality("inference-logs", T, 12034, "3 not JSON", "store refused",
            List.of(new PipelineQuality.Signal("refusal_rate", "rate-rise:refusal_rate", 0.148, 0.021, 0.004, 1203,
                "BAD: refusal rate 14.8% over 5m (1,203 requests)")))),
        new ClusterStatus("oobwatch-prod", "wd-1", 1,
            List.of(new ClusterStatus.Member("wd-0", 0, false), new ClusterStatus.Member("wd-1", 1, true)),
            List.of(new ClusterStatus.Left("wd-2", T)), 3, 1, "15s", 4, 2,
            List.of(new ClusterStatus.Paged("inference-logs/canary", "e0:s0:sms:alice", "wd-0", "SM1", T))));
  }

  @Test
  void aDocumentWithEveryFieldOfEveryRecordSetMatchesTheSchema() throws Exception {
    JsonNode doc = JSON.readTree(StatusJson.write(everything()));
    assertThat(problems(schema(), doc)).isEmpty();
  }

  @Test
  void aDocumentWithAFieldTheSchemaDoesNotKnowIsRejected() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode doc =
        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(StatusJson.write(everything()));
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("paging")).put("surprise", 1);
    doc.remove("instance");
    assertThat(problems(schema(), doc)).containsExactlyInAnyOrder(
        "/paging: field surprise is not in the schema", ": required field instance is missing");
  }

  @Test
  void theDocumentReadsBackAsTheSameRecords() throws Exception {
    StatusDocument doc = everything();
    assertThat(StatusJson.read(StatusJson.write(doc))).isEqualTo(doc);
  }

  @Test
  void aRealDaemonsStatusAnswerMatchesTheSchema() throws Exception {
    try (LoopbackPipeline pipeline = LoopbackPipeline.start()) {
      Path config = dir.resolve("oobwatch.yaml");
      Files.writeString(config, "instance: wd-schema\nstate_dir: state\npipelines:\n"
          + pipeline.pipelineYaml("inference-logs", "1s", "100ms", "2s"));
      try (Daemon daemon = Daemon.start(new ConfigLoader().load(config), Clock.systemUTC(),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Map.of())) {
        URI status = URI.create("http://127.0.0.1:" + daemon.httpAddress().getPort() + "/status");
        HttpClient http = HttpClient.newHttpClient();
        JsonNode doc = await().atMost(Duration.ofSeconds(10)).until(
            () -> JSON.readTree(http.send(HttpRequest.newBuilder(status).build(),
                HttpResponse.BodyHandlers.ofString()).body()),
            d -> d.at("/pipelines/0/canary/last").isObject());
        assertThat(problems(schema(), doc)).isEmpty();
      }
    }
  }

  /** What in {@code instance} breaks {@code schema}; empty when it is valid. */
  static List<String> problems(JsonNode schema, JsonNode instance) {
    List<String> out = new ArrayList<>();
    check(schema, schema, instance, "", out);
    return out;
  }

  private static void check(JsonNode root, JsonNode s, JsonNode v, String at, List<String> out) {
    if (s.has("$ref")) {
      check(root, root.at(s.get("$ref").asText().substring(1)), v, at, out);
      return;
    }
    if (s.has("oneOf")) {
      int matches = 0;
      for (JsonNode option : s.get("oneOf")) {
        List<String> mine = new ArrayList<>();
        check(root, option, v, at, mine);
        matches += mine.isEmpty() ? 1 : 0;
      }
      if (matches != 1) {
        out.add(at + ": matches " + matches + " of the oneOf alternatives, not exactly one");
      }
      return;
    }
    if (s.has("enum") && !contains(s.get("enum"), v)) {
      out.add(at + ": " + v + " is not one of " + s.get("enum"));
    }
    if (s.has("type") && !typeMatches(s.get("type"), v)) {
      out.add(at + ": " + v.getNodeType() + " is not " + s.get("type"));
      return;
    }
    if (v.isObject()) {
      JsonNode props = s.path("properties");
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (props.has(f.getKey())) {
          check(root, props.get(f.getKey()), f.getValue(), at + "/" + f.getKey(), out);
        } else if (s.path("additionalProperties").isObject()) {
          check(root, s.get("additionalProperties"), f.getValue(), at + "/" + f.getKey(), out);
        } else if (s.path("additionalProperties").isBoolean() && !s.get("additionalProperties").asBoolean()) {
          out.add(at + ": field " + f.getKey() + " is not in the schema");
        }
      }
      for (JsonNode required : s.path("required")) {
        if (!v.has(required.asText())) {
          out.add(at + ": required field " + required.asText() + " is missing");
        }
      }
    }
    if (v.isArray() && s.has("items")) {
      for (int i = 0; i < v.size(); i++) {
        check(root, s.get("items"), v.get(i), at + "/" + i, out);
      }
    }
  }

  private static boolean contains(JsonNode values, JsonNode v) {
    for (JsonNode e : values) {
      if (e.equals(v)) {
        return true;
      }
    }
    return false;
  }

  private static boolean typeMatches(JsonNode type, JsonNode v) {
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (typeMatches(t, v)) {
          return true;
        }
      }
      return false;
    }
    return switch (type.asText()) {
      case "string" -> v.isTextual();
      case "integer" -> v.isIntegralNumber();
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "null" -> v.isNull();
      default -> false;
    };
  }
}
