package io.oobwatch.watchdog.cli;

import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigException;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "ack",
    header = "Acknowledge an alert on the running daemon: its escalation stops.",
    description = {
      "Acknowledge an alert on the running daemon: its escalation stops (until ack_timeout, if it still fires).",
      "Uses the daemon's HTTP API with the token from http.api_token_file.",
      "Exit 0 acknowledged (or already), 1 refused or unknown alert, 3 daemon unreachable or config error."
    })
final class AckCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ID", description = "the alert number, as in \"ALERT 17\"")
  long id;

  @Option(names = "--url", paramLabel = "URL", description = "the daemon (default: from http.listen, http://127.0.0.1:9107)")
  String url;

  @Override
  public Integer call() {
    return post(spec, config, url, "/alerts/" + id + "/ack", "{}");
  }

  /** Shared by the commands that change the daemon: load the token, POST, print the answer. */
  static int post(CommandSpec spec, ConfigOption config, String url, String path, String json) {
    return send(spec, config, url, "POST", path, json);
  }

  /** As {@link #post}, with any method ({@code json} null: no body). */
  static int send(CommandSpec spec, ConfigOption config, String url, String method, String path, String json) {
    Config c;
    try {
      c = config.load();
    } catch (ConfigException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 3;
    }
    if (c.http().apiToken() == null) {
      spec.commandLine().getErr().println("no http.api_token_file in " + c.source()
          + "; the daemon's API needs a token (the same file the daemon reads)");
      return 3;
    }
    String base = url != null ? url : DaemonClient.url(c);
    try {
      DaemonClient.Answer a = DaemonClient.send(base, method, path, c.http().apiToken(), json);
      boolean ok = a.status() / 100 == 2;
      (ok ? spec.commandLine().getOut() : spec.commandLine().getErr()).println(a.message());
      spec.commandLine().getOut().flush();
      spec.commandLine().getErr().flush();
      return ok ? 0 : 1;
    } catch (IOException e) {
      spec.commandLine().getErr().println(e.getMessage());
      spec.commandLine().getErr().flush();
      return 3;
    }
  }
}
