package io.oobwatch.watchdog.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "silence",
    header = "Silence a pipeline's pages for a while (a maintenance window), or end a silence early, on the running daemon.",
    description = {
      "Silence a pipeline (a maintenance window) on the running daemon: its alerts are recorded but nobody",
      "is paged until the silence expires by itself. Shown in /status, with its id. The name must be one",
      "the daemon watches (a pipeline, a heartbeat, or \"peer NAME\"); any other is refused.",
      "--end ID ends silence ID now: alerts of its subject that still fire are paged again.",
      "Exit 0 silenced (or ended), 1 refused (unknown name or silence, already over), 3 daemon unreachable or config error."
    })
final class SilenceCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "PIPELINE",
      description = "the pipeline (or other alert subject) to silence")
  String subject;

  @Option(names = "--for", paramLabel = "DURATION", description = "how long, from 1m to 30d, e.g. 30m, 2h, 1d")
  String length;

  @Option(names = "--reason", description = "why, for the people who look at status")
  String reason;

  @Option(names = "--end", paramLabel = "ID", description = "end silence ID now (its id is in the answer and in status)")
  Long end;

  @Option(names = "--url", paramLabel = "URL", description = "the daemon (default: from http.listen, http://127.0.0.1:9107)")
  String url;

  @Override
  public Integer call() throws Exception {
    if (end != null) {
      if (subject != null || length != null || reason != null) {
        throw new ParameterException(spec.commandLine(), "--end ID takes no PIPELINE, --for or --reason");
      }
      return AckCommand.send(spec, config, url, "DELETE", "/silences/" + end, null);
    }
    if (subject == null || length == null || reason == null) {
      throw new ParameterException(spec.commandLine(),
          "give PIPELINE --for DURATION --reason TEXT to silence, or --end ID to end a silence");
    }
    String json = new ObjectMapper().writeValueAsString(Map.of("subject", subject, "for", length, "reason", reason));
    return AckCommand.post(spec, config, url, "/silences", json);
  }
}
