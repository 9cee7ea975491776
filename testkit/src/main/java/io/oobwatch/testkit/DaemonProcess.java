package io.oobwatch.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code oobwatch run -c CONFIG} as its own process, started with the test class path (as systemd
 * would start it), its stdout and stderr going to a log file. The testkit does not depend on the
 * watchdog; the main class is named, and must be on the test class path of the module using this.
 */
public final class DaemonProcess {
  /** The main class of the {@code oobwatch} command. */
  public static final String MAIN = "io.oobwatch.watchdog.cli.Main";

  private DaemonProcess() {}

  /**
   * @param log where its stdout and stderr go (the parent folder is created)
   * @param jvmFlags e.g. {@code -Xmx128m}
   */
  public static Process start(Path config, Path log, String... jvmFlags) throws IOException {
    return start(config, log, List.of(jvmFlags), Map.of());
  }

  /**
   * @param log where its stdout and stderr go (the parent folder is created)
   * @param jvmFlags e.g. {@code -Xmx128m}
   * @param env added to the inherited environment, from which the systemd variables (NOTIFY_SOCKET,
   *     WATCHDOG_USEC, WATCHDOG_PID) of the test's own JVM are removed first
   */
  public static Process start(Path config, Path log, List<String> jvmFlags, Map<String, String> env)
      throws IOException {
    return launch(List.of(MAIN, "run", "-c", config.toString()), log, jvmFlags, env);
  }

  /**
   * Another main class of the test class path (one that wires the daemon with what a test injects),
   * with its arguments.
   *
   * @param mainAndArgs the class name, then its arguments
   */
  public static Process start(List<String> mainAndArgs, Path log, String... jvmFlags) throws IOException {
    return launch(mainAndArgs, log, List.of(jvmFlags), Map.of());
  }

  private static Process launch(List<String> mainAndArgs, Path log, List<String> jvmFlags, Map<String, String> env)
      throws IOException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags);
    cmd.add("-cp");
    cmd.add(cp);
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("NOTIFY_SOCKET");
    pb.environment().remove("WATCHDOG_USEC");
    pb.environment().remove("WATCHDOG_PID");
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Path parent = log.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    pb.redirectOutput(log.toFile());
    return pb.start();
  }
}
