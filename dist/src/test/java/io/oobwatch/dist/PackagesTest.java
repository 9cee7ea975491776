package io.oobwatch.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages as deploy/build-packages.sh builds them from the real jar (mvn package runs the
 * same script), installed the way operators do: the .deb with dpkg into a throwaway root, the
 * tarball with its install.sh into a DESTDIR.
 */
class PackagesTest {
  static final String DEB_VERSION = Sh.VERSION.replace("-SNAPSHOT", "~SNAPSHOT");
  static Path tarball;
  static Path deb;

  @TempDir Path dir;

  @BeforeAll
  static void buildPackages() throws Exception {
    tarball = Built.tarball();
    deb = Built.deb();
  }

  static List<String> lines(String s) {
    return s.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  @Test
  void theTarballHoldsTheProgramTheUnitTheExampleConfigAndTheInstaller() throws Exception {
    assertThat(tarball).isRegularFile();
    String n = "oobwatch-" + Sh.VERSION + "/";
    assertThat(lines(Sh.run(dir, "tar", "-tzf", tarball.toString()).ok().output())).containsExactlyInAnyOrder(
        n, n + "install.sh", n + "oobwatch", n + "oobwatch.jar", n + "oobwatch.service", n + "oobwatch.yaml.example",
        n + "sysusers.conf", n + "RUNBOOK-peers.md", n + "README.md", n + "VERSION", n + "oobwatch.bash-completion",
        n + "_oobwatch", n + "oobwatch.1.gz");
  }

  @Test
  void theDebHasTheExpectedLayoutAndControlFields() throws Exception {
    assumeTrue(Sh.has("dpkg-deb"), "dpkg-deb not installed (.ci/run installs it)");
    assertThat(deb).isRegularFile();
    List<String> contents = lines(Sh.run(dir, "dpkg-deb", "--contents", deb.toString()).ok().output());
    assertThat(contents).anyMatch(l -> l.startsWith("-rw-r--r-- root/root") && l.endsWith(" ./usr/share/oobwatch/oobwatch.jar"))
        .anyMatch(l -> l.startsWith("-rwxr-xr-x root/root") && l.endsWith(" ./usr/bin/oobwatch"))
        .anyMatch(l -> l.startsWith("-rw-r--r-- root/root") && l.endsWith(" ./lib/systemd/system/oobwatch.service"))
        .anyMatch(l -> l.endsWith(" ./etc/oobwatch/oobwatch.yaml.example"))
        .anyMatch(l -> l.endsWith(" ./usr/lib/sysusers.d/oobwatch.conf"))
        .anyMatch(l -> l.endsWith(" ./usr/share/doc/oobwatch/RUNBOOK-peers.md"))
        .anyMatch(l -> l.startsWith("-rw-r--r-- root/root") && l.endsWith(" ./usr/share/bash-completion/completions/oobwatch"))
        .anyMatch(l -> l.startsWith("-rw-r--r-- root/root") && l.endsWith(" ./usr/share/zsh/vendor-completions/_oobwatch"))
        .anyMatch(l -> l.startsWith("-rw-r--r-- root/root") && l.endsWith(" ./usr/share/man/man1/oobwatch.1.gz"))
        .noneMatch(l -> l.endsWith(" ./etc/oobwatch/oobwatch.yaml"));
    assertThat(Sh.run(dir, "dpkg-deb", "-f", deb.toString(), "Package", "Version", "Architecture").ok().output())
        .isEqualTo("Package: oobwatch\nVersion: " + DEB_VERSION + "\nArchitecture: all\n");
    assertThat(Sh.run(dir, "dpkg-deb", "-f", deb.toString(), "Depends").ok().output()).contains("java17-runtime-headless");
    Path control = dir.resolve("control");
    Sh.run(dir, "dpkg-deb", "--control", deb.toString(), control.toString()).ok();
    assertThat(Files.readString(control.resolve("conffiles"))).isEqualTo("/etc/oobwatch/oobwatch.yaml.example\n");
    assertThat(control.resolve("postinst")).isExecutable();
  }

  /** An empty dpkg database in a directory: a throwaway root. */
  Path emptyRoot() throws Exception {
    Path root = dir.resolve("root");
    for (String d : List.of("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers")) {
      Files.createDirectories(root.resolve(d));
    }
    Files.createFile(root.resolve("var/lib/dpkg/status"));
    Files.createFile(root.resolve("var/lib/dpkg/available"));
    return root;
  }

  Sh.Result dpkg(Path root, String... args) throws Exception {
    String[] cmd = Stream.concat(Stream.of("dpkg", "--root=" + root, "--force-not-root", "--force-script-chrootless",
        "--force-depends", "--log=/dev/null"), Stream.of(args)).toArray(String[]::new);
    return Sh.run(dir, cmd);
  }

  @Test
  void theDebInstallsIntoAThrowawayRootWithAUserAndWithoutStartingTheServiceAndUpgradesKeepTheConfig() throws Exception {
    assumeTrue(Sh.has("dpkg") && Sh.has("dpkg-deb"), "dpkg not installed (.ci/run installs it)");
    Path root = emptyRoot();
    Sh.Result install = dpkg(root, "-i", deb.toString()).ok();
    assertThat(install.output()).contains("Setting up oobwatch (" + DEB_VERSION + ")")
        .contains("oobwatch is installed but not started");
    assertThat(root.resolve("usr/share/oobwatch/oobwatch.jar")).hasSameBinaryContentAs(Sh.jar());
    assertThat(root.resolve("usr/bin/oobwatch")).isExecutable();
    assertThat(Files.getPosixFilePermissions(root.resolve("etc/oobwatch/credentials")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    // not enabled, not started: no wants symlink anywhere
    assertThat(root.resolve("etc/systemd/system/multi-user.target.wants")).doesNotExist();
    if (Sh.has("systemd-sysusers")) {
      assertThat(Files.readString(root.resolve("etc/passwd")))
          .containsPattern("(?m)^oobwatch:x:[0-9]+:[0-9]+:oobwatch watchdog:/var/lib/oobwatch:/usr/sbin/nologin$");
    }
    // the launcher on PATH runs the packaged jar
    Sh.Result version = Sh.run(dir, Map.of("OOBWATCH_JAR", root.resolve("usr/share/oobwatch/oobwatch.jar").toString(),
        "JAVA_HOME", System.getProperty("java.home")), root.resolve("usr/bin/oobwatch").toString(), "--version").ok();
    assertThat(version.output()).startsWith("oobwatch " + Sh.VERSION);

    // the admin configures it; reinstalling (an upgrade) leaves that alone and says nothing about configuring
    Files.writeString(root.resolve("etc/oobwatch/oobwatch.yaml"), "instance: edited-by-admin\n");
    Files.writeString(root.resolve("etc/oobwatch/credentials/twilio-token"), "secret\n");
    Sh.Result upgrade = dpkg(root, "-i", deb.toString()).ok();
    assertThat(upgrade.output()).doesNotContain("not started");
    assertThat(root.resolve("etc/oobwatch/oobwatch.yaml")).hasContent("instance: edited-by-admin");
    assertThat(root.resolve("etc/oobwatch/credentials/twilio-token")).hasContent("secret");

    // purge: the program goes, the admin's config stays
    Files.createDirectories(root.resolve("var/lib/private/oobwatch"));
    dpkg(root, "--purge", "oobwatch").ok();
    assertThat(root.resolve("usr/share/oobwatch/oobwatch.jar")).doesNotExist();
    assertThat(root.resolve("var/lib/private/oobwatch")).doesNotExist();
    assertThat(root.resolve("etc/oobwatch/oobwatch.yaml")).hasContent("instance: edited-by-admin");
  }
}
