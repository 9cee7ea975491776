package io.oobwatch.watchdog.loopback;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code oobwatch run} as its own process, started with the test class path (as systemd would start it). */
public final class DaemonProcess {
  private DaemonProcess() {}

  /**
   * @param jvmFlags e.g. {@code -Xmx128m}
   * @param env added to the inherited environment (NOTIFY_SOCKET, WATCHDOG_USEC, ...)
   * @param log where its stdout and stderr go
   */
  public static Process spawn(Path config, List<String> jvmFlags, Map<String, String> env, Path log) throws IOException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags);
    cmd.addAll(List.of("-cp", cp, "io.oobwatch.watchdog.cli.Main", "run", "-c", config.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("NOTIFY_SOCKET");
    pb.environment().remove("WATCHDOG_USEC");
    pb.environment().remove("WATCHDOG_PID");
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Files.createDirectories(log.getParent());
    pb.redirectOutput(log.toFile());
    return pb.start();
  }
}
