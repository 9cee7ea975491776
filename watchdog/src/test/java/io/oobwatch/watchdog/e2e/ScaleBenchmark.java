package io.oobwatch.watchdog.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.testkit.DaemonProcess;
import io.oobwatch.testkit.LoopbackHttp;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * oobwatch at scale, as its own process with the systemd unit's JVM flags: 200 pipelines with a
 * canary every 10 s through an HTTP entry and two HTTP stages, 1,000 pull heartbeats every 30 s,
 * and 2,000 signals (per pipeline 5 Prometheus volumes and 5 Elasticsearch freshness checks, every
 * minute), all served by one loopback HTTP server in this JVM. Targets: p99 schedule drift under
 * 250 ms, CPU under 25% of one core, RSS under 256 MB.
 *
 * <p>Drift is measured where the work arrives, on this side: for each schedule (a pipeline's
 * canaries, a heartbeat's probes, a pipeline's signal round) the k-th request should come at
 * phase + k × period; its phase is the earliest arrival minus its index times the period, and its
 * drift is how much later than that each request came. CPU is the process's user + system time
 * over the measured window (/proc/PID/stat), RSS its resident set sampled every second
 * (/proc/PID/status). The first minute (start, JIT) is not measured.
 *
 * <p>Rerun: {@code mvn -B -pl watchdog -am verify -Pbenchmark -Dtest=ScaleBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false} (adds a row to benchmarks/results.md);
 * {@code -Dscale.seconds=N} measures N seconds after the first minute (default 180).
 */
@Tag("benchmark")
class ScaleBenchmark {
  static final int PIPELINES = 200;
  static final int HEARTBEATS = 1000;
  static final int VOLUMES = 5;
  static final int FRESHNESS = 5;
  static final long CANARY_MS = 10_000;
  static final long HEARTBEAT_MS = 30_000;
  static final long SIGNAL_MS = 60_000;
  static final long WARMUP_MS = 60_000;
  /** The production JVM flags, from systemd/oobwatch.service. */
  static final List<String> JAVA_OPTS = List.of("-Xms32m", "-Xmx160m", "-XX:MaxMetaspaceSize=96m",
      "-XX:ReservedCodeCacheSize=48m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
      "-XX:+ExitOnOutOfMemoryError");
  private static final Pattern CANARY_ID = Pattern.compile("\"request_id\":\"canary-([0-9a-f-]+)\"");
  private static final Pattern ID_PARAM = Pattern.compile("id=([0-9a-f-]+)");

  @TempDir Path dir;

  /** Arrival times (ms, this JVM's wall clock) per schedule: "canary/p-7", "heartbeat/hb-12", "signal/p-7". */
  final Map<String, ConcurrentLinkedQueue<Long>> arrivals = new ConcurrentHashMap<>();
  /** When each canary reached the entry, by id. */
  final Map<String, Long> ingested = new ConcurrentHashMap<>();

  @Test
  void twoHundredPipelinesAThousandHeartbeatsAndTwoThousandSignalsOnOneSmallProcess() throws Exception {
    long measureMs = Long.getLong("scale.seconds", 180) * 1000;
    try (LoopbackHttp server = LoopbackHttp.unrecorded(this::answer)) {
      Path config = writeConfig(server.url());
      String loadBefore = loadAverage();
      Process daemon = DaemonProcess.start(config, dir.resolve("daemon.log"), JAVA_OPTS, Map.of());
      try {
        long started = System.currentTimeMillis();
        Thread.sleep(WARMUP_MS); // a benchmark's measuring window, not a test's wait
        assertThat(daemon.isAlive()).as("daemon alive after the first minute; see " + dir.resolve("daemon.log")).isTrue();
        String metrics = metricsUrl(dir.resolve("daemon.log"));
        Map<String, Double> late0 = lateness(metrics);
        long hz = SelfHostingBenchmark.clockTicksPerSecond();
        long cpu0 = SelfHostingBenchmark.cpuTicks(daemon.pid());
        long t0 = System.currentTimeMillis();
        long maxRss = 0;
        long maxThreads = 0;
        while (System.currentTimeMillis() - t0 < measureMs) {
          maxRss = Math.max(maxRss, SelfHostingBenchmark.rss(daemon.pid()));
          maxThreads = Math.max(maxThreads, threads(daemon.pid()));
          Thread.sleep(1000);
        }
        long cpu1 = SelfHostingBenchmark.cpuTicks(daemon.pid());
        long t1 = System.currentTimeMillis();
        String loadAfter = loadAverage();
        String scheduled = p99(late0, lateness(metrics));
        double cpuPercent = 100.0 * (cpu1 - cpu0) / hz / ((t1 - t0) / 1000.0);
        Drift canaries = drift("canary/", CANARY_MS, started + WARMUP_MS, t1);
        Drift heartbeats = drift("heartbeat/", HEARTBEAT_MS, started + WARMUP_MS, t1);
        Drift signals = drift("signal/", SIGNAL_MS, started + WARMUP_MS, t1);
        Drift all = Drift.of(canaries, heartbeats, signals);
        String row = String.format(Locale.ROOT,
            "| %s | %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %s | %.1f | %.0f | %d | %s → %s |",
            LocalDate.now(), System.getProperty("scale.label", "?"), (t1 - t0) / 1000,
            canaries.p99(), heartbeats.p99(), signals.p99(), all.p99(), all.max(), scheduled, cpuPercent, maxRss / 1024.0,
            maxThreads, loadBefore, loadAfter);
        System.out.println("scale: canaries " + canaries.n() + " heartbeats " + heartbeats.n() + " signal rounds "
            + signals.n());
        System.out.println(row);
        SelfHostingBenchmark.addRow(Path.of("..", "benchmarks", "results.md"), "## Scale", row);
        assertThat((long) canaries.n()).as("canaries emitted in the window").isGreaterThan(PIPELINES * (measureMs / CANARY_MS) / 2);
        assertThat((long) heartbeats.n()).as("heartbeat probes in the window").isGreaterThan(HEARTBEATS * (measureMs / HEARTBEAT_MS) / 2);
      } finally {
        daemon.destroy();
        daemon.waitFor();
      }
    }
  }

  private Reply answer(LoopbackHttp.Request r) {
    long now = System.currentTimeMillis();
    String path = r.path();
    if (path.startsWith("/ingest/")) {
      Matcher m = CANARY_ID.matcher(r.body());
      if (m.find()) {
        ingested.put(m.group(1), now);
      }
      arrive("canary/" + path.substring("/ingest/".length()), now);
      return Reply.json(202, "{}");
    }
    if (path.startsWith("/stage/")) {
      // stage a holds a canary at once, stage b half a second after it entered
      Matcher m = ID_PARAM.matcher(r.rawQuery() == null ? "" : r.rawQuery());
      String id = m.find() ? m.group(1) : "";
      Long at = ingested.get(id);
      long lag = path.endsWith("/b") ? 500 : 0;
      boolean there = at != null && now - at >= lag;
      return Reply.json(200, there ? "{\"hits\":[\"" + id + "\"]}" : "{\"hits\":[]}");
    }
    if (path.startsWith("/health/")) {
      arrive("heartbeat/" + path.substring("/health/".length()), now);
      return Reply.json(200, "{\"status\":\"ok\"}");
    }
    if (path.equals("/api/v1/query")) {
      String q = r.rawQuery() == null ? "" : r.rawQuery();
      // the first volume of a pipeline marks its signal round
      Matcher m = Pattern.compile("query=(p-\\d+)_v0").matcher(q);
      if (m.find()) {
        arrive("signal/" + m.group(1), now);
      }
      return Reply.json(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
          + "\"value\":[" + now / 1000 + ",\"120\"]}]}}");
    }
    if (path.endsWith("/_search")) {
      return Reply.json(200, "{\"took\":1,\"timed_out\":false,\"_shards\":{\"total\":1,\"successful\":1,\"skipped\":0,"
          + "\"failed\":0},\"hits\":{\"total\":{\"value\":0,\"relation\":\"eq\"},\"hits\":[]},"
          + "\"aggregations\":{\"newest\":{\"value\":" + (now - 2000) + "}}}");
    }
    return Reply.json(404, "{}");
  }

  private void arrive(String schedule, long at) {
    arrivals.computeIfAbsent(schedule, k -> new ConcurrentLinkedQueue<>()).add(at);
  }

  /** Per-request lateness against its schedule's own phase, for requests inside [from, to]. */
  record Drift(long[] millis) {
    static Drift of(Drift... parts) {
      return new Drift(Arrays.stream(parts).flatMapToLong(d -> Arrays.stream(d.millis)).sorted().toArray());
    }

    int n() {
      return millis.length;
    }

    double p99() {
      return millis.length == 0 ? Double.NaN : millis[(int) Math.min(millis.length - 1, Math.ceil(millis.length * 0.99) - 1)];
    }

    double max() {
      return millis.length == 0 ? Double.NaN : millis[millis.length - 1];
    }
  }

  private Drift drift(String prefix, long period, long from, long to) {
    List<Long> out = new ArrayList<>();
    arrivals.forEach((schedule, times) -> {
      if (!schedule.startsWith(prefix)) {
        return;
      }
      long[] t = times.stream().mapToLong(Long::longValue).sorted().toArray();
      long phase = Long.MAX_VALUE;
      for (int k = 0; k < t.length; k++) {
        phase = Math.min(phase, t[k] - k * period);
      }
      for (int k = 0; k < t.length; k++) {
        if (t[k] >= from && t[k] <= to) {
          out.add(t[k] - k * period - phase);
        }
      }
    });
    return new Drift(out.stream().mapToLong(Long::longValue).sorted().toArray());
  }

  private Path writeConfig(String base) throws IOException {
    StringBuilder y = new StringBuilder();
    y.append("instance: scale\nstate_dir: ").append(dir.resolve("state")).append('\n');
    y.append("http: { listen: \"127.0.0.1:0\" }\n");
    y.append("pipelines:\n");
    for (int p = 0; p < PIPELINES; p++) {
      String name = "p-" + p;
      y.append("  - name: ").append(name).append('\n');
      y.append("    canary:\n      every: 10s\n");
      y.append("      inject: { http: { url: \"").append(base).append("/ingest/").append(name).append("\" } }\n");
      y.append("      stages:\n");
      y.append("        - http: { name: a, url: \"").append(base).append("/stage/").append(name).append("/a?id={canary_id}\" }\n");
      y.append("        - http: { name: b, url: \"").append(base).append("/stage/").append(name).append("/b?id={canary_id}\" }\n");
      y.append("    volume:\n");
      for (int v = 0; v < VOLUMES; v++) {
        y.append("      - { name: v").append(v).append(", prometheus: { url: \"").append(base)
            .append("\", query: \"").append(name).append("_v").append(v).append("\" } }\n");
      }
      y.append("    freshness:\n");
      for (int f = 0; f < FRESHNESS; f++) {
        y.append("      - { name: f").append(f).append(", max_age: 5m, elasticsearch: { url: \"").append(base)
            .append("\", index: \"").append(name).append("-f").append(f).append("\" } }\n");
      }
    }
    y.append("heartbeats:\n");
    for (int h = 0; h < HEARTBEATS; h++) {
      y.append("  - { name: hb-").append(h).append(", url: \"").append(base).append("/health/hb-").append(h)
          .append("\", every: 30s }\n");
    }
    Path config = dir.resolve("oobwatch.yaml");
    Files.writeString(config, y);
    return config;
  }

  /** The daemon's /metrics URL, from the address its start line names ("status on http://..."). */
  static String metricsUrl(Path log) throws Exception {
    Pattern started = Pattern.compile("status on (http://\\S+)");
    for (int i = 0; i < 60; i++) {
      Matcher m = started.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (m.find()) {
        return m.group(1) + "/metrics";
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("the daemon never said where it serves /metrics; see " + log);
  }

  /** The scheduler's lateness histogram: cumulative runs by bucket bound ("0.25", "+Inf"). */
  static Map<String, Double> lateness(String url) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    Matcher m = Pattern.compile("oobwatch_schedule_lateness_seconds_bucket\\{le=\"([^\"]+)\"} (\\S+)").matcher(body);
    while (m.find()) {
      out.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return out;
  }

  /** The bucket bound under which 99% of the runs between two scrapes started ("≤ 0.25 s"). */
  static String p99(Map<String, Double> before, Map<String, Double> after) {
    if (after.isEmpty()) {
      return "n/a";
    }
    double total = after.get("+Inf") - before.getOrDefault("+Inf", 0.0);
    for (Map.Entry<String, Double> b : after.entrySet()) {
      if (b.getValue() - before.getOrDefault(b.getKey(), 0.0) >= 0.99 * total) {
        return "≤ " + b.getKey() + " s";
      }
    }
    return "n/a";
  }

  /** Threads of a process now, from /proc/PID/status. */
  static long threads(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("Threads:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** The 1- and 5-minute load averages of the machine. */
  static String loadAverage() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1];
  }
}
