package io.oobwatch.watchdog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.testkit.ConfigYaml;
import io.oobwatch.testkit.DaemonProcess;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.testkit.KafkaBroker;
import io.oobwatch.testkit.LoopbackPartition;
import io.oobwatch.testkit.OpenSearchNode;
import io.oobwatch.testkit.TwilioSignature;
import io.oobwatch.watchdog.cli.Main;
import io.oobwatch.watchdog.loopback.LoopbackPipeline;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Three {@code oobwatch run} processes on loopback as one cluster, each member on its own loopback
 * address (wd-0 on 127.0.0.2, wd-1 on 127.0.0.3, ...; JGroups TCP), paging through one loopback
 * Twilio. The stall, failover and ack case watches a real Kafka → OpenSearch pipeline whose
 * connector stalls. The other cases watch loopback HTTP pipelines (intake and search): what they
 * exercise (silences, agree, a partition, secrets) does not depend on the pipeline, and three
 * daemon JVMs beside Kafka and OpenSearch already load this 2-core machine. The partition is the
 * network's: policy-routing rules between the members' addresses ({@link LoopbackPartition}), which
 * the daemons know nothing of.
 */
class ClusterProcessTest {
  static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "cluster-token-0123456789";
  static final String API_TOKEN = "api-token-0123456789abcdef";
  static final Duration PEER_TIMEOUT = Duration.ofSeconds(3);
  /** How often a member judges its canaries: one is launched every second. */
  static final Duration EVALUATION = Duration.ofSeconds(1);
  /**
   * A member's JVM: a small heap, the quick compiler only and one GC thread, so that three members
   * starting on a loaded 2-core machine spend their CPU starting, not optimising code they run a
   * few times.
   */
  static final String[] MEMBER_JVM = {"-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"};
  static final Pattern STATUS_ON = Pattern.compile("status on http://([0-9.]+:[0-9]+)");
  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern CANARY_OK = Pattern.compile("canary #\\d+ OK");

  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @RegisterExtension static final OpenSearchNode opensearch = new OpenSearchNode();

  @TempDir Path dir;
  FakeTwilio twilio;
  LoopbackPipeline pipeline;
  final List<Process> members = new ArrayList<>();
  final List<Path> logs = new ArrayList<>();
  final List<Integer> ports = new ArrayList<>();
  /** How many members must see a condition before it pages. */
  int agree = 1;
  /** The pipeline a member watches under the name inference-logs, when not the shared {@link #pipeline}. */
  final Map<Integer, LoopbackPipeline> watches = new HashMap<>();
  /** When set, every member watches this Kafka → OpenSearch canary instead, through {@link #connector}. */
  ConfigYaml.Canary kafkaCanary;
  Connector connector;

  @BeforeEach
  void start() {
    twilio = FakeTwilio.start(SID, TOKEN);
    pipeline = LoopbackPipeline.start();
  }

  @AfterEach
  void stop(TestInfo test) throws Exception {
    for (Process p : members) {
      p.destroyForcibly().waitFor();
    }
    // the members' logs outlive the temporary folder, for whoever reads a failure
    Path kept = Files.createDirectories(Path.of("target", "cluster-logs", test.getTestMethod().orElseThrow().getName()));
    for (int i = 0; i < logs.size(); i++) {
      Files.writeString(kept.resolve("wd-" + i + ".log"), log(i));
    }
    Files.writeString(kept.resolve("sms.txt"), twilio.delivered().stream()
        .map(m -> m.sid() + " to " + m.to() + " (sent by " + sender(m) + "): " + m.body()).collect(Collectors.joining("\n")));
    twilio.close();
    pipeline.close();
    for (LoopbackPipeline other : watches.values()) {
      other.close();
    }
    if (connector != null) {
      connector.close();
    }
  }

  /** Member {@code i}'s own loopback address: the partition's rules are written for it. */
  static String host(int i) {
    return "127.0.0." + (2 + i);
  }

  /** Where Twilio would reach member {@code i} (off loopback: the fake calls nothing back). */
  static String publicUrl(int i) {
    return "https://wd-" + i + ".example.net";
  }

  /**
   * A topic and an index with a connector between them, which every member then watches as
   * inference-logs. Returns once the connector copies (its consumer group has joined), so that the
   * members' first canaries are not lost.
   */
  void watchKafkaPipeline() throws Exception {
    String topic = "cluster-logs";
    kafka.createTopic(topic, 1);
    connector = new Connector(kafka.bootstrap(), topic, opensearch.url(), "cluster-logs-2026.12.01");
    kafka.producer().send(new ProducerRecord<>(topic, "{\"service\": \"support-bot\", \"n\": 0}")).get();
    await().atMost(Duration.ofSeconds(60)).until(() -> connector.copied.get() >= 1);
    kafkaCanary = ConfigYaml.Canary.every("1s").set("deadline", "6s").set("slo", "4s").set("poll", "250ms")
        .set("losses_to_fire", "2").set("passes_to_resolve", "1")
        .inject(ConfigYaml.kafka(kafka.bootstrap(), topic))
        .stage(ConfigYaml.kafka(kafka.bootstrap(), topic))
        .stage(ConfigYaml.elasticsearch(opensearch.url(), "cluster-logs-*", "2s"));
  }

  /**
   * Lists {@code listed} members in {@code cluster.members} and starts the first {@code n}: wd-0
   * first, so that it is the oldest (rank 0), then the others together once it is in its view
   * (their JVMs' start-up is the slow part; which of them joins first takes the next rank). The
   * pipeline keeps flowing.
   */
  void startMembers(int listed, int n, String... steps) throws Exception {
    for (int i = 0; i < listed; i++) {
      ports.add(freePort(host(i)));
    }
    Files.writeString(dir.resolve("cluster-secret"), "a-shared-secret-of-the-test-cluster\n");
    startMember(0, "cluster-secret", steps);
    awaitView(0, 1);
    for (int i = 1; i < n; i++) {
      startMember(i, "cluster-secret", steps);
    }
    for (int i = 0; i < n; i++) {
      awaitView(i, n);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> IntStream.range(0, n).allMatch(i -> log(i).contains("status on")));
  }

  /** Waits until member {@code i} logs a view of {@code size} members. */
  void awaitView(int i, int size) {
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> viewSize(i) == size);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("wd-" + i + " never saw a view of " + size + "; its log:\n" + log(i), e);
    }
  }

  /** Starts member {@code i} (wd-i) with the secret in {@code secretFile}, watching its pipeline of {@link #watches}. */
  void startMember(int i, String secretFile, String... steps) throws Exception {
    Path d = Files.createDirectories(dir.resolve("wd-" + i));
    ConfigYaml c = ConfigYaml.instance("wd-" + i)
        .httpOnFreePort()
        .apiToken("api-token", API_TOKEN)
        .publicUrl(publicUrl(i))
        .sms(twilio, "+15550001111")
        .oncall("alice", "+15550002222");
    for (String after : steps) {
      c.escalation(after, "alice");
    }
    String loopbackPipeline = "";
    if (kafkaCanary != null) {
      c.canary("inference-logs", kafkaCanary);
    } else {
      loopbackPipeline = "pipelines:\n" + watches.getOrDefault(i, pipeline).pipelineYaml("inference-logs", "1s", "200ms", "3s");
    }
    c.writeTo(d);
    String memberList = IntStream.range(0, ports.size()).mapToObj(m -> "\"" + host(m) + ":" + ports.get(m) + "\"")
        .collect(Collectors.joining(", "));
    Files.writeString(d.resolve("oobwatch.yaml"), c.yaml() + loopbackPipeline
        + "cluster:\n  name: oobwatch-e2e\n"
        + "  bind: \"" + host(i) + ":" + ports.get(i) + "\"\n  members: [" + memberList + "]\n"
        + "  secret_file: ../" + secretFile + "\n  peer_timeout: " + PEER_TIMEOUT.toMillis() + "ms\n"
        + "  agree: " + agree + "\n");
    Path log = d.resolve("run.log");
    logs.add(log);
    members.add(DaemonProcess.start(d.resolve("oobwatch.yaml"), log, MEMBER_JVM));
  }

  String log(int i) {
    try {
      return Files.exists(logs.get(i)) ? Files.readString(logs.get(i)) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** The size of the newest view member {@code i} logged. */
  int viewSize(int i) {
    Matcher m = Pattern.compile("view \\[([^\\]]*)\\]").matcher(log(i));
    int size = 0;
    while (m.find()) {
      size = m.group(1).split(",").length;
    }
    return size;
  }

  String http(int i) {
    Matcher m = STATUS_ON.matcher(log(i));
    return m.find() ? "http://" + m.group(1) : null;
  }

  static int freePort(String host) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return s.getLocalPort();
    }
  }

  /** Alice's pages about the stalled pipeline. */
  List<FakeTwilio.Message> pagesToAlice() {
    return pagesToAlice("inference-logs");
  }

  List<FakeTwilio.Message> pagesToAlice(String about) {
    return twilio.delivered().stream().filter(m -> m.to().equals("+15550002222") && m.body().contains(about)).toList();
  }

  /** Member {@code i}'s {@code /status} document. */
  JsonNode status(int i) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http(i) + "/status")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** The value of an unlabelled sample in member {@code i}'s {@code /metrics}. */
  long metric(int i, String name) throws Exception {
    String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http(i) + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+]+)$").matcher(text);
    assertThat(m.find()).as("%s in the metrics of wd-%d:%n%s", name, i, text).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }

  /** What {@code oobwatch status --url} prints about member {@code i}. */
  String oobwatchStatus(int i) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CommandLine cmd = new CommandLine(Main.class);
    cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cmd.setErr(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cmd.execute("status", "--url", http(i));
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Alice's SMS reply {@code text}, as Twilio posts it to member {@code i}'s webhook, signed for its public URL. */
  HttpResponse<String> smsReply(int i, String text) throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("MessageSid", "SM" + "fedcba9876543210fedcba9876543210");
    form.put("AccountSid", SID);
    form.put("From", "+15550002222");
    form.put("To", "+15550001111");
    form.put("Body", text);
    String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http(i) + "/twilio/sms"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Twilio-Signature", TwilioSignature.sign(TOKEN, publicUrl(i) + "/twilio/sms", form))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static Duration since(long nanoTime) {
    return Duration.ofNanos(System.nanoTime() - nanoTime);
  }

  /**
   * One stalled Kafka → OpenSearch pipeline under three members, for the paging path end to end:
   * each step is paged exactly once by the whole cluster, and every member shows who sent it (SID)
   * and that it held its own copy back; kill -9 of the member that would send the next step hands
   * it to the next member within peer_timeout and an evaluation, and the survivors show and page
   * the member that left; an SMS reply "ACK 1" through the other survivor's Twilio webhook stops the
   * new sender's escalation.
   */
  @Test
  void aStalledConnectorPagesEachStepOnceShowsWhoSentItSurvivesTheSendersKillAndAnSmsAckOnAnotherMemberStopsTheRest()
      throws Exception {
    watchKafkaPipeline();
    Duration secondStep = Duration.ofSeconds(8);
    Duration thirdStep = Duration.ofSeconds(24);
    startMembers(3, 3, "0s", secondStep.toSeconds() + "s", thirdStep.toSeconds() + "s");
    // steady state first: every member's canaries reach OpenSearch, and nobody is paged
    await().atMost(Duration.ofSeconds(60)).until(() -> IntStream.range(0, 3).allMatch(i -> CANARY_OK.matcher(log(i)).find()));
    assertThat(twilio.delivered()).isEmpty();
    connector.stall(); // Kafka takes every member's canaries; OpenSearch never gets them
    await().atMost(Duration.ofSeconds(60)).until(() -> pagesToAlice().size() >= 1);
    long firstPage = System.nanoTime(); // the alerts opened just before, within a second of each other
    FakeTwilio.Message first = pagesToAlice().get(0);
    assertThat(first.body()).contains("ALERT 1 inference-logs: canary lost between kafka and elasticsearch");
    await().atMost(Duration.ofSeconds(5)).until(() -> sender(first), "wd-0"::equals);
    // wd-1 and wd-2 started together: whichever joined first is rank 1, and would send after wd-0
    JsonNode view = status(0).path("cluster").path("view");
    int next = Integer.parseInt(view.get(1).path("name").asText().substring("wd-".length()));
    int third = 3 - next;

    // rank 1 and 2 held their copy back, and every member shows who sent it, with Twilio's SID
    for (int i = 1; i < 3; i++) {
      int m = i;
      JsonNode cluster = await().atMost(Duration.ofSeconds(5))
          .until(() -> status(m).path("cluster"), c -> c.path("pages_held_back").asLong() > 0);
      assertThat(cluster.path("pages_sent_here").asLong()).isZero();
      assertThat(cluster.path("recent_pages")).anySatisfy(p -> {
        assertThat(p.path("alert").asText()).isEqualTo("inference-logs/canary");
        assertThat(p.path("member").asText()).isEqualTo("wd-0");
        assertThat(p.path("sid").asText()).isEqualTo(first.sid());
      });
      assertThat(metric(m, "oobwatch_cluster_pages_held_back_total")).isPositive();
    }
    assertThat(status(0).path("cluster").path("pages_sent_here").asLong()).isEqualTo(1);
    assertThat(status(0).path("cluster").path("pages_held_back").asLong()).isZero();
    assertThat(metric(0, "oobwatch_cluster_pages_sent_total")).isEqualTo(1);
    assertThat(log(1) + log(2)).contains("not sent here: sent by wd-0");

    // wd-0 (rank 0) would send step 2, due 8 s after its alert opened (just before the first page); kill it first
    Duration untilKill = Duration.ofSeconds(6).minus(since(firstPage));
    assertThat(untilKill).as("the checks above left time to kill wd-0 before its second step").isPositive();
    await().pollDelay(untilKill).until(() -> true);
    members.get(0).destroyForcibly().waitFor(); // SIGKILL
    await().atMost(Duration.ofSeconds(30)).until(() -> pagesToAlice().size() == 2);
    Duration failover = since(firstPage).minus(secondStep);
    System.out.printf("MEASURED cluster failover: step 2 sent by the next member %d ms after it fell due"
        + " (peer_timeout %s; wd-0 killed 2 s before)%n", failover.toMillis(), PEER_TIMEOUT);
    FakeTwilio.Message second = pagesToAlice().get(1);
    assertThat(second.body()).contains("ALERT 1 inference-logs");
    await().atMost(Duration.ofSeconds(5)).until(() -> sender(second), ("wd-" + next)::equals);
    // the next member is rank 0 once wd-0 has left the view and pages at its next pass: within
    // peer_timeout and one evaluation of the step's time, plus 1 s because the members' alerts open
    // up to a canary apart
    assertThat(failover).isLessThan(PEER_TIMEOUT.plus(EVALUATION).plusSeconds(1));

    // the survivors show the member that left, and page it once
    assertThat(await().atMost(Duration.ofSeconds(10)).until(() -> oobwatchStatus(third), o -> o.contains("LEFT wd-0 since")))
        .contains("CLUSTER oobwatch-e2e: 2 of 3 member(s) in view, this one wd-" + third + " is rank 1")
        .contains("e0:s1:sms:alice by wd-" + next + " (" + second.sid() + ")");
    assertThat(log(1) + log(2)).contains("wd-0 LEFT the cluster");
    await().atMost(Duration.ofSeconds(10)).until(() -> pagesToAlice("wd-0 left the cluster").size() == 1);

    // alice answers the page by SMS; Twilio posts her reply to the webhook of the member that did not send it
    HttpResponse<String> ack = smsReply(third, "ACK 1");
    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
    assertThat(ack.body()).contains("acknowledged by alice");
    await().atMost(Duration.ofSeconds(10)).until(() -> log(next).contains("acknowledged by alice on wd-" + third));
    // the third step was due 24 s after the alert opened: nobody sends it, not even rank 1 after its
    // peer_timeout (and a second for the alerts opening apart)
    Duration rank1Sends = thirdStep.plus(PEER_TIMEOUT).plusSeconds(1);
    Duration left = rank1Sends.minus(since(firstPage));
    assertThat(left).as("the ack was in before the third step was due").isGreaterThan(PEER_TIMEOUT);
    await().during(left).atMost(left.plusSeconds(5)).until(() -> pagesToAlice().size() == 2);
  }

  HttpResponse<String> api(int member, String method, String path, String json) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http(member) + path))
        .header("Authorization", "Bearer " + API_TOKEN).header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSilenceSetOnOneMemberKeepsEveryMemberFromPagingAndLiftingItOnAnotherPagesOnce() throws Exception {
    startMembers(2, 2, "0s");
    HttpResponse<String> silence = api(1, "POST", "/silences",
        "{\"subject\": \"inference-logs\", \"for\": \"1h\", \"reason\": \"kafka upgrade\"}");
    assertThat(silence.statusCode()).as(silence.body()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(15)).until(() -> log(0).contains("SILENCE inference-logs until")
        && log(0).contains("by api on wd-1: kafka upgrade"));

    pipeline.drop();
    await().atMost(Duration.ofSeconds(30)).until(() -> log(0).contains("(silenced: recorded, not paged)")
        && log(1).contains("(silenced: recorded, not paged)"));
    await().during(PEER_TIMEOUT.multipliedBy(2)).atMost(PEER_TIMEOUT.multipliedBy(3)).until(() -> pagesToAlice().isEmpty());

    // wd-0's copy is its own silence 1; lifting it there lifts it on wd-1, and the cluster pages once
    HttpResponse<String> lift = api(0, "DELETE", "/silences/1", null);
    assertThat(lift.statusCode()).as(lift.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(15)).until(() -> log(1).contains("ended early by someone on wd-0"));
    await().atMost(Duration.ofSeconds(30)).until(() -> pagesToAlice().size() == 1);
    await().during(PEER_TIMEOUT.multipliedBy(2)).atMost(PEER_TIMEOUT.multipliedBy(3)).until(() -> pagesToAlice().size() == 1);
  }

  /**
   * The member that sent {@code page}: the one that logged "page to alice sent (...): SID" ("?" until
   * it has; the others name the SID only in what they held back).
   */
  String sender(FakeTwilio.Message page) {
    return IntStream.range(0, logs.size()).filter(i -> log(i).contains("): " + page.sid())).mapToObj(i -> "wd-" + i)
        .findFirst().orElse("?");
  }

  /**
   * Alice's pages that say {@code word} (ALERT, RESOLVED) about {@code about}, counted by sender. A
   * page may begin with its instance ("[oobwatch wd-1] ", "wd-1: ") when it fits.
   */
  Map<String, Long> pagesSaying(String word, String about) {
    Pattern saying = Pattern.compile("^(\\[oobwatch [^\\]]+\\] |[\\w.-]+: )?" + word + " \\d+ ");
    return pagesToAlice(about).stream().filter(m -> saying.matcher(m.body()).find())
        .collect(Collectors.groupingBy(this::sender, Collectors.counting()));
  }

  long count(String word, String about) {
    return pagesSaying(word, about).values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * {@code agree: 2} and a partition, on three members: wd-0 and wd-2 watch one pipeline, wd-1
   * another. When only wd-1 sees a stall nobody pages. The network then cuts wd-1 off: alone in its
   * view, wd-1 pages (agree is capped by the view: a partition fails open); when wd-0 and wd-2's
   * pipeline stalls too their side pages once more. After the network heals and the views merge, no
   * step is repeated, and each alert (the stall; the member that left) gets one RESOLVED.
   */
  @Test
  void withAgreeTwoOneMembersStallPagesNobodyUntilAPartitionLeavesItAloneThenEachSidePagesOnceAndTheMergeResolvesOnce()
      throws Exception {
    agree = 2;
    LoopbackPipeline seenByWd1 = LoopbackPipeline.start();
    watches.put(1, seenByWd1);
    try (LoopbackPartition network = LoopbackPartition.open()) {
      startMembers(3, 3, "0s");
      seenByWd1.drop(); // only wd-1's view of inference-logs stalls
      await().atMost(Duration.ofSeconds(30)).until(() -> log(1).contains("ALERT 1 inference-logs"));
      await().during(PEER_TIMEOUT.multipliedBy(2)).atMost(PEER_TIMEOUT.multipliedBy(3)).until(() -> pagesToAlice().isEmpty());
      assertThat(log(0) + log(2)).doesNotContain("ALERT 1 inference-logs");

      network.cut(List.of(host(1)), List.of(host(0), host(2)));
      awaitView(1, 1);
      awaitView(0, 2);
      awaitView(2, 2);
      // wd-1 alone: its step is its own to send; each side pages that the other left, once
      await().atMost(Duration.ofSeconds(30)).until(() -> pagesSaying("ALERT", "inference-logs"),
          Map.of("wd-1", 1L)::equals);
      await().atMost(Duration.ofSeconds(30)).until(() -> pagesSaying("ALERT", " cluster: "),
          Map.of("wd-1", 1L, "wd-0", 1L)::equals);
      pipeline.drop(); // now wd-0 and wd-2 see a stall too
      await().atMost(Duration.ofSeconds(30)).until(() -> pagesSaying("ALERT", "inference-logs"), p -> p.size() == 2);
      await().during(PEER_TIMEOUT.multipliedBy(2)).atMost(PEER_TIMEOUT.multipliedBy(3))
          .until(() -> pagesSaying("ALERT", "inference-logs"), Map.of("wd-1", 1L, "wd-0", 1L)::equals);
      assertThat(log(2)).contains("not sent here: sent by wd-0");

      network.heal();
      for (int i = 0; i < 3; i++) {
        awaitView(i, 3);
      }
      assertThat(log(0) + log(1) + log(2)).contains("partition healed, logs reconciled");
      await().atMost(Duration.ofSeconds(30)).until(() -> count("RESOLVED", " cluster: ") == 1);
      seenByWd1.flow();
      pipeline.flow();
      await().atMost(Duration.ofSeconds(30)).until(() -> count("RESOLVED", "inference-logs") == 1);
      // every member has resolved and had its turn: one RESOLVED per alert, nothing paged again
      await().during(PEER_TIMEOUT.multipliedBy(2)).atMost(PEER_TIMEOUT.multipliedBy(3))
          .until(() -> count("RESOLVED", "inference-logs") == 1 && count("ALERT", "inference-logs") == 2
              && count("RESOLVED", " cluster: ") == 1 && count("ALERT", " cluster: ") == 2);
    }
  }

  @Test
  void aMemberWithAnotherSecretIsRefusedAndBothSidesLogSaySo() throws Exception {
    for (int i = 0; i < 3; i++) {
      ports.add(freePort(host(i)));
    }
    Files.writeString(dir.resolve("cluster-secret"), "a-shared-secret-of-the-test-cluster\n");
    Files.writeString(dir.resolve("another-secret"), "not-the-secret-of-the-test-cluster\n");
    startMember(0, "cluster-secret", "0s");
    awaitView(0, 1);
    // wd-1 and the stranger start together once wd-0 is up, as startMembers starts the others
    startMember(1, "cluster-secret", "0s");
    startMember(2, "another-secret", "0s");
    awaitView(0, 2);
    awaitView(1, 2);
    await().atMost(Duration.ofSeconds(60)).until(() -> (log(0) + log(1)).contains("CLUSTER REFUSED wd-2 on cluster"
        + " oobwatch-e2e: it does not hold this cluster's secret"));
    await().atMost(Duration.ofSeconds(30)).until(() -> log(2).contains("status on"));
    assertThat(viewSize(2)).as("wd-2 is alone in its own view; its log:\n" + log(2)).isEqualTo(1);
    // and wd-2 says it could not join, after three merge rounds (peer_timeout each)
    await().atMost(Duration.ofSeconds(30)).until(() -> log(2).contains("CLUSTER NOT JOINED: wd-2 is alone in cluster"
        + " oobwatch-e2e though wd-0, wd-1 answer(s) on the network"));
    assertThat(viewSize(0)).isEqualTo(2);
    assertThat(log(0) + log(1)).doesNotContain("view [wd-0, wd-1, wd-2]");
  }
}
