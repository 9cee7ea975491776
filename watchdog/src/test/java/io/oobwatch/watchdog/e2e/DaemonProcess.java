package io.oobwatch.watchdog.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The daemon as its own process ({@code oobwatch run -c CONFIG}) on the test class path, output to a log file. */
final class DaemonProcess {
  private DaemonProcess() {}

  static Process start(Path config, Path log, String... jvmArgs) throws IOException {
    return start(List.of("io.oobwatch.watchdog.cli.Main", "run", "-c", config.toString()), log, jvmArgs);
  }

  /** A main class of the test class path and its arguments ({@code mainAndArgs}), output to a log file. */
  static Process start(List<String> mainAndArgs, Path log, String... jvmArgs) throws IOException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString()));
    cmd.addAll(List.of(jvmArgs));
    cmd.addAll(List.of("-cp", cp));
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return pb.start();
  }
}
