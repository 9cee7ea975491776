package io.oobwatch.watchdog.e2e;

import static org.awaitility.Awaitility.await;

import io.oobwatch.testkit.DaemonProcess;
import io.oobwatch.watchdog.loopback.LoopbackPipeline;
import io.oobwatch.watchdog.loopback.NotifyReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a test (tagged "benchmark"): what oobwatch costs on its host, run as systemd
 * runs it (the JVM flags are read from systemd/oobwatch.service's JAVA_OPTS).
 *
 * <ul>
 *   <li>cold start to READY=1 with one pipeline (target under 3 s): from process start until the
 *       notification arrives on the test's NOTIFY_SOCKET, i.e. JVM start, config load, store
 *       open, first evaluation round;
 *   <li>idle cost with 20 pipelines, canaries every 30 s (targets: under 1 % of one core, RSS
 *       under 200 MB): CPU from utime+stime in /proc/PID/stat over a 120 s window after a 180 s
 *       warm-up (steady state: JIT done, every pipeline through several canaries), RSS sampled
 *       every second from /proc/PID/status.
 * </ul>
 *
 * Run: {@code mvn -B -pl watchdog -am verify -Pbenchmark -Dtest=SelfHostingBenchmark}; a row is added
 * to the "Self-hosting" table in {@code benchmarks/results.md}.
 */
@Tag("benchmark")
class SelfHostingBenchmark {
  static final int RUNS = Integer.getInteger("bench.runs", 3);
  // a daemon's idle cost is its steady state: after 60 s the C1 compiler was still compiling
  static final Duration WARM_UP = Duration.ofSeconds(Integer.getInteger("bench.warmup", 180));
  static final Duration WINDOW = Duration.ofSeconds(Integer.getInteger("bench.window", 120));

  @TempDir Path dir;

  static List<String> unitJvmFlags() throws Exception {
    for (String l : Files.readAllLines(Path.of("..", "systemd", "oobwatch.service"))) {
      if (l.startsWith("Environment=\"JAVA_OPTS=")) {
        return Arrays.asList(l.substring("Environment=\"JAVA_OPTS=".length(), l.length() - 1).split(" "));
      }
    }
    throw new IllegalStateException("no JAVA_OPTS in systemd/oobwatch.service");
  }

  Path config(Path d, LoopbackPipeline pipeline, int pipelines, String every) throws Exception {
    StringBuilder y = new StringBuilder("instance: wd-bench\nstate_dir: state\nhttp: { listen: \"127.0.0.1:0\" }\npipelines:\n");
    for (int i = 1; i <= pipelines; i++) {
      y.append(pipeline.pipelineYaml("pipeline-" + i, every, "1s"));
    }
    Files.createDirectories(d);
    return Files.writeString(d.resolve("oobwatch.yaml"), y.toString());
  }

  @Test
  void coldStartAndIdleCost() throws Exception {
    List<String> flags = unitJvmFlags();
    List<Double> startSeconds = new ArrayList<>();
    double cpuPercent;
    long rssMaxKb;
    try (LoopbackPipeline pipeline = LoopbackPipeline.start()) {
      for (int run = 1; run <= RUNS; run++) {
        Path d = dir.resolve("start-" + run);
        Path config = config(d, pipeline, 1, "30s");
        try (NotifyReceiver systemd = NotifyReceiver.atPath(d.resolve("notify.sock"))) {
          long t0 = System.nanoTime();
          Process p = DaemonProcess.start(config, d.resolve("daemon.log"), flags, Map.of("NOTIFY_SOCKET", systemd.address()));
          try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> !systemd.with("READY=1").isEmpty());
            double s = (systemd.with("READY=1").get(0).atNanos() - t0) / 1e9;
            startSeconds.add(s);
            System.out.printf(Locale.ROOT, "run %d: cold start to READY=1 %.2f s%n", run, s);
          } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
          }
        }
      }

      Path d = dir.resolve("idle");
      Path config = config(d, pipeline, 20, "30s");
      try (NotifyReceiver systemd = NotifyReceiver.atPath(d.resolve("notify.sock"))) {
        Process p = DaemonProcess.start(config, d.resolve("daemon.log"), flags, Map.of("NOTIFY_SOCKET", systemd.address()));
        try {
          await().atMost(Duration.ofSeconds(60)).until(() -> !systemd.with("READY=1").isEmpty());
          AtomicLong rss = new AtomicLong();
          await().pollDelay(WARM_UP).atMost(WARM_UP.plusSeconds(5)).until(() -> true);
          Map<String, Long> threads0 = threadTicks(p.pid());
          long ticks0 = cpuTicks(p.pid());
          long t0 = System.nanoTime();
          await().during(WINDOW).atMost(WINDOW.plusSeconds(10)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            rss.accumulateAndGet(rss(p.pid()), Math::max);
            return p.isAlive();
          });
          long ticks = cpuTicks(p.pid()) - ticks0;
          double wall = (System.nanoTime() - t0) / 1e9;
          cpuPercent = 100.0 * ticks / clockTicksPerSecond() / wall;
          rssMaxKb = rss.get();
          Map<String, Long> threads = threadTicks(p.pid());
          threads.replaceAll((name, t) -> t - threads0.getOrDefault(name, 0L));
          System.out.println("CPU ticks in the window by thread: " + threads.entrySet().stream()
              .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
              .map(e -> e.getKey() + "=" + e.getValue()).toList());
          System.out.printf(Locale.ROOT, "idle, 20 pipelines at 30 s: CPU %.2f %% of one core over %.0f s, RSS max %d MiB; canaries judged: %d%n",
              cpuPercent, wall, rssMaxKb / 1024, pipeline.searches());
        } finally {
          p.destroy();
          p.waitFor(30, TimeUnit.SECONDS);
        }
      }
    }
    String row = String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.0f | %.2f | %d | %s |%n",
        LocalDate.now(), startSeconds.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).reduce((a, b) -> a + ", " + b).orElse(""),
        startSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(0),
        startSeconds.stream().mapToDouble(Double::doubleValue).max().orElse(0),
        (double) WINDOW.toSeconds(), cpuPercent, rssMaxKb / 1024, "`" + String.join(" ", flags) + "`");
    addRow(Path.of("..", "benchmarks", "results.md"), "## Self-hosting", row);
    System.out.print(row);
  }

  /** Inserts {@code row} after the last table row of the section that starts with {@code heading}. */
  static void addRow(Path results, String heading, String row) throws Exception {
    if (!Files.exists(results)) {
      return;
    }
    List<String> lines = new ArrayList<>(Files.readAllLines(results));
    int at = -1;
    boolean inSection = false;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith("## ")) {
        inSection = l.startsWith(heading);
      } else if (inSection && l.startsWith("|")) {
        at = i;
      }
    }
    if (at < 0) {
      return;
    }
    lines.add(at + 1, row.stripTrailing());
    Files.writeString(results, String.join("\n", lines) + "\n");
  }

  /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
  static long cpuTicks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** CPU ticks per thread name (threads of the same name summed), from /proc/PID/task. */
  static Map<String, Long> threadTicks(long pid) throws Exception {
    Map<String, Long> m = new java.util.TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path t : tasks.toList()) {
        try {
          String name = Files.readString(t.resolve("comm")).trim().replaceAll("[0-9]+$", "#");
          String stat = Files.readString(t.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          m.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
        } catch (java.io.IOException gone) {
          // the thread ended meanwhile
        }
      }
    }
    return m;
  }

  static long clockTicksPerSecond() throws Exception {
    Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    p.waitFor();
    return Long.parseLong(out);
  }

  static long rss(long pid) throws Exception {
    for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
