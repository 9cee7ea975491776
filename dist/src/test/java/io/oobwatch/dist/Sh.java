package io.oobwatch.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the real tools (systemd-analyze, dpkg, tar, sh) the way an operator would, for the tests. */
final class Sh {
  static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  static final Path REPO = Path.of(System.getProperty("oobwatch.repo", "..")).toAbsolutePath().normalize();
  static final String VERSION = System.getProperty("oobwatch.version", "0.1.0-SNAPSHOT");

  /** What a command printed (stdout and stderr together) and its exit status. */
  record Result(int exit, String output) {
    Result ok() {
      assertThat(exit).as("exit status of a command that printed:%n%s", output).isZero();
      return this;
    }
  }

  private Sh() {}

  static boolean has(String tool) {
    for (String dir : PATH.split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  static Result run(Path dir, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of(cmd)).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("PATH", PATH);
    pb.environment().put("LC_ALL", "C");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + String.join(" ", cmd));
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  static Result run(Path dir, String... cmd) throws IOException, InterruptedException {
    return run(dir, Map.of(), cmd);
  }

  /** picocli-codegen's jar, which renders the man page source (the dist pom resolves it). */
  static Path codegen() {
    Path jar = Path.of(System.getProperty("picocli.codegen.jar", "")).toAbsolutePath();
    assertThat(jar).as("picocli-codegen's jar (the dist pom passes it as -Dpicocli.codegen.jar)").isRegularFile();
    return jar;
  }

  /** In CI a test that needs a Debian program fails when it is missing; elsewhere it may skip, saying why. */
  static void need(String tool, String why) {
    if ("true".equals(System.getenv("CI"))) {
      assertThat(has(tool)).as("%s is missing in CI: .ci/run must install it (%s)", tool, why).isTrue();
    }
    Assumptions.assumeTrue(has(tool), () -> "SKIPPED: " + tool + " is not installed (" + why + "; .ci/run installs it)");
  }

  /** The watchdog's runnable jar, as mvn package built it. */
  static Path jar() {
    Path jar = Path.of(System.getProperty("oobwatch.jar", "../watchdog/target/oobwatch.jar"));
    assertThat(jar).as("the runnable jar (run mvn package, not only the dist module)").isRegularFile();
    return jar;
  }
}
