package io.oobwatch.watchdog.cli;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.Durations;
import io.oobwatch.probes.canary.StageResult;
import io.oobwatch.watchdog.alert.AlertText;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigException;
import io.oobwatch.watchdog.daemon.CanaryCheck;
import io.oobwatch.watchdog.daemon.OutcomeJson;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "check",
    description = {
      "One canary round trip per pipeline, now: inject a synthetic record and look for it at every",
      "stage until it arrived everywhere or its deadline passed. Prints a per-stage table.",
      "Nagios exit codes: 0 OK, 1 WARNING (slow), 2 CRITICAL (lost or unreachable), 3 UNKNOWN (config",
      "or internal error). Uses no state; safe to run beside a running daemon."
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
        // check is a canary round trip; freshness, volume and lag need history and run in the daemon
        if (p.canary() != null) {
          chosen.add(p);
        }
      }
    }
    if (chosen.isEmpty()) {
      return Nagios.unknown(out, json, named ? "no canary configured" + (pipeline == null ? "" : " for pipeline " + pipeline)
          + "; check runs canary round trips, the other checks run in the daemon (see oobwatch status)"
          : "no pipeline named \"" + pipeline + "\" in " + c.source());
    }
    List<CanaryOutcome> outcomes;
    try {
      outcomes = new CanaryCheck(c.instance(), Clock.systemUTC()).run(chosen);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Nagios.unknown(out, json, "interrupted");
    } catch (RuntimeException e) {
      return Nagios.unknown(out, json, "internal error: " + e.getMessage());
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
    if (json) {
      printJson(out, code, outcomes);
    } else {
      out.printf("OOBWATCH %s - %s%n", Nagios.LEVELS[code],
          problems.isEmpty() ? outcomes.size() + " pipeline(s) OK" : String.join("; ", problems));
      out.printf("%-20s %-16s %-12s %9s  %s%n", "PIPELINE", "STAGE", "RESULT", "LATENCY", "REASON");
      for (CanaryOutcome o : outcomes) {
        out.printf("%-20s %-16s %-12s %9s  %s%n", o.pipeline(), "inject:" + o.injector(),
            o.injection().ok() ? "ACCEPTED" : "FAILED", Durations.format(o.injection().took()), o.injection().reason());
        for (StageResult s : o.stages()) {
          out.printf("%-20s %-16s %-12s %9s  %s%n", o.pipeline(), s.stage(), s.status(),
              Durations.format(s.latency()), s.reason() + (s.count() > 1 ? " (" + s.count() + " copies)" : ""));
        }
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


  private void printJson(PrintWriter out, int code, List<CanaryOutcome> outcomes) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("status", Nagios.LEVELS[code]);
    doc.put("exit", code);
    List<Object> ps = new ArrayList<>();
    for (CanaryOutcome o : outcomes) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("pipeline", o.pipeline());
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
      ps.add(p);
    }
    doc.put("pipelines", ps);
    Nagios.write(out, doc);
  }

}
