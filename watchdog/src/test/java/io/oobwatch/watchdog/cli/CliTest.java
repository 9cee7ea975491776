package io.oobwatch.watchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.watchdog.config.Readme;
import io.oobwatch.watchdog.demo.SimulatedPipeline;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's exit codes and output, against a real (embedded) pipeline on loopback. */
class CliTest {
  @TempDir Path dir;
  SimulatedPipeline pipeline;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() {
    pipeline = SimulatedPipeline.start();
  }

  @AfterEach
  void stop() {
    pipeline.close();
  }

  int run(String... args) {
    CommandLine cmd = new CommandLine(Main.class);
    cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cmd.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    return cmd.execute(args);
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  Path config(String slo, String storeUrl) throws Exception {
    Path file = dir.resolve("oobwatch.yaml");
    Files.writeString(file, String.join("\n",
        "instance: wd-cli",
        "state_dir: state",
        "pipelines:",
        "  - name: inference-logs",
        "    canary:",
        "      deadline: 3s",
        "      slo: " + slo,
        "      poll: 100ms",
        "      inject: { http: { url: \"" + pipeline.ingestUrl() + "\" } }",
        "      stages:",
        "        - http: { name: queue, url: \"" + pipeline.queueSearchUrl() + "\" }",
        "        - http: { name: store, url: \"" + storeUrl + "\", timeout: 1s }",
        ""));
    return file;
  }

  @Test
  void checkExitsZeroAndPrintsAStageTableWhenTheCanaryArrivesEverywhere() throws Exception {
    assertThat(run("check", "-c", config("2s", pipeline.storeSearchUrl()).toString())).isZero();
    assertThat(out()).startsWith("OOBWATCH OK - 1 pipeline(s) OK")
        .containsPattern("inference-logs\\s+inject:http\\s+ACCEPTED")
        .containsPattern("inference-logs\\s+queue\\s+SEEN")
        .containsPattern("inference-logs\\s+store\\s+SEEN");
  }

  /** The daemon's state as 60 judged canaries of the last hour would leave it: queue at 400 ms, store at 300 ms. */
  void daemonJudged60Canaries() {
    java.time.Instant now = java.time.Instant.now();
    try (io.oobwatch.watchdog.store.Stores stores = io.oobwatch.watchdog.store.Stores.open(dir.resolve("state"))) {
      for (int i = 0; i < 60; i++) {
        java.time.Instant at = now.minusSeconds(3600 - i * 30L);
        stores.canaries().saveOutcome(new io.oobwatch.probes.canary.CanaryOutcome("inference-logs", "c-" + i,
            stores.canaries().nextSeq("inference-logs"), at.minusMillis(300), "http",
            new io.oobwatch.probes.Injection(true, java.time.Duration.ofMillis(2), "accepted"),
            java.util.List.of(
                new io.oobwatch.probes.canary.StageResult("queue", io.oobwatch.probes.canary.StageResult.Status.SEEN,
                    java.time.Duration.ofMillis(400), 1, ""),
                new io.oobwatch.probes.canary.StageResult("store", io.oobwatch.probes.canary.StageResult.Status.SEEN,
                    java.time.Duration.ofMillis(300), 1, "")),
            at));
      }
    }
  }

  @Test
  void checkShowsBesideEachStageTheLatencyTheDaemonLearnedFromItsStateAndTheDeadline() throws Exception {
    daemonJudged60Canaries();
    Path config = config("2s", pipeline.storeSearchUrl());
    java.nio.file.attribute.FileTime before = Files.getLastModifiedTime(dir.resolve("state").resolve("oobwatch.db"));

    assertThat(run("check", "-c", config.toString())).isZero();
    assertThat(out()).containsPattern("inference-logs\\s+queue\\s+SEEN .*p99 0.4s, late after 2s, deadline 3s")
        .containsPattern("inference-logs\\s+store\\s+SEEN .*p99 0.3s, late after 2s, deadline 3s");
    assertThat(Files.getLastModifiedTime(dir.resolve("state").resolve("oobwatch.db"))).as("read only").isEqualTo(before);

    out.reset();
    assertThat(run("check", "--json", "-c", config.toString())).isZero();
    JsonNode queue = new ObjectMapper().readTree(out()).at("/pipelines/0/learned/0");
    assertThat(queue.get("stage").asText()).isEqualTo("queue");
    assertThat(queue.get("p99_ms").asLong()).isEqualTo(400);
    assertThat(queue.get("late_after_ms").asLong()).isEqualTo(2000);
    assertThat(queue.get("arrivals").asInt()).isEqualTo(60);
  }

  @Test
  void checkWithoutTheDaemonsStateShowsNoLearnedLatencyAndCreatesNoState() throws Exception {
    assertThat(run("check", "-c", config("2s", pipeline.storeSearchUrl()).toString())).isZero();
    assertThat(out()).doesNotContain("late after");
    assertThat(dir.resolve("state")).doesNotExist();
  }

  @Test
  void checkExitsOneWhenTheCanaryArrivesLate() throws Exception {
    assertThat(run("check", "-c", config("1ms", pipeline.storeSearchUrl()).toString())).isEqualTo(1);
    assertThat(out()).startsWith("OOBWATCH WARNING - inference-logs: canary slow");
  }

  @Test
  void checkExitsTwoNamingTheHopWhenTheConnectorIsStalled() throws Exception {
    pipeline.stallConnector();
    assertThat(run("check", "-c", config("2s", pipeline.storeSearchUrl()).toString())).isEqualTo(2);
    assertThat(out()).startsWith("OOBWATCH CRITICAL - inference-logs: canary lost between queue and store")
        .containsPattern("store\\s+LOST");
  }

  Path fileEntryConfig(Path log) throws Exception {
    Path file = dir.resolve("file-entry.yaml");
    Files.writeString(file, String.join("\n",
        "instance: wd-cli",
        "state_dir: state",
        "pipelines:",
        "  - name: inference-logs",
        "    canary:",
        "      deadline: 1s",
        "      poll: 100ms",
        "      inject: { file: { path: \"" + log + "\" } }",
        "      stages:",
        "        - http: { name: queue, url: \"" + pipeline.queueSearchUrl() + "\" }",
        ""));
    return file;
  }

  @Test
  void checkOfAFileEntryWithNoShipperNamesTheHopAfterTheFileAndAMissingFileIsNotCreated() throws Exception {
    Path log = Files.writeString(dir.resolve("app.log"), "");
    assertThat(run("check", "-c", fileEntryConfig(log).toString())).isEqualTo(2);
    assertThat(out()).startsWith("OOBWATCH CRITICAL - inference-logs: canary lost between file and queue")
        .containsPattern("queue\\s+LOST");
    assertThat(Files.readString(log)).contains("\"synthetic\":true");

    out.reset();
    Path missing = dir.resolve("missing").resolve("app.log");
    assertThat(run("check", "-c", fileEntryConfig(missing).toString())).isEqualTo(2);
    assertThat(out()).startsWith("OOBWATCH CRITICAL - inference-logs: cannot inject canary into file")
        .containsPattern("inject:file\\s+FAILED")
        .contains("cannot append to " + missing + ": no such file");
    assertThat(missing.getParent()).doesNotExist();
  }

  @Test
  void checkExitsTwoAndSaysUnreachableWhenAStageCannotBeQueried() throws Exception {
    String closedPort = "http://127.0.0.1:9/search?q={canary_id}";
    assertThat(run("check", "-c", config("2s", closedPort).toString())).isEqualTo(2);
    assertThat(out()).startsWith("OOBWATCH CRITICAL - inference-logs: cannot query store")
        .containsPattern("store\\s+UNREACHABLE");
  }

  @Test
  void checkJsonIsMachineReadable() throws Exception {
    pipeline.stallConnector();
    assertThat(run("check", "--json", "-c", config("2s", pipeline.storeSearchUrl()).toString())).isEqualTo(2);
    JsonNode doc = new ObjectMapper().readTree(out());
    assertThat(doc.path("status").asText()).isEqualTo("CRITICAL");
    assertThat(doc.path("exit").asInt()).isEqualTo(2);
    JsonNode p = doc.path("pipelines").get(0);
    assertThat(p.path("verdict").asText()).isEqualTo("LOST");
    assertThat(p.path("stages").get(0).path("result").asText()).isEqualTo("SEEN");
    assertThat(p.path("stages").get(1).path("result").asText()).isEqualTo("LOST");
  }

  @Test
  void checkExitsThreeOnAnInvalidConfigOrAnUnknownPipeline() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "pipelines: 3\n");
    assertThat(run("check", "-c", bad.toString())).isEqualTo(3);
    assertThat(out()).startsWith("OOBWATCH UNKNOWN - invalid config");
    out.reset();
    assertThat(run("check", "--pipeline", "nope", "-c", config("2s", pipeline.storeSearchUrl()).toString())).isEqualTo(3);
    assertThat(out()).contains("no pipeline named \"nope\"");
  }

  @Test
  void validateExitsZeroForAValidConfigAndTwoWithEveryProblemForAnInvalidOne() throws Exception {
    assertThat(run("validate", "-c", config("2s", pipeline.storeSearchUrl()).toString())).isZero();
    assertThat(out()).contains("valid. instance wd-cli; 1 pipeline(s): inference-logs; paging: console");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "pipelines:\n  - name: x\n    canary: { evry: 1s, inject: { http: { url: \"http://h\" } }, stages: [ { http: { url: nope } } ] }\n");
    assertThat(run("validate", "-c", bad.toString())).isEqualTo(2);
    String e = err.toString(StandardCharsets.UTF_8);
    assertThat(e).contains("bad.yaml:3:").contains("unknown key \"evry\"; did you mean \"every\"?")
        .contains("\"nope\" is not an http:// or https:// URL").contains("problem(s); the config was not loaded");
  }

  @Test
  void validateSaysWhatItReadOfTheReadmesClusterInTheWordsTheReadmeQuotes() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
    Matcher quoted = Pattern.compile("says what it read \\(\"(cluster [^\"]+)\"\\)").matcher(readme);
    assertThat(quoted.find()).as("the README's Cluster section quotes what validate says of a cluster").isTrue();
    Files.writeString(dir.resolve("cluster-secret"), "a-shared-secret-of-the-readme\n");
    Path config = config("2s", pipeline.storeSearchUrl());
    Files.writeString(config, Files.readString(config) + Readme.firstYamlAfter("## Cluster")
        .replace("${OOBWATCH_CREDENTIALS:-/etc/oobwatch/credentials/}", ""));

    assertThat(run("validate", "-c", config.toString())).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out()).contains("; " + quoted.group(1) + "\n");
  }

  @Test
  void validateJsonListsEachProblemWithFileLineColumnKeyPathMessageAndHint() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "pipelines:\n  - name: x\n    canary: { evry: 1s, inject: { http: { url: \"http://h\" } }, stages: [ { http: { url: nope } } ] }\n");
    assertThat(run("validate", "--json", "-c", bad.toString())).isEqualTo(2);
    JsonNode doc = new ObjectMapper().readTree(out());
    assertThat(doc.path("valid").asBoolean(true)).isFalse();
    JsonNode evry = null;
    for (JsonNode p : doc.path("problems")) {
      assertThat(p.path("file").asText()).endsWith("bad.yaml");
      if (p.path("message").asText().equals("unknown key \"evry\"")) {
        evry = p;
      }
    }
    assertThat(evry).as("the unknown key among %s", doc).isNotNull();
    assertThat(evry.path("line").asInt()).isEqualTo(3);
    assertThat(evry.path("column").asInt()).isPositive();
    assertThat(evry.path("path").asText()).startsWith("pipelines[0].canary");
    assertThat(evry.path("hint").asText()).startsWith("did you mean \"every\"?");
    assertThat(doc.path("problems").size()).isGreaterThanOrEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void validateJsonSaysValidWithNoProblemsAndExitsZero() throws Exception {
    assertThat(run("validate", "--json", "-c", config("2s", pipeline.storeSearchUrl()).toString())).isZero();
    JsonNode doc = new ObjectMapper().readTree(out());
    assertThat(doc.path("valid").asBoolean(false)).isTrue();
    assertThat(doc.path("problems").isArray()).isTrue();
    assertThat(doc.path("problems")).isEmpty();
  }

  @Test
  void validateJsonGivesAMissingFileWithoutALine() throws Exception {
    assertThat(run("validate", "--json", "-c", dir.resolve("none.yaml").toString())).isEqualTo(2);
    JsonNode p = new ObjectMapper().readTree(out()).path("problems").get(0);
    assertThat(p.path("line").isNull()).isTrue();
    assertThat(p.path("message").asText()).isEqualTo("no such file");
    assertThat(p.path("hint").asText()).startsWith("pass -c FILE");
  }

  @Test
  void validateExitsTwoForAMissingFile() {
    assertThat(run("validate", "-c", dir.resolve("none.yaml").toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("none.yaml: no such file");
  }

  @Test
  void validateNamesTheLineAndColumnOfAByteThatIsNotUtf8() throws Exception {
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, "instance: wd-cli\n# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

    assertThat(run("validate", "-c", latin1.toString())).isEqualTo(2);

    assertThat(err.toString(StandardCharsets.UTF_8)).contains("latin1.yaml:2:6: not UTF-8 text (byte 0xE9); save the"
        + " file as UTF-8").doesNotContain("Input length");
  }

  @Test
  void validateRefusesASecretFileThatIsADeviceInsteadOfRunningOutOfMemory() throws Exception {
    Path config = dir.resolve("device.yaml");
    Files.writeString(config, "http: { api_token_file: /dev/urandom }\nheartbeats: [ { name: backup, token: \"${HB}\" } ]\n");

    assertThat(run("validate", "-c", config.toString())).isEqualTo(2);

    assertThat(err.toString(StandardCharsets.UTF_8)).contains("device.yaml:1:25: http.api_token_file: cannot read"
        + " secret file /dev/urandom: not a regular file");
  }

  @Test
  void helpTeachesTheCommandsAndVersionPrints() {
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("run", "validate", "check", "demo", "Exit codes of check: 0 OK, 1 WARNING");
    out.reset();
    assertThat(run("--version")).isZero();
    assertThat(out()).startsWith("oobwatch ");
  }

  @Test
  void everyCommandAnswersHelpWithItsOwnUsage() {
    for (String command : new String[] {"run", "validate", "check", "demo", "ack", "silence", "page-test", "status"}) {
      out.reset();
      assertThat(run(command, "--help")).as(command + " --help").isZero();
      assertThat(out()).as(command + " --help").contains("Usage: oobwatch " + command + " [-hV]");
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void silenceHelpExplainsEndingASilenceEarly() {
    assertThat(run("silence", "--help")).isZero();

    assertThat(out()).contains("--end=ID", "end silence ID now", "alerts of its subject that still fire are paged again");
  }

  @Test
  void theShippedExampleConfigIsValidWithItsSecretsWhereTheUnitHandsThemOver() throws Exception {
    // as LoadCredential=oobwatch:/etc/oobwatch/credentials names them, and the unit's OOBWATCH_CREDENTIALS=%d/oobwatch_
    Path creds = Files.createDirectories(dir.resolve("creds"));
    for (String f : new String[] {"es-api-key", "twilio-sid", "twilio-token", "api-token", "hb-log-shipper.token"}) {
      Files.writeString(creds.resolve("oobwatch_" + f), "secret-" + f + "\n");
    }
    var loader = new io.oobwatch.watchdog.config.ConfigLoader(
        name -> name.equals("OOBWATCH_CREDENTIALS") ? creds + "/oobwatch_" : null);
    Path example = Path.of("..", "deploy", "oobwatch.yaml.example");
    var config = loader.load(example);
    assertThat(config.pipelines()).hasSize(1);
    assertThat(config.pipelines().get(0).canary().stages()).extracting(s -> s.name()).containsExactly("kafka", "elasticsearch");
    assertThat(config.paging().twilio().toString()).doesNotContain("secret-twilio-token");
    assertThat(config.heartbeats()).extracting(h -> h.name()).containsExactly("log-shipper", "inference-api");
    assertThat(config.paging().escalation()).hasSize(3);
    assertThat(config.http().toString()).doesNotContain("secret-api-token");
    assertThat(config.self().stalledAfter()).isEqualTo(java.time.Duration.ofMinutes(2));
  }
}
