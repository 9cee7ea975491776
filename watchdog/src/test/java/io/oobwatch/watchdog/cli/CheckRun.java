package io.oobwatch.watchdog.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * One {@code oobwatch check -c config [options]}, as a user runs it, in this JVM: its exit code and
 * what it printed, for tests that check a pipeline beside the daemon that runs it.
 */
public record CheckRun(int exit, String out) {
  public static CheckRun of(Path config, String... options) {
    StringWriter printed = new StringWriter();
    CommandLine cli = new CommandLine(Main.class);
    cli.setOut(new PrintWriter(printed, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    List<String> args = new ArrayList<>(List.of("check", "-c", config.toString()));
    args.addAll(List.of(options));
    int exit = cli.execute(args.toArray(String[]::new));
    return new CheckRun(exit, printed.toString());
  }
}
