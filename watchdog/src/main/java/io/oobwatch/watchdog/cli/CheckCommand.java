package io.oobwatch.watchdog.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.Durations;
import io.oobwatch.probes.canary.LearnedLatency;
import io.oobwatch.probes.canary.StageResult;
import io.oobwatch.watchdog.alert.AlertText;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigException;
import io.oobwatch.watchdog.daemon.CanaryCheck;
import io.oobwatch.watchdog.daemon.SignalCheck;
import io.oobwatch.watchdog.schedule.PipelineWatch;
import io.oobwatch.watchdog.schedule.QualityWatch;
import io.oobwatch.watchdog.store.Stores;
import io.oobwatch.watchdog.status.PipelineQuality;
import io.oobwatch.watchdog.status.CanaryStatus;
import io.oobwatch.watchdog.status.StageStatus;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "check",
    header = "One round of every probe, now: canaries end to end, freshness, consumer lag, volume.",
    description = {
      "One round of every probe, now. Canaries: inject a synthetic record and look for it at every",
      "stage until it arrived everywhere or its deadline passed. Freshness: is the newest real",
      "record younger than max_age? Consumer lag: does the group have members, is the lag under",
      "max_lag? Volume: the current rate (drops, ceilings, ratios and stalls compare history: the",
      "daemon judges them, see oobwatch status). Prints a table, a row per stage and check.",
      "Nagios exit codes: 0 OK, 1 WARNING (slow canary, no volume data), 2 CRITICAL (lost,",
      "unreachable, stale, empty, behind), 3 UNKNOWN (config or internal error).",
      "Beside each canary stage, the latency the daemon learned there (p99, the LATE bound) and the",
      "deadline, read from state_dir when the daemon has state there; check itself judges by the",
      "deadline. Only reads the state; safe to run beside a running daemon."
    })
final class CheckCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Option(names = "--pipeline", paramLabel = "NAME", description = "check only this pipeline")
  String pipeline;

  @Option(names = "--json", description = "print JSON for scripts instead of a table")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Config c;
    try {
      c = config.load();
    } catch (ConfigException e) {
      return Nagios.unknown(out, json, "invalid config: " + e.getMessage());
    }
    List<Config.Pipeline> chosen = new ArrayList<>();
    boolean named = false;
    for (Config.Pipeline p : c.pipelines()) {
      if (pipeline == null || p.name().equals(pipeline)) {
        named = true;
        if (p.canary() != null || !p.checks().isEmpty() || p.quality() != null) {
          chosen.add(p);
        }
      }
    }
    if (chosen.isEmpty()) {
      return Nagios.unknown(out, json, named ? "nothing to check" + (pipeline == null ? "" : " in pipeline " + pipeline)
          + ": it has neither a canary nor checks" : "no pipeline named \"" + pipeline + "\" in " + c.source());
    }
    List<CanaryOutcome> outcomes;
    List<SignalCheck.Outcome> checks;
    // the signal probes run beside the canaries, so check takes as long as the slower of the two
    ExecutorService signals = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "oobwatch-check-signals");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<List<SignalCheck.Outcome>> read = signals.submit(() -> new SignalCheck(Clock.systemUTC()).run(chosen));
      outcomes = new CanaryCheck(c.instance(), Clock.systemUTC())
          .run(chosen.stream().filter(p -> p.canary() != null).toList());
      checks = read.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Nagios.unknown(out, json, "interrupted");
    } catch (ExecutionException e) {
      return Nagios.unknown(out, json, "internal error: " + e.getCause());
    } catch (RuntimeException e) {
      return Nagios.unknown(out, json, "internal error: " + e.getMessage());
    } finally {
      signals.shutdownNow();
    }
    int code = 0;
    List<String> problems = new ArrayList<>();
    for (CanaryOutcome o : outcomes) {
      int level = level(o.verdict());
      code = Math.max(code, level);
      if (level == 1) {
        problems.add(o.pipeline() + ": canary slow");
      } else if (level == 2) {
        problems.add(o.pipeline() + ": " + AlertText.summary(o));
      }
    }
    for (SignalCheck.Outcome f : checks) {
      code = Math.max(code, f.level());
      if (f.problem() != null) {
        problems.add(f.pipeline() + ": " + f.problem());
      }
    }
    Map<String, QualityWatch.Snapshot> quality = quality(c, chosen);
    Map<String, List<CanaryStatus.Learned>> learned = learned(c, chosen);
    for (Map.Entry<String, QualityWatch.Snapshot> e : quality.entrySet()) {
      for (QualityWatch.SignalStatus s : e.getValue().signals().values()) {
        if (s.status().startsWith("BAD: ")) {
          code = 2;
          problems.add(e.getKey() + ": " + s.status().substring(5));
        }
      }
    }
    if (json) {
      printJson(out, code, chosen, outcomes, checks, quality, learned);
    } else {
      out.printf("OOBWATCH %s - %s%n", Nagios.LEVELS[code],
          problems.isEmpty() ? chosen.size() + " pipeline(s) OK" : String.join("; ", problems));
      int width = 16;
      for (SignalCheck.Outcome f : checks) {
        width = Math.max(width, f.check().length());
      }
      String row = "%-20s %-" + width + "s %-12s %9s  %s%n";
      out.printf(row, "PIPELINE", "STAGE", "RESULT", "LATENCY", "REASON");
      for (CanaryOutcome o : outcomes) {
        out.printf(row, o.pipeline(), "inject:" + o.injector(),
            o.injection().ok() ? "ACCEPTED" : "FAILED", Durations.format(o.injection().took()), o.injection().reason());
        List<StageStatus> stages = StageStatus.of(o);
        List<String> labels = StageStatus.labels(stages);
        Config.Canary canary = chosen.stream().filter(p -> p.name().equals(o.pipeline())).findFirst()
            .orElseThrow().canary();
        for (int i = 0; i < labels.size(); i++) {
          StageResult s = o.stages().get(i);
          out.printf(row, o.pipeline(), labels.get(i), s.status(), Durations.format(s.latency()),
              StatusCommand.withLearned(stages.get(i).detail() + (s.count() > 1 ? " (" + s.count() + " copies)" : ""),
                  learned.getOrDefault(o.pipeline(), List.of()), canary.early().on(),
                  Durations.format(canary.deadline()), s.stage()));
        }
      }
      // for a freshness check the latency column holds the newest real record's age
      for (SignalCheck.Outcome f : checks) {
        out.printf(row, f.pipeline(), f.check(), f.result(),
            f.age() == null ? "-" : Durations.format(f.age()), f.problem() == null ? f.reason() : f.problem() + ". " + f.reason());
      }
      // quality and cost: the figures the daemon's tap stored, beside their baselines
      quality.forEach((pipeline, figures) -> {
        figures.signals().values().forEach(s -> out.printf(row, pipeline, s.name(),
            s.status().startsWith("BAD: ") ? "BAD" : "FIGURES", "-",
            s.status().startsWith("BAD: ") ? s.status().substring(5) : s.status()));
        if (figures.error() != null) {
          out.printf(row, pipeline, "state", "FIGURES", "-", figures.error());
        }
      });
    }
    out.flush();
    return code;
  }

  /**
   * Per pipeline with a tap, each signal judged from the tallies in oobwatch's own state (what the
   * running daemon's tap stored); a state that cannot be read shows as the pipeline's error.
   */
  private static Map<String, QualityWatch.Snapshot> quality(Config c, List<Config.Pipeline> chosen) {
    Map<String, QualityWatch.Snapshot> out = new LinkedHashMap<>();
    if (chosen.stream().noneMatch(p -> p.quality() != null)) {
      return out;
    }
    try (Stores stores = Stores.open(c.stateDir())) {
      for (Config.Pipeline p : chosen) {
        if (p.quality() != null) {
          out.put(p.name(), new QualityWatch(c.instance(), p.name(), p.quality().spec(), stores.quality(), null,
              Clock.systemUTC()).figures());
        }
      }
    } catch (RuntimeException e) {
      for (Config.Pipeline p : chosen) {
        if (p.quality() != null) {
          out.put(p.name(), new QualityWatch.Snapshot(p.name(), null, Map.of(), 0, "",
              "cannot read oobwatch's state in " + c.stateDir() + ": " + e.getMessage()));
        }
      }
    }
    return out;
  }

  /**
   * Per pipeline with a canary, each stage's learned latency as the daemon learned it: rebuilt, as
   * the daemon does at start, from the canaries it judged in the last day, with the pipeline's
   * {@code late_factor}, {@code late_floor} and {@code learn_from}. The state is opened read only;
   * none (no daemon ran with this state_dir), or state that cannot be read, shows no learned
   * latency: the deadline is what check judges by either way.
   */
  private static Map<String, List<CanaryStatus.Learned>> learned(Config c, List<Config.Pipeline> chosen) {
    Map<String, List<CanaryStatus.Learned>> out = new java.util.LinkedHashMap<>();
    Instant now = Instant.now();
    try (Stores stores = Stores.openReadOnly(c.stateDir()).orElse(null)) {
      if (stores == null) {
        return out;
      }
      for (Config.Pipeline p : chosen) {
        if (p.canary() == null) {
          continue;
        }
        Config.Early e = p.canary().early();
        LearnedLatency latency = new LearnedLatency(e.lateFactor(), e.lateFloor(), e.learnFrom(), Clock.systemUTC());
        PipelineWatch.learn(stores.canaries(), p.name(), latency, now);
        List<CanaryStatus.Learned> stages = new ArrayList<>();
        for (Config.StageSpec s : p.canary().stages()) {
          latency.bound(s.name()).ifPresent(b -> stages.add(CanaryStatus.Learned.of(s.name(), b)));
        }
        out.put(p.name(), stages);
      }
    } catch (RuntimeException unreadable) {
      return Map.of(); // check judges by the deadline; the learned bound is context it can do without
    }
    return out;
  }

  private static int level(CanaryOutcome.Verdict v) {
    switch (v) {
      case OK:
        return 0;
      case SLOW:
        return 1;
      default:
        return 2;
    }
  }


  /**
   * What {@code check --json} prints: the verdict and, per pipeline, its canary, its checks and its
   * quality and cost signals.
   */
  record Report(String status, int exit, List<Pipeline> pipelines) {}

  /**
   * One pipeline's round. The canary fields are absent for a pipeline without a canary, checks for
   * one without checks, quality for one without a tap.
   *
   * @param quality its quality and cost signals judged from the tallies the daemon's tap stored, in
   *     the shape of {@code /status}'s {@code quality}
   * @param summary what went wrong with the canary; absent when it arrived (OK or SLOW)
   * @param learned per stage, the latency the daemon learned there; absent without readable state
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Pipeline(
      String pipeline, String verdict, String summary, String canaryId, Injection injection, List<StageStatus> stages,
      List<Signal> checks, PipelineQuality quality, List<CanaryStatus.Learned> learned) {}

  /** How the canary was injected: by which kind, whether it was accepted, how long it took. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Injection(String kind, boolean ok, long tookMs, String reason) {}

  /**
   * One signal check read now.
   *
   * @param ageMs a freshness check's newest real record's age; null for other checks
   * @param problem what is wrong, null when nothing
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Signal(String check, String where, String result, Long ageMs, String problem, String reason) {}

  private void printJson(PrintWriter out, int code, List<Config.Pipeline> chosen, List<CanaryOutcome> outcomes,
      List<SignalCheck.Outcome> checks, Map<String, QualityWatch.Snapshot> quality,
      Map<String, List<CanaryStatus.Learned>> learned) {
    List<Pipeline> pipelines = new ArrayList<>();
    for (Config.Pipeline c : chosen) {
      CanaryOutcome o = outcomes.stream().filter(x -> x.pipeline().equals(c.name())).findFirst().orElse(null);
      List<Signal> signals = checks.stream().filter(f -> f.pipeline().equals(c.name()))
          .map(f -> new Signal(f.check(), f.where(), f.result().name(), f.age() == null ? null : f.age().toMillis(),
              f.problem(), f.reason()))
          .toList();
      PipelineQuality q = quality.containsKey(c.name()) ? quality.get(c.name()).status() : null;
      pipelines.add(o == null
          ? new Pipeline(c.name(), null, null, null, null, null, signals.isEmpty() ? null : signals, q, null)
          : new Pipeline(c.name(), o.verdict().name(),
              o.verdict() == CanaryOutcome.Verdict.OK || o.verdict() == CanaryOutcome.Verdict.SLOW ? null : AlertText.summary(o),
              o.canaryId(),
              new Injection(o.injector(), o.injection().ok(), o.injection().took().toMillis(), o.injection().reason()),
              StageStatus.of(o), signals.isEmpty() ? null : signals, q, learned.get(c.name())));
    }
    Nagios.write(out, new Report(Nagios.LEVELS[code], code, pipelines));
  }

}
