package io.oobwatch.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/install.sh from the tarball, into a DESTDIR: idempotent, --prefix, and upgrades keep config and state. */
class InstallScriptTest {
  static Path unpacked;
  @TempDir Path dir;

  @BeforeAll
  static void unpack() throws Exception {
    unpacked = Built.unpacked();
  }

  Sh.Result install(Path from, Path destdir, String... args) throws Exception {
    String[] cmd = Stream.concat(Stream.of("sh", from.resolve("install.sh").toString()), Stream.of(args)).toArray(String[]::new);
    return Sh.run(dir, Map.of("DESTDIR", destdir.toString()), cmd).ok();
  }

  /** Every file under root with its size and modification time: a second run must not touch any. */
  static Map<String, String> snapshot(Path root) throws Exception {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.toList()) {
        m.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir"
            : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis() + " " + Files.getPosixFilePermissions(p));
      }
    }
    return m;
  }

  @Test
  void installingTwiceChangesNothingTheSecondTime() throws Exception {
    Path dest = dir.resolve("dest");
    Sh.Result first = install(unpacked, dest);
    assertThat(first.output()).contains("oobwatch " + Sh.VERSION + " installed").contains("Not started (not configured yet)");
    assertThat(dest.resolve("usr/local/share/oobwatch/oobwatch.jar")).hasSameBinaryContentAs(Sh.jar());
    assertThat(dest.resolve("usr/local/bin/oobwatch")).isExecutable();
    assertThat(Files.readString(dest.resolve("usr/local/bin/oobwatch"))).contains("/usr/local/share/oobwatch/oobwatch.jar")
        .doesNotContain("@JAR@");
    assertThat(Files.readAllLines(dest.resolve("etc/systemd/system/oobwatch.service")))
        .contains("ExecStart=/usr/local/bin/oobwatch run", "Type=notify");
    assertThat(dest.resolve("etc/oobwatch/oobwatch.yaml.example")).exists();
    assertThat(dest.resolve("etc/oobwatch/oobwatch.yaml")).doesNotExist();
    assertThat(Files.getPosixFilePermissions(dest.resolve("etc/oobwatch/credentials")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(dest.resolve("usr/local/share/bash-completion/completions/oobwatch"))
        .hasSameBinaryContentAs(unpacked.resolve("oobwatch.bash-completion"));
    assertThat(dest.resolve("usr/local/share/zsh/site-functions/_oobwatch")).hasSameBinaryContentAs(unpacked.resolve("_oobwatch"));
    assertThat(dest.resolve("usr/local/share/man/man1/oobwatch.1.gz")).hasSameBinaryContentAs(unpacked.resolve("oobwatch.1.gz"));
    Map<String, String> before = snapshot(dest);

    Sh.Result second = install(unpacked, dest);
    assertThat(second.output()).contains("already installed; nothing changed").doesNotContain("  installed ");
    assertThat(snapshot(dest)).isEqualTo(before);
  }

  @Test
  void aPrefixMovesTheProgramAndTheUnitFollowsIt() throws Exception {
    Path dest = dir.resolve("dest");
    install(unpacked, dest, "--prefix", "/opt/oobwatch");
    assertThat(dest.resolve("opt/oobwatch/share/oobwatch/oobwatch.jar")).exists();
    assertThat(Files.readString(dest.resolve("opt/oobwatch/bin/oobwatch"))).contains("/opt/oobwatch/share/oobwatch/oobwatch.jar");
    assertThat(Files.readAllLines(dest.resolve("etc/systemd/system/oobwatch.service")))
        .contains("ExecStart=/opt/oobwatch/bin/oobwatch run");
    Sh.Result version = Sh.run(dir, Map.of("OOBWATCH_JAR", dest.resolve("opt/oobwatch/share/oobwatch/oobwatch.jar").toString(),
        "JAVA_HOME", System.getProperty("java.home")), dest.resolve("opt/oobwatch/bin/oobwatch").toString(), "--version").ok();
    assertThat(version.output()).startsWith("oobwatch " + Sh.VERSION);
  }

  @Test
  void anUpgradeReplacesTheProgramAndKeepsTheEditedConfigCredentialsAndState() throws Exception {
    Path dest = dir.resolve("dest");
    install(unpacked, dest);
    Files.writeString(dest.resolve("etc/oobwatch/oobwatch.yaml"), "instance: wd-eu-1 # edited\n");
    Files.writeString(dest.resolve("etc/oobwatch/credentials/twilio-sid"), "AC-secret\n");
    Path state = Files.createDirectories(dest.resolve("var/lib/oobwatch")).resolve("oobwatch.db");
    Files.writeString(state, "alerts and outbox");

    // the next release: another jar and version, same layout
    Path next = dir.resolve("oobwatch-9.9.9");
    Sh.run(dir, "cp", "-a", unpacked.toString(), next.toString()).ok();
    Files.writeString(next.resolve("oobwatch.jar"), "a newer jar");
    Files.writeString(next.resolve("VERSION"), "9.9.9\n");
    Files.writeString(next.resolve("oobwatch.yaml.example"), "# newer example\n");

    Sh.Result upgrade = install(next, dest);
    assertThat(upgrade.output()).contains("oobwatch 9.9.9 installed").doesNotContain("Not started");
    assertThat(dest.resolve("usr/local/share/oobwatch/oobwatch.jar")).hasContent("a newer jar");
    assertThat(dest.resolve("usr/local/share/oobwatch/VERSION")).hasContent("9.9.9");
    assertThat(dest.resolve("etc/oobwatch/oobwatch.yaml.example")).hasContent("# newer example");
    assertThat(dest.resolve("etc/oobwatch/oobwatch.yaml")).hasContent("instance: wd-eu-1 # edited");
    assertThat(dest.resolve("etc/oobwatch/credentials/twilio-sid")).hasContent("AC-secret");
    assertThat(state).hasContent("alerts and outbox");
  }
}
