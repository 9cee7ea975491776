package io.oobwatch.watchdog.config;

import io.oobwatch.probes.InjectorConfig;
import io.oobwatch.probes.Kind;
import io.oobwatch.probes.StageConfig;
import io.oobwatch.probes.Use;
import io.oobwatch.probes.kinds.Kinds;
import io.oobwatch.watchdog.page.TwilioConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Loads and validates a config file. Unknown keys, wrong types, bad durations, missing required
 * keys and references to undefined on-call people are all reported, each with
 * {@code file:line:column}, the key path, and what to do.
 */
public final class ConfigLoader {
  public static final Path DEFAULT_PATH = Path.of("/etc/oobwatch/oobwatch.yaml");
  public static final String ENV_VAR = "OOBWATCH_CONFIG";

  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
  /** A config is a few KB; this bounds what a wrong -c (a device, a log file) can make oobwatch read. */
  private static final int MAX_BYTES = 1024 * 1024;
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

  private final Function<String, String> env;

  /** A loader that expands {@code ${VAR}} from the process environment. */
  public ConfigLoader() {
    this(System::getenv);
  }

  public ConfigLoader(Function<String, String> env) {
    this.env = env;
  }

  /** Which file to read: {@code -c FILE}, else {@code $OOBWATCH_CONFIG}, else the default path. */
  public Path locate(Path option) {
    if (option != null) {
      return option;
    }
    String fromEnv = env.apply(ENV_VAR);
    return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : DEFAULT_PATH;
  }

  public Config load(Path file) throws ConfigException {
    String name = file.toString();
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new ConfigException(ConfigError.of(name,
          "no such file; pass -c FILE, set " + ENV_VAR + ", or start from deploy/oobwatch.yaml.example"));
    } catch (IOException e) {
      throw new ConfigException(ConfigError.of(name, "cannot read: " + e.getMessage()));
    }
    if (bytes.length > MAX_BYTES) {
      throw new ConfigException(ConfigError.of(name, "larger than " + MAX_BYTES / (1024 * 1024)
          + " MiB, far more than any config; is this the config file? (pass it with -c FILE)"));
    }
    String text;
    try {
      text = Utf8.decode(bytes);
    } catch (Utf8.Malformed e) {
      throw new ConfigException(ConfigError.at(name, new YamlNode.Mark(e.line, e.column), "",
          String.format(java.util.Locale.ROOT, "not UTF-8 text (byte 0x%02X); save the file as UTF-8"
              + " (from Latin-1: iconv -f latin1 -t utf-8 FILE > NEW_FILE)", e.value)));
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(name, dir, text);
  }

  /** Parses config text; {@code baseDir} anchors relative paths (state_dir, secret files). */
  public Config parse(String file, Path baseDir, String text) throws ConfigException {
    YamlNode root = YamlTree.parse(file, text);
    if (root == null) {
      throw new ConfigException(ConfigError.of(file, "the file is empty; start from deploy/oobwatch.yaml.example"));
    }
    Reader r = new Reader(file, baseDir, env);
    Config config = read(r, root);
    if (!r.errors.isEmpty()) {
      throw new ConfigException(r.errors);
    }
    return config;
  }

  private Config read(Reader r, YamlNode root) {
    Reader.Obj top = r.obj(root, "");
    if (top == null) {
      return null;
    }
    String instance = top.string("instance", hostname());
    if (instance != null && !NAME.matcher(instance).matches()) {
      top.error("instance", "\"" + instance + "\" is not a usable name; use lower-case letters, digits, '-', '_' or '.'");
    }
    String stateDir = top.string("state_dir", "/var/lib/oobwatch");
    Config.Http http = http(r, top.obj("http"));
    List<Config.Pipeline> pipelines = pipelines(r, top);
    Config.Paging paging = paging(r, top.obj("paging"));
    List<Config.Heartbeat> heartbeats = HeartbeatsReader.read(r, top);
    if (paging != null && http.publicUrl() == null && paging.twilio() != null
        && paging.escalation().stream().anyMatch(s -> !s.call().isEmpty())) {
      r.error(top.has("paging") ? top.keyMark("paging") : top.mark(), "http.public_url",
          "not set, but paging.escalation places calls and Twilio posts their \"press 1 to acknowledge\" back to it;"
              + " set it to the URL Twilio reaches this oobwatch at, e.g. http: { public_url: \"https://wd-eu-1.example.net\" }");
    }
    Config.Self self = SelfSection.read(r, top.obj("self"), pipelines);
    Config.Cluster cluster = ClusterSection.read(r, top.obj("cluster"));
    top.done();
    return new Config(
        Path.of(r.file), instance, stateDir == null ? null : r.baseDir.resolve(stateDir), http, pipelines, paging,
        heartbeats, self, cluster);
  }

  private static Config.Http http(Reader r, Reader.Obj o) {
    InetSocketAddress dflt = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9107);
    if (o == null) {
      return new Config.Http(dflt, null);
    }
    String listen = o.string("listen", null);
    InetSocketAddress address = dflt;
    if (listen != null) {
      address = hostPort(listen);
      if (address == null) {
        o.error("listen", "\"" + listen + "\" is not HOST:PORT; write e.g. 127.0.0.1:9107 or 0.0.0.0:9107");
        address = dflt;
      }
    }
    String publicUrl = o.string("public_url", null);
    if (publicUrl != null && !publicUrl.startsWith("http://") && !publicUrl.startsWith("https://")) {
      o.error("public_url", "\"" + publicUrl + "\" is not an http:// or https:// URL");
    }
    String apiToken = o.secret("api_token", false);
    o.done();
    return new Config.Http(address, publicUrl, apiToken);
  }

  static InetSocketAddress hostPort(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return null;
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 0 || port > 65535) {
        return null;
      }
      return InetSocketAddress.createUnresolved(host, port);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static List<Config.Pipeline> pipelines(Reader r, Reader.Obj top) {
    List<Config.Pipeline> out = new ArrayList<>();
    if (!top.has("pipelines")) {
      if (!top.has("heartbeats")) { // a watchdog of heartbeats alone needs no pipeline
        top.missing("pipelines", "describe at least one pipeline (or heartbeat) to watch (see deploy/oobwatch.yaml.example)");
      }
      return out;
    }
    List<YamlNode> items = top.list("pipelines");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      Reader.Obj p = r.obj(items.get(i), "pipelines[" + i + "]");
      if (p == null) {
        continue;
      }
      String name = p.requiredString("name", "name the pipeline, e.g. name: inference-logs");
      if (name != null && !NAME.matcher(name).matches()) {
        p.error("name", "\"" + name + "\" is not a usable name; use lower-case letters, digits, '-', '_' or '.'");
      } else if (name != null && !names.add(name)) {
        p.error("name", "pipeline \"" + name + "\" is defined twice; pipeline names must be unique");
      }
      Config.Canary canary = null;
      Reader.Obj c = p.obj("canary");
      if (c != null) {
        canary = canary(r, c);
      }
      Config.Checks checks = ChecksReader.read(r, p);
      Config.Quality quality = QualityReader.read(r, p);
      if (c == null && !p.has("canary") && !p.has("freshness") && !p.has("volume") && !p.has("consumer_lag")
          && !p.has("tap") && !p.has("quality") && !p.has("cost")) {
        p.missing("canary", "a pipeline needs at least one check: add a canary: section (every, deadline, inject,"
            + " stages), or freshness:, volume:, consumer_lag: or tap: with quality: and cost:");
      }
      p.done();
      out.add(new Config.Pipeline(name, canary, checks, quality));
    }
    if (items.isEmpty() && r.errors.isEmpty()) {
      top.error("pipelines", "the list is empty; describe at least one pipeline to watch");
    }
    return out;
  }

  private static Config.Canary canary(Reader r, Reader.Obj c) {
    // every: more often than once a second floods the watched pipeline; deadline and poll: a
    // canary judged hours late, or looked for once a minute, hides the outage it exists to catch
    Duration every = c.duration("every", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofDays(1));
    Duration deadline = c.duration("deadline", Duration.ofSeconds(90), Duration.ofSeconds(1), Duration.ofHours(6));
    Duration slo = c.duration("slo", deadline.dividedBy(2));
    Duration poll = c.duration("poll", Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(1));
    if (slo.compareTo(deadline) >= 0 && c.has("slo")) {
      c.error("slo", "must be shorter than the deadline (" + io.oobwatch.probes.canary.Durations.format(deadline) + ")");
    }
    int losses = c.integer("losses_to_fire", 2, 1);
    int passes = c.integer("passes_to_resolve", 2, 1);
    Config.Early early = early(c, deadline);
    Map<String, Object> record = c.values("record");
    for (String reserved : List.of("synthetic", "canary")) {
      if (record.containsKey(reserved)) {
        r.error(c.mark(), c.child("record." + reserved), "\"" + reserved + "\" is set by oobwatch on every canary; remove it from record");
      }
    }
    Config.InjectorSpec inject = null;
    Reader.Obj in = c.obj("inject");
    if (in == null && !c.has("inject")) {
      c.missing("inject", "where canaries enter the pipeline, e.g. inject: { kafka: { bootstrap: \"kafka-1:9092\", topic: inference-logs } }");
    } else if (in != null) {
      Map.Entry<Kind, Reader.Obj> kind = oneKind(r, in, Use.ENTRY);
      if (kind != null) {
        InjectorConfig read = kind.getKey().entry().read(kind.getValue());
        inject = new Config.InjectorSpec(kind.getKey().name(), ProbeTrial.open(read, kind.getValue(), InjectorConfig::open));
        kind.getValue().done();
      }
    }
    List<Config.StageSpec> stages = new ArrayList<>();
    if (!c.has("stages")) {
      c.missing("stages", "list where the canary must arrive, in pipeline order, e.g. - kafka: {...} then - elasticsearch: {...}");
    }
    List<YamlNode> items = c.list("stages");
    if (c.has("stages") && items.isEmpty() && c.get("stages") instanceof YamlNode.Sequence) {
      c.error("stages", "the list is empty; list where the canary must arrive, in pipeline order");
    }
    Set<String> names = new HashSet<>();
    Map<String, Reader.Obj> explicitAfter = new java.util.LinkedHashMap<>();
    for (int i = 0; i < items.size(); i++) {
      Reader.Obj s = r.obj(items.get(i), c.child("stages[" + i + "]"));
      if (s == null) {
        continue;
      }
      Map.Entry<Kind, Reader.Obj> kind = oneKind(r, s, Use.STAGE);
      if (kind == null) {
        continue;
      }
      Reader.Obj settings = kind.getValue();
      String name = settings.string("name", kind.getKey().name());
      if (name != null && !names.add(name)) {
        settings.error("name", "two stages are named \"" + name + "\"; give each a unique name: key");
      }
      String after = settings.string("after", null);
      if (after != null && name != null) {
        explicitAfter.put(name, settings);
      }
      StageConfig read = kind.getKey().stage().read(settings);
      stages.add(new Config.StageSpec(kind.getKey().name(), name, after,
          ProbeTrial.open(read, settings, (st, ctx) -> st.open(name, ctx))));
      settings.done();
    }
    checkBranches(stages, explicitAfter);
    c.done();
    return new Config.Canary(every, deadline, slo, poll, losses, passes, record, inject, stages, early);
  }

  /**
   * {@code early}, {@code late_factor} (1–100), {@code late_floor} (100ms up to the deadline) and
   * {@code learn_from} (10–1000 canaries: fewer learns from noise; more than the kept window never learns).
   */
  private static Config.Early early(Reader.Obj c, Duration deadline) {
    Config.Early d = Config.Early.DEFAULT;
    boolean on = c.bool("early", d.on());
    double factor = d.lateFactor();
    YamlNode f = c.get("late_factor");
    if (f != null) {
      boolean number = f instanceof YamlNode.Scalar
          && (((YamlNode.Scalar) f).type() == YamlNode.Scalar.Type.INTEGER
              || ((YamlNode.Scalar) f).type() == YamlNode.Scalar.Type.FLOAT);
      double v = number ? Double.parseDouble(((YamlNode.Scalar) f).text()) : Double.NaN;
      if (!number) {
        c.error("late_factor", "expected a number (the LATE bound is late_factor × the learned p99.9), found " + f.describe());
      } else if (!(v >= 1 && v <= 100)) {
        c.error("late_factor", "must be between 1 and 100, found " + ((YamlNode.Scalar) f).text());
      } else {
        factor = v;
      }
    }
    Duration floor = c.duration("late_floor", d.lateFloor(), Duration.ofMillis(100), Duration.ofHours(6));
    if (c.has("late_floor") && floor.compareTo(deadline) >= 0) {
      c.error("late_floor", "must be shorter than the deadline (" + io.oobwatch.probes.canary.Durations.format(deadline)
          + "): a LATE bound at or past the deadline never judges early; lower it, or set early: false");
    }
    int learnFrom = c.integer("learn_from", d.learnFrom(), 10);
    if (learnFrom > io.oobwatch.probes.canary.LearnedLatency.WINDOW) {
      c.error("learn_from", "must be at most " + io.oobwatch.probes.canary.LearnedLatency.WINDOW
          + " (the canaries kept per stage), found " + learnFrom);
      learnFrom = d.learnFrom();
    }
    return new Config.Early(on, factor, floor, learnFrom);
  }

  /**
   * Each {@code after:} must name another stage of the pipeline, and following the stages each
   * one follows must lead to the entry: the stages form a tree, fed from the entry.
   */
  private static void checkBranches(List<Config.StageSpec> stages, Map<String, Reader.Obj> explicitAfter) {
    Map<String, String> parent = new java.util.HashMap<>();
    for (int i = 0; i < stages.size(); i++) {
      Config.StageSpec s = stages.get(i);
      parent.put(s.name(), s.after() != null ? s.after() : i > 0 ? stages.get(i - 1).name() : null);
    }
    String known = stages.stream().map(Config.StageSpec::name).collect(java.util.stream.Collectors.joining(", "));
    for (Config.StageSpec s : stages) {
      Reader.Obj at = explicitAfter.get(s.name());
      if (at == null) {
        continue;
      }
      if (s.after().equals(s.name())) {
        at.error("after", "stage \"" + s.name() + "\" cannot follow itself; name the stage that feeds it (" + known
            + "), or remove after: to follow the stage listed above");
      } else if (!parent.containsKey(s.after())) {
        String near = Reader.nearest(s.after(), new java.util.LinkedHashSet<>(parent.keySet()));
        at.error("after", "no stage is named \"" + s.after() + "\" in this pipeline"
            + (near == null ? "" : "; did you mean \"" + near + "\"?") + " (stages: " + known
            + "); after: names the stage this one is fed from");
      } else {
        List<String> loop = new ArrayList<>(List.of(s.name()));
        for (String p = s.after(); p != null && loop.size() <= stages.size(); p = parent.get(p)) {
          loop.add(p);
          if (p.equals(s.name())) {
            at.error("after", "the stages follow each other in a circle (" + String.join(" after ", loop)
                + "); one of them must be fed from the entry: list it first, or give it after: a stage above it");
            break;
          }
        }
      }
    }
  }

  /** A map that must hold exactly one key naming a kind ({@code kafka: {...}}). */
  static Map.Entry<Kind, Reader.Obj> oneKind(Reader r, Reader.Obj o, Use use) {
    List<String> kinds = Kinds.names(use);
    String what = use.noun();
    Map<String, YamlNode.Mapping.Entry> entries = o.node.view();
    if (entries.size() != 1) {
      r.error(o.mark(), o.path, "expected exactly one " + what + " kind (" + String.join(", ", kinds) + "), found "
          + (entries.isEmpty() ? "none" : String.join(", ", entries.keySet())));
      return null;
    }
    YamlNode.Mapping.Entry e = entries.values().iterator().next();
    String kind = e.key().name();
    if (!kinds.contains(kind)) {
      String near = Reader.nearest(kind, new java.util.LinkedHashSet<>(kinds));
      r.error(e.key().mark(), o.child(kind), "unknown " + what + " kind \"" + kind + "\""
          + (near == null ? "" : "; did you mean \"" + near + "\"?") + " (known: " + String.join(", ", kinds) + ")");
      return null;
    }
    Reader.Obj settings = o.obj(kind);
    if (settings == null) {
      return null;
    }
    return Map.entry(Kinds.named(kind).orElseThrow(), settings);
  }

  private static Config.Paging paging(Reader r, Reader.Obj o) {
    if (o == null) {
      return null;
    }
    TwilioConfig twilio = null;
    Reader.Obj t = o.obj("twilio");
    if (t != null) {
      twilio = twilio(t);
    }
    Map<String, Config.OnCall> people = new LinkedHashMap<>();
    if (!o.has("oncall")) {
      o.missing("oncall", "list the people who can be paged, e.g. - { name: alice, phone: \"+15550002222\" }");
    }
    List<YamlNode> items = o.list("oncall");
    for (int i = 0; i < items.size(); i++) {
      Reader.Obj p = r.obj(items.get(i), o.child("oncall[" + i + "]"));
      if (p == null) {
        continue;
      }
      String name = p.requiredString("name", "e.g. name: alice");
      String phone = p.requiredString("phone", "an E.164 number, e.g. phone: \"+15550002222\"");
      if (phone != null && !E164.matcher(phone).matches()) {
        p.error("phone", "\"" + phone + "\" is not an E.164 phone number; write it like \"+15550002222\" (country code, no spaces)");
      }
      if (name != null && people.containsKey(name)) {
        p.error("name", "\"" + name + "\" is listed twice in paging.oncall");
      }
      p.done();
      if (name != null) {
        people.put(name, new Config.OnCall(name, phone));
      }
    }
    List<Config.Step> steps = new ArrayList<>();
    if (!o.has("escalation")) {
      o.missing("escalation", "say who is paged first, e.g. - { after: 0s, sms: [alice] }");
    }
    List<YamlNode> stepNodes = o.list("escalation");
    for (int i = 0; i < stepNodes.size(); i++) {
      Reader.Obj s = r.obj(stepNodes.get(i), o.child("escalation[" + i + "]"));
      if (s == null) {
        continue;
      }
      Duration after = s.duration("after", Duration.ZERO, Duration.ZERO, Duration.ofDays(1));
      List<String> sms = names(r, s, "sms", people);
      List<String> call = names(r, s, "call", people);
      if (sms.isEmpty() && call.isEmpty() && !s.has("sms") && !s.has("call")) {
        r.error(s.mark(), s.path, "a step must page someone: add sms: [NAME] or call: [NAME]");
      }
      s.done();
      steps.add(new Config.Step(after, sms, call));
    }
    Duration repeat = o.duration("repeat_every", Duration.ofMinutes(30), Reader.SHORTEST, Duration.ofDays(1));
    Duration lastStep = steps.stream().map(Config.Step::after).max(Duration::compareTo).orElse(Duration.ZERO);
    if (o.has("repeat_every") && repeat.compareTo(lastStep) <= 0) {
      o.error("repeat_every", "must be longer than the last escalation step's after ("
          + io.oobwatch.probes.canary.Durations.format(lastStep) + "): the escalation starts again repeat_every after"
          + " its previous start");
    }
    int repeatLimit = o.integer("repeat_limit", 3, 0);
    Duration ackTimeout = o.duration("ack_timeout", Duration.ofHours(4), Duration.ofMinutes(1), Duration.ofDays(7));
    boolean notifyResolved = o.bool("notify_resolved", true);
    int cap = o.integer("max_pages_per_hour", 20, 1);
    Config.Fallback fallback = fallback(r, o.obj("fallback"));
    Duration deliveryTimeout = o.duration("delivery_timeout", Config.Paging.DEFAULT_DELIVERY_TIMEOUT, Duration.ofSeconds(10),
        Duration.ofHours(1));
    o.done();
    return new Config.Paging(twilio, List.copyOf(people.values()), steps, repeat, notifyResolved, cap, repeatLimit,
        ackTimeout, fallback, deliveryTimeout);
  }

  /** {@code fallback: { after: 2m, twilio: {...} }} or {@code fallback: { webhook: { url, token_file } }}. */
  private static Config.Fallback fallback(Reader r, Reader.Obj o) {
    if (o == null) {
      return null;
    }
    Duration after = o.duration("after", Duration.ofMinutes(2), Reader.SHORTEST, Duration.ofHours(1));
    TwilioConfig twilio = null;
    Reader.Obj t = o.obj("twilio");
    if (t != null) {
      twilio = twilio(t);
    }
    String url = null;
    String token = null;
    Reader.Obj w = o.obj("webhook");
    if (w != null) {
      url = w.url("url", "where pages are POSTed as JSON, e.g. url: https://hooks.example.net/oobwatch");
      token = w.secret("token", false);
      w.done();
    }
    if (o.has("twilio") == o.has("webhook")) {
      r.error(o.mark(), o.path, "give exactly one fallback channel: twilio: {...} (a second account) or webhook: { url, token_file }");
    }
    o.done();
    return new Config.Fallback(after, twilio, url, token);
  }

  private static TwilioConfig twilio(Reader.Obj t) {
    String sid = t.secret("account_sid", true);
    String token = t.secret("auth_token", true);
    String from = t.requiredString("from", "the Twilio number pages are sent from, e.g. from: \"+15550001111\"");
    if (from != null && !E164.matcher(from).matches()) {
      t.error("from", "\"" + from + "\" is not an E.164 phone number; write it like \"+15550001111\"");
    }
    String apiBase = t.string("api_base", TwilioConfig.DEFAULT_API_BASE);
    t.done();
    if (sid != null && token != null && from != null && apiBase != null) {
      try {
        return new TwilioConfig(sid, token, from, apiBase);
      } catch (IllegalArgumentException e) {
        t.error(e.getMessage().contains("api base") ? "api_base" : "from", e.getMessage());
      }
    }
    return null;
  }

  private static List<String> names(Reader r, Reader.Obj s, String key, Map<String, Config.OnCall> people) {
    List<String> out = new ArrayList<>();
    List<YamlNode> items = s.list(key);
    for (int i = 0; i < items.size(); i++) {
      String path = s.child(key + "[" + i + "]");
      String name = r.text(items.get(i), path);
      if (name == null) {
        continue;
      }
      if (!people.containsKey(name)) {
        r.error(items.get(i).mark(), path, "\"" + name + "\" is not in paging.oncall (known: "
            + (people.isEmpty() ? "nobody" : String.join(", ", people.keySet())) + "); add them to paging.oncall or fix the name");
        continue;
      }
      out.add(name);
    }
    return out;
  }

  private static String hostname() {
    try {
      String h = InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
      int dot = h.indexOf('.');
      String shortName = dot > 0 ? h.substring(0, dot) : h;
      return NAME.matcher(shortName).matches() ? shortName : "oobwatch";
    } catch (IOException e) {
      return "oobwatch";
    }
  }
}
