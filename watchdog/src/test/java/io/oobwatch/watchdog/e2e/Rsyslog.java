package io.oobwatch.watchdog.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real shipper: Debian's rsyslogd, tailing one log file with imfile (inotify) and shipping each
 * line as is to a Kafka topic with omkafka. It runs as the test's child process with its own
 * config, pid file and work directory (its imfile state), never as the system's service.
 * {@link #freeze()} and {@link #thaw()} send SIGSTOP and SIGCONT: a stalled shipper.
 */
final class Rsyslog implements AutoCloseable {
  private static final List<Path> DAEMONS = List.of(Path.of("/usr/sbin/rsyslogd"), Path.of("/sbin/rsyslogd"));
  private static final List<Path> MODULE_DIRS = List.of(Path.of("/usr/lib/x86_64-linux-gnu/rsyslog"),
      Path.of("/usr/lib/aarch64-linux-gnu/rsyslog"), Path.of("/usr/lib/rsyslog"), Path.of("/usr/lib64/rsyslog"));
  private static final String WHY = "the file entry's test ships a real file through rsyslog (imfile + omkafka) to Kafka;"
      + " apt-get install rsyslog rsyslog-kafka";

  private final Process process;
  private final Path log;

  private Rsyslog(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** The rsyslogd binary with omkafka: under CI=true a missing one fails; elsewhere the test is skipped, saying why. */
  static Path need() {
    Optional<Path> daemon = DAEMONS.stream().filter(Files::isExecutable).findFirst();
    boolean omkafka = MODULE_DIRS.stream().anyMatch(d -> Files.isRegularFile(d.resolve("omkafka.so")));
    boolean present = daemon.isPresent() && omkafka;
    if ("true".equals(System.getenv("CI"))) {
      assertThat(present).as("rsyslogd with omkafka is missing in CI: .ci/run must install rsyslog and rsyslog-kafka (%s)", WHY)
          .isTrue();
    }
    if (!present) {
      String what = daemon.isEmpty() ? "rsyslogd is not installed" : "rsyslog's omkafka module is not installed";
      System.err.println("SKIPPED: " + what + " (" + WHY + ")");
      Assumptions.abort("SKIPPED: " + what + " (" + WHY + ")");
    }
    return daemon.get();
  }

  /** Starts rsyslogd shipping {@code file} (which must exist) to {@code topic}; its own output goes to {@code dir}/rsyslogd.out. */
  static Rsyslog ship(Path file, String bootstrap, String topic, Path dir) throws IOException {
    Path daemon = need();
    Path work = Files.createDirectories(dir.resolve("rsyslog-work"));
    Path conf = dir.resolve("rsyslog.conf");
    Files.writeString(conf, String.join("\n",
        "global(workDirectory=\"" + work + "\")",
        "module(load=\"imfile\" mode=\"inotify\")",
        "module(load=\"omkafka\")",
        "template(name=\"line\" type=\"string\" string=\"%msg%\")",
        "input(type=\"imfile\" file=\"" + file + "\" tag=\"inference\" ruleset=\"ship\" reopenOnTruncate=\"on\")",
        "ruleset(name=\"ship\") {",
        "  action(type=\"omkafka\" broker=[\"" + bootstrap + "\"] topic=\"" + topic + "\" template=\"line\"",
        "         confParam=[\"queue.buffering.max.ms=20\", \"socket.timeout.ms=5000\"])",
        "}",
        ""));
    Path out = dir.resolve("rsyslogd.out");
    Process p = new ProcessBuilder(daemon.toString(), "-n", "-f", conf.toString(), "-i", dir.resolve("rsyslogd.pid").toString())
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .start();
    return new Rsyslog(p, out);
  }

  /** SIGSTOP: the shipper stalls, holding what it has not shipped. */
  void freeze() throws Exception {
    signal("STOP");
  }

  /** SIGCONT: the shipper goes on from where it stopped. */
  void thaw() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -%s %d", name, process.pid()).isZero();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** What rsyslogd said, for a failed assertion's message. */
  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      thaw();
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
