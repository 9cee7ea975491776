package io.oobwatch.watchdog.cli;

import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigException;
import io.oobwatch.watchdog.daemon.Daemon;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    description = {
      "Run the watchdog in the foreground (systemd runs this).",
      "Emits canaries, follows them through every stage, pages on loss, serves /healthz and /status.",
      "Under systemd (NOTIFY_SOCKET set) it tells systemd READY=1 after the first evaluation round,",
      "keeps STATUS= current, pings WATCHDOG=1 while evaluation progresses, and says STOPPING=1.",
      "Stops cleanly on SIGTERM/SIGINT. Exit 2 on an invalid config, 1 when it cannot start."
    })
final class RunCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Config c;
    try {
      c = config.load();
    } catch (ConfigException e) {
      spec.commandLine().getErr().println(e.getMessage());
      spec.commandLine().getErr().println("oobwatch not started: fix the config (oobwatch validate -c FILE checks it)");
      return 2;
    }
    Daemon daemon;
    try {
      daemon = Daemon.start(c, Clock.systemUTC(), System.out, null);
    } catch (RuntimeException e) {
      spec.commandLine().getErr().println("oobwatch not started: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      daemon.close();
      stopped.countDown();
    }, "oobwatch-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
