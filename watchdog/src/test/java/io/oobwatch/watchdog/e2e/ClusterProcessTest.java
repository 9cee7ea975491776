package io.oobwatch.watchdog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.ConfigYaml;
import io.oobwatch.testkit.DaemonProcess;
import io.oobwatch.testkit.FakeTwilio;
import io.oobwatch.watchdog.loopback.LoopbackPipeline;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code oobwatch run} processes on loopback as one cluster (JGroups TCP on three ports),
 * watching the same pipeline and paging through one loopback Twilio. The pipeline is a loopback
 * HTTP pipeline (intake and search), not Kafka and OpenSearch: the JVMs of three daemons already
 * load this 2-core machine; its connector stalls (records accepted, never stored) once the
 * cluster has formed, so every member sees the stall within a canary's deadline.
 */
class ClusterProcessTest {
  static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "cluster-token-0123456789";
  static final String API_TOKEN = "api-token-0123456789abcdef";
  static final Duration PEER_TIMEOUT = Duration.ofSeconds(3);
  /**
   * A member's JVM: a small heap, the quick compiler only and one GC thread, so that three members
   * starting on a loaded 2-core machine spend their CPU starting, not optimising code they run a
   * few times.
   */
  static final String[] MEMBER_JVM = {"-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"};
  static final Pattern STATUS_ON = Pattern.compile("status on http://([0-9.]+:[0-9]+)");

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

  @BeforeEach
  void start() {
    twilio = FakeTwilio.start(SID, TOKEN);
    pipeline = LoopbackPipeline.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (Process p : members) {
      p.destroyForcibly().waitFor();
    }
    twilio.close();
    pipeline.close();
    for (LoopbackPipeline other : watches.values()) {
      other.close();
    }
  }

  /** Starts members 0..n-1 as {@link #startMembers} does (wd-0 is the oldest: rank 0), then stalls the pipeline. */
  void startCluster(int n, String... steps) throws Exception {
    startMembers(n, n, steps);
    pipeline.drop(); // the connector stalls: every member's canaries are lost from now on
  }

  /**
   * Lists {@code listed} members in {@code cluster.members} and starts the first {@code n}: wd-0
   * first, so that it is the oldest (rank 0), then the others together once it is in its view
   * (their JVMs' start-up is the slow part; which of them joins first takes the next rank). The
   * pipeline keeps flowing.
   */
  void startMembers(int listed, int n, String... steps) throws Exception {
    for (int i = 0; i < listed; i++) {
      ports.add(freePort());
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
        .sms(twilio, "+15550001111")
        .oncall("alice", "+15550002222");
    for (String after : steps) {
      c.escalation(after, "alice");
    }
    c.writeTo(d);
    String memberList = ports.stream().map(p -> "\"127.0.0.1:" + p + "\"").collect(Collectors.joining(", "));
    Files.writeString(d.resolve("oobwatch.yaml"), c.yaml() + "pipelines:\n"
        + watches.getOrDefault(i, pipeline).pipelineYaml("inference-logs", "1s", "200ms", "3s")
        + "cluster:\n  name: oobwatch-e2e\n"
        + "  bind: \"127.0.0.1:" + ports.get(i) + "\"\n  members: [" + memberList + "]\n"
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

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
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

  /**
   * One stalled cluster for two things: each step is paged exactly once by the whole cluster, and
   * an ack taken by the third member stops the first member's escalation (its third step).
   */
  @Test
  void aStallPagesExactlyOneSmsPerStepFromTheWholeClusterAndAnAckOnTheThirdMemberStopsTheFirstMembersEscalation()
      throws Exception {
    Duration thirdStep = Duration.ofSeconds(30);
    startCluster(3, "0s", "8s", thirdStep.toSeconds() + "s");
    await().atMost(Duration.ofSeconds(60)).until(() -> pagesToAlice().size() >= 1);
    long firstPage = System.nanoTime(); // the alerts opened just before, within a second of each other
    await().atMost(Duration.ofSeconds(60)).until(() -> pagesToAlice().size() >= 2);
    // every member has held both steps for its turn (rank 2: 2 × peer_timeout) and found them sent
    await().during(PEER_TIMEOUT.multipliedBy(3)).atMost(PEER_TIMEOUT.multipliedBy(4)).until(() -> pagesToAlice().size() == 2);
    assertThat(pagesToAlice()).allSatisfy(m -> assertThat(m.body()).contains("inference-logs"));
    assertThat(log(1) + log(2)).contains("not sent here: sent by wd-0");

    String c = http(2);
    HttpResponse<String> ack = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(c + "/alerts/1/ack"))
        .header("Authorization", "Bearer " + API_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ack.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> log(0).contains("acknowledged by api on wd-2"));
    // the third step was due 30 s after the alert opened: nobody sends it, not even rank 2 after
    // its 2 × peer_timeout (and a second for the alerts opening apart)
    Duration rank2Sends = thirdStep.plus(PEER_TIMEOUT.multipliedBy(2)).plusSeconds(1);
    Duration left = rank2Sends.minus(Duration.ofNanos(System.nanoTime() - firstPage));
    assertThat(left).as("the ack was in before the third step was due").isGreaterThan(PEER_TIMEOUT.multipliedBy(2));
    await().during(left).atMost(left.plusSeconds(5)).until(() -> pagesToAlice().size() == 2);
  }

  @Test
  void killingTheMemberThatWouldPageLetsTheNextOnePageWithinPeerTimeoutAndAnEvaluation() throws Exception {
    startCluster(3, "0s", "8s");
    await().atMost(Duration.ofSeconds(60)).until(() -> pagesToAlice().size() == 1);
    long firstPage = System.nanoTime();
    await().atMost(Duration.ofSeconds(5)).until(() -> log(0).contains("page to alice sent")); // rank 0 sent it
    // wd-0 (rank 0) would send step 2, due 8 s after its alert opened (just before the first page); kill it first
    await().pollDelay(Duration.ofSeconds(6)).until(() -> true);
    members.get(0).destroyForcibly().waitFor(); // SIGKILL
    await().atMost(Duration.ofSeconds(30)).until(() -> pagesToAlice().size() == 2);
    Duration afterDue = Duration.ofNanos(System.nanoTime() - firstPage).minusSeconds(8);
    // the next member is rank 0 once wd-0 has left the view: it pages at its next pass, within
    // peer_timeout and one evaluation (1 s) of the step's time (the members' alerts open up to a
    // second apart, and the poll here adds its 100 ms)
    assertThat(afterDue).isLessThan(PEER_TIMEOUT.plusSeconds(1).plusSeconds(2));
    await().during(PEER_TIMEOUT.multipliedBy(2)).atMost(PEER_TIMEOUT.multipliedBy(3)).until(() -> pagesToAlice().size() == 2);
    assertThat(log(1) + log(2)).contains("wd-0 LEFT the cluster");
    // and the survivors say that wd-0 is gone, once: rank 1 has held its copy back after its
    // peer_timeout (the alert's second step, 8 s after it opened, is a step of its own)
    await().atMost(Duration.ofSeconds(10)).until(() -> pagesToAlice("wd-0 left the cluster").size() == 1);
    await().during(PEER_TIMEOUT.plusSeconds(1)).atMost(PEER_TIMEOUT.plusSeconds(2))
        .until(() -> pagesToAlice("wd-0 left the cluster").size() == 1);
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

  @Test
  void withAgreeTwoAStallOnlyOneMemberSeesPagesNobody() throws Exception {
    agree = 2;
    LoopbackPipeline seenByWd1 = LoopbackPipeline.start();
    watches.put(1, seenByWd1);
    startMembers(2, 2, "0s");
    seenByWd1.drop(); // only wd-1's view of inference-logs stalls
    await().atMost(Duration.ofSeconds(30)).until(() -> log(1).contains("ALERT 1 inference-logs"));
    await().during(PEER_TIMEOUT.multipliedBy(3)).atMost(PEER_TIMEOUT.multipliedBy(4)).until(() -> pagesToAlice().isEmpty());
    assertThat(log(0)).doesNotContain("ALERT 1 inference-logs");
    assertThat(twilio.delivered()).isEmpty();
  }

  @Test
  void aMemberWithAnotherSecretIsRefusedAndBothSidesLogSaySo() throws Exception {
    for (int i = 0; i < 3; i++) {
      ports.add(freePort());
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
