package io.oobwatch.dist;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The packages built once per test run by deploy/build-packages.sh from the real jar, into a
 * directory under the build's temp dir (target/), shared by the test classes.
 */
final class Built {
  private static Path out;
  private static Path unpacked;

  private Built() {}

  static synchronized Path packages() throws Exception {
    if (out == null) {
      Path dir = Files.createTempDirectory("packages");
      Sh.run(dir, "sh", Sh.REPO.resolve("deploy/build-packages.sh").toString(), "--version", Sh.VERSION,
          "--jar", Sh.jar().toAbsolutePath().toString(), "--codegen", Sh.codegen().toString(), "--out", dir.toString()).ok();
      out = dir;
    }
    return out;
  }

  /** The tarball unpacked once, the way an operator unpacks it; tests read it, never change it. */
  static synchronized Path unpacked() throws Exception {
    if (unpacked == null) {
      Path dir = Files.createDirectories(packages().resolve("unpacked"));
      Sh.run(dir, "tar", "-xzf", tarball().toString()).ok();
      unpacked = dir.resolve("oobwatch-" + Sh.VERSION);
    }
    return unpacked;
  }

  static Path tarball() throws Exception {
    return packages().resolve("oobwatch-" + Sh.VERSION + ".tar.gz");
  }

  static Path deb() throws Exception {
    return packages().resolve("oobwatch_" + Sh.VERSION.replace("-SNAPSHOT", "~SNAPSHOT") + "_all.deb");
  }
}
