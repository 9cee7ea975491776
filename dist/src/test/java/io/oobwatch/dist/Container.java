package io.oobwatch.dist;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A live systemd for the tests: systemd-nspawn boots a container whose root is an overlay of this
 * machine's own root (so Java and the tools are there, and nothing written inside reaches the
 * host), with systemd as its PID 1 and the host's network (loopback servers of the test are
 * reachable at 127.0.0.1). Commands run inside through nsenter. Closing powers it off and removes
 * the overlay; the overlay's writable layer is in /dev/shm, a tmpfs, so it never overlaps the
 * lower root.
 */
final class Container implements AutoCloseable {
  private final Path root;
  private final Path layer;
  private final Process nspawn;
  private final long init;

  private Container(Path root, Path layer, Process nspawn, long init) {
    this.root = root;
    this.layer = layer;
    this.nspawn = nspawn;
    this.init = init;
  }

  /** Why a container cannot be booted here, or empty when it can be tried. */
  static Optional<String> unavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("booting a container needs root");
    }
    if (!Sh.has("systemd-nspawn") || !Sh.has("nsenter")) {
      return Optional.of("systemd-nspawn not installed (.ci/run installs systemd-container)");
    }
    if (!Files.isDirectory(Path.of("/dev/shm"))) {
      return Optional.of("no /dev/shm for the overlay's writable layer");
    }
    return Optional.empty();
  }

  /** Boots the container and waits until its systemd reports the system running. */
  static Container boot(Path dir) throws Exception {
    Path layer = Files.createTempDirectory(Path.of("/dev/shm"), "oobwatch-live-");
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(layer.resolve("upper"));
    Files.createDirectories(layer.resolve("work"));
    Sh.run(dir, "mount", "-t", "overlay", "overlay", "-o",
        "lowerdir=/,upperdir=" + layer.resolve("upper") + ",workdir=" + layer.resolve("work"), root.toString()).ok();
    Process nspawn;
    try {
      // --keep-unit/--register=no: no host systemd to register with; the journal stays inside
      nspawn = new ProcessBuilder("systemd-nspawn", "--quiet", "-D", root.toString(), "--register=no", "--keep-unit",
          "--link-journal=no", "--console=pipe", "-b")
          .redirectErrorStream(true).redirectOutput(dir.resolve("console.log").toFile()).start();
      nspawn.getOutputStream().close();
    } catch (IOException e) {
      unmount(dir, root, layer);
      throw e;
    }
    long init;
    try {
      init = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> initOf(nspawn), pid -> pid > 0);
      Container c = new Container(root, layer, nspawn, init);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> c.exec("systemctl", "is-system-running").output().strip(),
              s -> s.equals("running") || s.equals("degraded"));
      return c;
    } catch (RuntimeException e) {
      nspawn.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      unmount(dir, root, layer);
      throw new IllegalStateException("the container did not boot; its console said:\n"
          + Files.readString(dir.resolve("console.log")), e);
    }
  }

  // the container's PID 1 (systemd) is the first descendant of nspawn that runs systemd
  private static long initOf(Process nspawn) {
    return nspawn.toHandle().descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("/systemd")).orElse(false))
        .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
  }

  /** A path inside the container, as seen from the host (writes go to the overlay only). */
  Path path(String inside) {
    return root.resolve(inside.startsWith("/") ? inside.substring(1) : inside);
  }

  /** Runs a command inside the container, in all its namespaces. */
  Sh.Result exec(String... cmd) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of("nsenter", "-t", String.valueOf(init), "-a"));
    all.addAll(List.of(cmd));
    return Sh.run(root.getParent(), all.toArray(String[]::new));
  }

  /** One property of a unit, as systemctl show prints it ("MainPID" → "281"). */
  String show(String unit, String property) throws IOException, InterruptedException {
    return exec("systemctl", "show", unit, "-p", property, "--value").ok().output().strip();
  }

  /** What the unit logged in the container's journal. */
  String journal(String unit) throws IOException, InterruptedException {
    return exec("journalctl", "-u", unit, "--no-pager", "-o", "cat").output();
  }

  @Override
  public void close() throws Exception {
    try {
      exec("systemctl", "poweroff");
    } catch (IOException | RuntimeException e) {
      // powered off below in any case
    }
    if (!nspawn.waitFor(30, TimeUnit.SECONDS)) {
      nspawn.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    unmount(root.getParent(), root, layer);
  }

  private static void unmount(Path dir, Path root, Path layer) throws IOException, InterruptedException {
    if (Sh.run(dir, "umount", root.toString()).exit() != 0) {
      Sh.run(dir, "umount", "-l", root.toString());
    }
    Sh.run(dir, "rm", "-rf", layer.toString());
  }
}
