package io.oobwatch.watchdog.cli;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.Durations;
import io.oobwatch.probes.canary.StageResult;
import io.oobwatch.watchdog.alert.AlertText;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigException;
import io.oobwatch.watchdog.daemon.CanaryCheck;
import io.oobwatch.watchdog.daemon.SignalCheck;
import io.oobwatch.watchdog.daemon.OutcomeJson;
import java.io.PrintWriter;
import java.time.Clock;
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
      "Uses no state; safe to run beside a running daemon."
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
        if (p.canary() != null || !p.checks().isEmpty()) {
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
    if (json) {
      printJson(out, code, chosen, outcomes, checks);
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
        for (StageResult s : o.stages()) {
          out.printf(row, o.pipeline(), s.stage(), s.status(),
              Durations.format(s.latency()), s.reason() + (s.count() > 1 ? " (" + s.count() + " copies)" : ""));
        }
      }
      // for a freshness check the latency column holds the newest real record's age
      for (SignalCheck.Outcome f : checks) {
        out.printf(row, f.pipeline(), f.check(), f.result(),
            f.age() == null ? "-" : Durations.format(f.age()), f.problem() == null ? f.reason() : f.problem() + ". " + f.reason());
      }
    }
    out.flush();
    return code;
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


  private void printJson(PrintWriter out, int code, List<Config.Pipeline> chosen, List<CanaryOutcome> outcomes,
      List<SignalCheck.Outcome> checks) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("status", Nagios.LEVELS[code]);
    doc.put("exit", code);
    Map<String, Map<String, Object>> ps = new LinkedHashMap<>();
    for (Config.Pipeline c : chosen) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("pipeline", c.name());
      ps.put(c.name(), p);
    }
    for (CanaryOutcome o : outcomes) {
      Map<String, Object> p = ps.get(o.pipeline());
      p.put("verdict", o.verdict().name());
      p.put("summary", o.verdict() == CanaryOutcome.Verdict.OK || o.verdict() == CanaryOutcome.Verdict.SLOW
          ? null : AlertText.summary(o));
      p.put("canary_id", o.canaryId());
      Map<String, Object> inj = new LinkedHashMap<>();
      inj.put("kind", o.injector());
      inj.put("ok", o.injection().ok());
      inj.put("took_ms", o.injection().took().toMillis());
      inj.put("reason", o.injection().reason());
      p.put("injection", inj);
      p.put("stages", OutcomeJson.stages(o));
    }
    for (SignalCheck.Outcome f : checks) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("check", f.check());
      m.put("where", f.where());
      m.put("result", f.result().name());
      m.put("age_ms", f.age() == null ? null : f.age().toMillis());
      m.put("problem", f.problem());
      m.put("reason", f.reason());
      @SuppressWarnings("unchecked")
      List<Object> list = (List<Object>) ps.get(f.pipeline()).computeIfAbsent("checks", k -> new ArrayList<>());
      list.add(m);
    }
    doc.put("pipelines", new ArrayList<>(ps.values()));
    Nagios.write(out, doc);
  }

}
