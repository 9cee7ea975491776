package io.oobwatch.watchdog.cli;

import io.oobwatch.watchdog.config.ConfigException;
import io.oobwatch.watchdog.demo.Demo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    header = "See oobwatch catch a dark-dashboard incident, with no other software (about a minute).",
    description = {
      "See oobwatch catch a dark-dashboard incident, with no other software: an embedded simulated",
      "pipeline (HTTP ingest -> queue -> connector -> store) with live traffic, watched by the real",
      "watchdog. After ~20 s the connector stalls; the page names the broken hop on this console;",
      "then the connector recovers and the resolve follows. Takes about a minute."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--stall-after", paramLabel = "SECONDS", defaultValue = "20",
      description = "seconds of healthy flow before the connector stalls (default: ${DEFAULT-VALUE})")
  int stallAfter;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "where the demo keeps its state (default: a new temporary directory)")
  Path stateDir;

  @Override
  public Integer call() throws IOException, ConfigException, InterruptedException {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    Path dir = stateDir != null ? stateDir : Files.createTempDirectory("oobwatch-demo-");
    Demo.Timing d = Demo.Timing.DEFAULT;
    Demo.Timing t = new Demo.Timing(d.every(), d.deadline(), Duration.ofSeconds(stallAfter), d.recoverAfterPage(), d.giveUp());
    return new Demo(System.out, Clock.systemUTC()).run(dir, t);
  }
}
