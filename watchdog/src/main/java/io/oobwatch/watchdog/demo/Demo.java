package io.oobwatch.watchdog.demo;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.Durations;
import io.oobwatch.probes.canary.StageResult;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigException;
import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.daemon.Daemon;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.schedule.PipelineWatch;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.OutboxEntry;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.BooleanSupplier;

/**
 * {@code oobwatch demo}: the dark-dashboard incident on an embedded pipeline. A simulated pipeline
 * (HTTP ingest → queue → connector → searchable store) runs on loopback with live traffic; the real
 * watchdog watches it with canaries, from its real config format, paging the console. The connector
 * stalls, the page names the broken hop, the connector recovers, the resolve follows.
 */
public final class Demo {
  /** How the demo unfolds; tests shorten it. */
  public record Timing(Duration every, Duration deadline, Duration stallAfter, Duration recoverAfterPage, Duration giveUp) {
    public static final Timing DEFAULT =
        new Timing(Duration.ofSeconds(2), Duration.ofSeconds(6), Duration.ofSeconds(20), Duration.ofSeconds(8), Duration.ofSeconds(150));
  }

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final PrintStream out;
  private final Clock clock;

  public Demo(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  static String config(SimulatedPipeline p, Path stateDir, Timing t) {
    return String.join("\n",
        "instance: demo",
        "state_dir: " + stateDir,
        "http: { listen: \"127.0.0.1:0\" }",
        "pipelines:",
        "  - name: inference-logs",
        "    canary:",
        "      every: " + Durations.format(t.every()),
        "      deadline: " + Durations.format(t.deadline()),
        "      poll: 250ms",
        "      losses_to_fire: 2",
        "      passes_to_resolve: 2",
        "      record: { service: support-bot, model: { id: demo-llm, version: \"2026-11\" } }",
        "      inject: { http: { url: \"" + p.ingestUrl() + "\" } }",
        "      stages:",
        "        - http: { name: queue, url: \"" + p.queueSearchUrl() + "\" }",
        "        - http: { name: store, url: \"" + p.storeSearchUrl() + "\" }",
        "");
  }

  /** Runs the demo; 0 when the page and the resolve were both shown. */
  public int run(Path stateDir, Timing t) throws ConfigException, InterruptedException {
    try (SimulatedPipeline pipeline = SimulatedPipeline.start()) {
      pipeline.startTraffic(20);
      String yaml = config(pipeline, stateDir, t);
      Config config = new ConfigLoader(name -> null).parse("demo.yaml", stateDir, yaml);
      out.println("oobwatch demo: a simulated inference log pipeline on loopback,");
      out.println("  HTTP ingest -> queue -> connector -> searchable store (the dashboards read the store),");
      out.println("with live traffic (20 records/s), watched by oobwatch with this config:");
      out.println();
      yaml.lines().forEach(l -> out.println("    " + l));
      out.println();
      try (Daemon daemon = Daemon.start(config, clock, out, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
        InetSocketAddress a = daemon.httpAddress();
        out.printf("status: curl http://%s:%d/status   (pages go to this console: no Twilio configured)%n%n",
            a.getHostString(), a.getPort());
        PipelineWatch watch = daemon.watches().get(0);
        Instant start = clock.instant();
        Printer printer = new Printer(watch);

        pause(start.plus(t.stallAfter()), printer);
        pipeline.stallConnector();
        out.printf("%n%s >>> the connector stalls. Ingest still answers 202, the queue still fills, the store%n"
            + "             still answers queries: every component looks healthy. Only the canary sees the gap.%n%n",
            TIME.format(clock.instant()));
        Instant stalled = clock.instant();
        if (!await(() -> daemon.stores().alerts().openAlert("inference-logs", Rule.CANARY.id()).isPresent(), start.plus(t.giveUp()),
            printer)) {
          out.println("demo failed: no alert fired");
          return 1;
        }
        Alert alert = daemon.stores().alerts().openAlert("inference-logs", Rule.CANARY.id()).orElseThrow();
        await(() -> allSent(daemon), clock.instant().plus(Duration.ofSeconds(5)), printer);
        out.printf("%n%s >>> paged %s after the stall (above). Backlog in the queue: %d records.%n",
            TIME.format(clock.instant()), Durations.format(Duration.between(stalled, clock.instant())), pipeline.backlog());
        out.printf("             The connector recovers in %s.%n%n", Durations.format(t.recoverAfterPage()));
        Instant resume = clock.instant().plus(t.recoverAfterPage());
        pause(resume, printer);
        pipeline.resumeConnector();
        out.printf("%n%s >>> the connector resumes and catches up.%n%n", TIME.format(clock.instant()));
        if (!await(() -> daemon.stores().alerts().openAlert("inference-logs", Rule.CANARY.id()).isEmpty(), start.plus(t.giveUp()),
            printer)) {
          out.println("demo failed: the alert did not resolve");
          return 1;
        }
        // let the dispatcher print the resolve page before the daemon closes
        await(() -> allSent(daemon), clock.instant().plus(Duration.ofSeconds(5)), printer);
        out.printf("%n%s >>> resolved: alert %d (%s). Demo over: what you saw is what `oobwatch run` does%n"
            + "             against Kafka and Elasticsearch/OpenSearch, paging by Twilio SMS (see README).%n",
            TIME.format(clock.instant()), alert.id(), alert.summary());
        return 0;
      }
    }
  }

  private static boolean allSent(Daemon daemon) {
    return daemon.stores().outbox().pages(10).stream().allMatch(p -> p.state() == OutboxEntry.State.SENT);
  }

  /** Prints new canary results until the condition holds (true) or the time is up (false). */
  private boolean await(BooleanSupplier done, Instant until, Printer printer) throws InterruptedException {
    while (clock.instant().isBefore(until)) {
      printer.print();
      if (done.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    printer.print();
    return done.getAsBoolean();
  }

  /** Prints new canary results until the given time. */
  private void pause(Instant until, Printer printer) throws InterruptedException {
    await(() -> false, until, printer);
  }

  /** Prints each judged canary once, in the order they were judged. */
  private final class Printer {
    private final PipelineWatch watch;
    private final java.util.Set<Long> printed = new java.util.HashSet<>();

    Printer(PipelineWatch watch) {
      this.watch = watch;
    }

    void print() {
      for (CanaryOutcome o : watch.snapshot().recent()) {
        if (!printed.add(o.seq())) {
          continue;
        }
        StringBuilder b = new StringBuilder(String.format("%s  canary #%-3d", TIME.format(o.emittedAt()), o.seq()));
        for (StageResult s : o.stages()) {
          b.append(String.format("  %s %-12s", s.stage(),
              s.status().arrived() ? Durations.format(s.latency()) : s.status() + " " + Durations.format(s.latency())));
        }
        b.append("  ").append(o.verdict());
        out.println(b);
      }
    }
  }
}
