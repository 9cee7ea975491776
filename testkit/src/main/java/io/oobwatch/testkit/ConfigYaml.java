package io.oobwatch.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an {@code oobwatch.yaml} for a test: one pipeline with a canary, paged by SMS through a
 * {@link FakeTwilio}. The state folder is {@code state} next to the config; the Twilio credentials
 * are written to {@code twilio-sid} and {@code twilio-token} there, as the config asks.
 *
 * <pre>{@code
 * Path config = ConfigYaml.instance("wd-e2e")
 *     .canary("inference-logs", Canary.every("1s").set("losses_to_fire", "2")
 *         .inject(ConfigYaml.kafka(kafka.bootstrap(), topic))
 *         .stage(ConfigYaml.kafka(kafka.bootstrap(), topic))
 *         .stage(ConfigYaml.elasticsearch(opensearch.url(), "logs-*")))
 *     .sms(twilio, "+15550001111")
 *     .oncall("alice", "+15550002222")
 *     .escalation("0s", "alice")
 *     .writeTo(dir);
 * }</pre>
 */
public final class ConfigYaml {
  private final String instance;
  private boolean http;
  private String apiTokenFile;
  private String apiToken;
  private String publicUrl;
  private String pipeline;
  private Canary canary;
  private FakeTwilio twilio;
  private String from;
  private final List<String> oncall = new ArrayList<>();
  private final List<String> escalation = new ArrayList<>();

  private ConfigYaml(String instance) {
    this.instance = instance;
  }

  /** A config for the oobwatch instance {@code name}, keeping its state in {@code state}. */
  public static ConfigYaml instance(String name) {
    return new ConfigYaml(name);
  }

  /** Serves the daemon's HTTP API on a free loopback port, so several daemons can run at once. */
  public ConfigYaml httpOnFreePort() {
    http = true;
    return this;
  }

  /**
   * Enables the ack and silence API with the bearer token in {@code file} (relative to the
   * config), written by {@link #writeTo}.
   */
  public ConfigYaml apiToken(String file, String token) {
    apiTokenFile = file;
    apiToken = token;
    return this;
  }

  /**
   * The URL Twilio reaches this oobwatch at ({@code http.public_url}): its webhooks' signatures are
   * checked against it. One off loopback keeps a {@link FakeTwilio} from calling back.
   */
  public ConfigYaml publicUrl(String url) {
    publicUrl = url;
    return this;
  }

  /** The one pipeline, watched by {@code canary}. */
  public ConfigYaml canary(String pipelineName, Canary pipelineCanary) {
    pipeline = pipelineName;
    canary = pipelineCanary;
    return this;
  }

  /** Pages by SMS through {@code fake}, sent from {@code fromNumber}. */
  public ConfigYaml sms(FakeTwilio fake, String fromNumber) {
    twilio = fake;
    from = fromNumber;
    return this;
  }

  /**
   * Pages alice ({@code +15550002222}) by SMS through {@code fake}, from {@code +15550001111}, as soon
   * as an alert fires: the paging of the end-to-end tests.
   */
  public ConfigYaml smsAliceAtOnce(FakeTwilio fake) {
    return sms(fake, "+15550001111").oncall("alice", "+15550002222").escalation("0s", "alice");
  }

  /** Someone on call. */
  public ConfigYaml oncall(String name, String phone) {
    oncall.add("    - { name: " + name + ", phone: \"" + phone + "\" }");
    return this;
  }

  /** An escalation step: {@code after} the alert fires, an SMS to each of {@code names}. */
  public ConfigYaml escalation(String after, String... names) {
    escalation.add("    - { after: " + after + ", sms: [" + String.join(", ", names) + "] }");
    return this;
  }

  /** A Kafka endpoint, for a canary's inject or stage. */
  public static String kafka(String bootstrap, String topic) {
    return "kafka: { bootstrap: \"" + bootstrap + "\", topic: " + topic + " }";
  }

  /** An Elasticsearch/OpenSearch stage searching {@code index} (a pattern) with the default timeout. */
  public static String elasticsearch(String url, String index) {
    return "elasticsearch: { url: \"" + url + "\", index: \"" + index + "\" }";
  }

  /** An Elasticsearch/OpenSearch stage searching {@code index} (a pattern), each query within {@code timeout}. */
  public static String elasticsearch(String url, String index, String timeout) {
    return "elasticsearch: { url: \"" + url + "\", index: \"" + index + "\", timeout: " + timeout + " }";
  }

  /** An HTTP endpoint, for a canary's inject (POST to it) or stage (GET it, {@code {canary_id}} filled in). */
  public static String http(String url, String timeout) {
    return "http: { url: \"" + url + "\", timeout: " + timeout + " }";
  }

  /** The config's text. */
  public String yaml() {
    List<String> y = new ArrayList<>(List.of("instance: " + instance, "state_dir: state"));
    List<String> httpKeys = new ArrayList<>();
    if (http) {
      httpKeys.add("listen: \"127.0.0.1:0\"");
    }
    if (apiTokenFile != null) {
      httpKeys.add("api_token_file: " + apiTokenFile);
    }
    if (publicUrl != null) {
      httpKeys.add("public_url: \"" + publicUrl + "\"");
    }
    if (!httpKeys.isEmpty()) {
      y.add("http: { " + String.join(", ", httpKeys) + " }");
    }
    if (canary != null) {
      y.add("pipelines:");
      y.add("  - name: " + pipeline);
      y.add("    canary:");
      canary.lines.forEach(l -> y.add("      " + l));
    }
    if (twilio != null) {
      y.add("paging:");
      y.add("  twilio:");
      y.add("    account_sid_file: twilio-sid");
      y.add("    auth_token_file: twilio-token");
      y.add("    from: \"" + from + "\"");
      y.add("    api_base: " + twilio.baseUrl());
      y.add("  oncall:");
      y.addAll(oncall);
      y.add("  escalation:");
      y.addAll(escalation);
    }
    y.add("");
    return String.join("\n", y);
  }

  /** Writes {@code oobwatch.yaml} (and the Twilio credential files) into {@code dir}; returns the config's path. */
  public Path writeTo(Path dir) {
    try {
      if (apiTokenFile != null) {
        Files.writeString(dir.resolve(apiTokenFile), apiToken + "\n");
      }
      if (twilio != null) {
        Files.writeString(dir.resolve("twilio-sid"), twilio.accountSid() + "\n");
        Files.writeString(dir.resolve("twilio-token"), twilio.authToken() + "\n");
      }
      return Files.writeString(dir.resolve("oobwatch.yaml"), yaml());
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the test config into " + dir, e);
    }
  }

  /** A pipeline's canary: its settings, where it is injected and the stages it must reach in order. */
  public static final class Canary {
    private final List<String> lines = new ArrayList<>();
    private boolean staged;

    private Canary(String every) {
      lines.add("every: " + every);
    }

    /** A canary launched every {@code every}, e.g. {@code 1s}. */
    public static Canary every(String every) {
      return new Canary(every);
    }

    /**
     * A canary every second, lost {@code deadline} after emission and slow after {@code slo},
     * tracked every 250 ms, paging after 2 losses in a row and resolving after 2 passes: a test's
     * fault pages within seconds.
     */
    public static Canary quick(String deadline, String slo) {
      return every("1s").set("deadline", deadline).set("slo", slo).set("poll", "250ms").set("losses_to_fire", "2")
          .set("passes_to_resolve", "2");
    }

    /** Any other canary setting, e.g. {@code set("deadline", "6s")} or {@code set("record", "{ service: bot }")}. */
    public Canary set(String key, String value) {
      lines.add(key + ": " + value);
      return this;
    }

    /** Where the canary enters the pipeline, e.g. {@link ConfigYaml#kafka}. */
    public Canary inject(String endpoint) {
      lines.add("inject: { " + endpoint + " }");
      return this;
    }

    /** The next stage the canary must reach, e.g. {@link ConfigYaml#elasticsearch}. */
    public Canary stage(String endpoint) {
      if (!staged) {
        lines.add("stages:");
        staged = true;
      }
      lines.add("  - " + endpoint);
      return this;
    }
  }
}
