package io.oobwatch.watchdog.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "silence",
    header = "Silence a pipeline's pages for a while (a maintenance window) on the running daemon.",
    description = {
      "Silence a pipeline (a maintenance window) on the running daemon: its alerts are recorded but nobody",
      "is paged until the silence expires by itself. Shown in /status.",
      "Exit 0 silenced, 1 refused, 3 daemon unreachable or config error."
    })
final class SilenceCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PIPELINE", description = "the pipeline (or other alert subject) to silence")
  String subject;

  @Option(names = "--for", required = true, paramLabel = "DURATION", description = "how long, from 1m to 30d, e.g. 30m, 2h, 1d")
  String length;

  @Option(names = "--reason", required = true, description = "why, for the people who look at status")
  String reason;

  @Option(names = "--url", paramLabel = "URL", description = "the daemon (default: from http.listen, http://127.0.0.1:9107)")
  String url;

  @Override
  public Integer call() throws Exception {
    String json = new ObjectMapper().writeValueAsString(Map.of("subject", subject, "for", length, "reason", reason));
    return AckCommand.post(spec, config, url, "/silences", json);
  }
}
