package io.oobwatch.watchdog.cli;

import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "validate",
    description = {
      "Parse and check the config, reading every secret file it names, and build every probe",
      "(without connecting to anything).",
      "Prints each problem as file:line:column: key.path: what is wrong; what to do.",
      "With --json, prints {\"valid\": ..., \"problems\": [{file, line, column, path, message, hint}]}",
      "on stdout instead, for scripts and editors (line and column are null for the file as a whole).",
      "Exit 0 valid, 2 invalid."
    })
final class ValidateCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "print the problems as JSON on stdout, for scripts and editors")
  boolean json;

  /** What {@code validate --json} prints. */
  record Report(boolean valid, List<ConfigException.Problem> problems) {}

  @Override
  public Integer call() {
    if (json) {
      return callJson();
    }
    try {
      Config c = config.load();
      String pipelines = c.pipelines().stream().map(Config.Pipeline::name).collect(Collectors.joining(", "));
      String paging = c.paging() == null ? "console (dry run: no paging configured)"
          : (c.paging().twilio() == null ? "console" : "twilio SMS from " + c.paging().twilio().from())
              + " to " + String.join(", ", c.paging().escalation().isEmpty() ? java.util.List.of()
                  : firstStep(c.paging().escalation().get(0)));
      String heartbeats = c.heartbeats().isEmpty() ? "" : "; " + c.heartbeats().size() + " heartbeat(s): "
          + c.heartbeats().stream().map(h -> h.name() + (h.push() ? " (push)" : " (pull)")).collect(Collectors.joining(", "));
      String cluster = c.cluster() == null ? "" : "; cluster " + c.cluster().name() + " of " + c.cluster().members().size()
          + " member(s), this one on " + c.cluster().bind().getHostString() + ":" + c.cluster().bind().getPort()
          + " (a step waits rank x " + io.oobwatch.probes.canary.Durations.format(c.cluster().peerTimeout())
          + "; " + c.cluster().agree() + " must agree)";
      spec.commandLine().getOut().printf("%s: valid. instance %s; %d pipeline(s): %s%s; paging: %s%s%n", c.source(),
          c.instance(), c.pipelines().size(), pipelines, heartbeats, paging, cluster);
      for (Config.Pipeline p : c.pipelines()) {
        if (p.quality() != null) {
          spec.commandLine().getOut().printf("%s: tap on %s (group oobwatch-%s, never commits); pages on%n", p.name(),
              p.quality().tap().source().where(p.name()), c.instance());
          p.quality().spec().signals().forEach(s -> spec.commandLine().getOut().printf("  %s%n", s.describe()));
          for (io.oobwatch.watchdog.config.Signal s : p.quality().spec().signals()) {
            if (s instanceof io.oobwatch.watchdog.config.Signal.Rate r) {
              r.warning().ifPresent(w -> spec.commandLine().getOut().printf("  warning: %s%n", w));
            }
          }
        }
      }
      spec.commandLine().getOut().flush();
      return 0;
    } catch (ConfigException e) {
      spec.commandLine().getErr().println(e.getMessage());
      spec.commandLine().getErr().printf("%d problem(s); the config was not loaded%n", e.count());
      spec.commandLine().getErr().flush();
      return 2;
    }
  }

  private int callJson() {
    Report report;
    try {
      config.load();
      report = new Report(true, List.of());
    } catch (ConfigException e) {
      report = new Report(false, e.problems());
    }
    try {
      spec.commandLine().getOut().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    spec.commandLine().getOut().flush();
    return report.valid() ? 0 : 2;
  }

  private static java.util.List<String> firstStep(Config.Step s) {
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(s.sms());
    names.addAll(s.call());
    return new java.util.ArrayList<>(names);
  }
}
