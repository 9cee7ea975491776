package io.oobwatch.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** systemd/oobwatch.service checked by systemd itself (systemd-analyze; .ci/run installs it). */
class SystemdUnitTest {
  static final Path UNIT = Sh.REPO.resolve("systemd/oobwatch.service");
  @TempDir Path dir;
  List<String> lines;

  @BeforeEach
  void read() throws Exception {
    lines = Files.readAllLines(UNIT);
  }

  /** The unit with ExecStart pointing at an executable stub, everything else as shipped. */
  Path stubbed(String extra) throws Exception {
    Path stub = dir.resolve("oobwatch");
    Files.writeString(stub, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    String text = Files.readString(UNIT);
    String replaced = text.replace("\nExecStart=/usr/bin/oobwatch run\n", "\nExecStart=" + stub + " run\n" + extra);
    assertThat(replaced).as("ExecStart line found and replaced").isNotEqualTo(text);
    Path unit = dir.resolve("oobwatch.service");
    Files.writeString(unit, replaced);
    return unit;
  }

  @Test
  void systemdAnalyzeVerifyFindsNothingToSay() throws Exception {
    assumeTrue(Sh.has("systemd-analyze"), "systemd-analyze not installed (.ci/run installs it)");
    Sh.Result r = Sh.run(dir, "systemd-analyze", "verify", stubbed("").toString());
    assertThat(r.output()).isEmpty();
    assertThat(r.exit()).isZero();
    // and it would say something about a broken unit
    Path broken = stubbed("WatchdogSecs=60s\n");
    assertThat(Sh.run(dir, "systemd-analyze", "verify", broken.toString()).output()).contains("Unknown key 'WatchdogSecs'");
  }

  @Test
  void systemdAnalyzeSecurityRatesTheUnitOkAtMost2Point5() throws Exception {
    assumeTrue(Sh.has("systemd-analyze"), "systemd-analyze not installed (.ci/run installs it)");
    Sh.Result r = Sh.run(dir, "systemd-analyze", "security", "--offline=yes", "--no-pager", UNIT.toString());
    Matcher m = Pattern.compile("Overall exposure level for oobwatch.service: ([0-9.]+) (\\S+)").matcher(r.output());
    assertThat(m.find()).as("rating in:%n%s", r.output()).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isLessThanOrEqualTo(2.5);
    assertThat(m.group(2)).isEqualTo("OK");
    Sh.run(dir, "systemd-analyze", "security", "--offline=yes", "--threshold=25", "--no-pager", UNIT.toString()).ok();
  }

  @Test
  void theUnitNotifiesIsHardenedAndLeavesTheJitAlone() {
    assertThat(lines).contains(
        "Type=notify", "NotifyAccess=main", "Restart=on-failure", "DynamicUser=yes", "StateDirectory=oobwatch",
        "ProtectSystem=strict", "NoNewPrivileges=yes", "CapabilityBoundingSet=", "AmbientCapabilities=",
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "ExecStart=/usr/bin/oobwatch run",
        "LoadCredential=oobwatch:/etc/oobwatch/credentials", "Environment=OOBWATCH_CREDENTIALS=%d/oobwatch_");
    assertThat(lines).anyMatch(l -> l.matches("WatchdogSec=[0-9]+s"));
    assertThat(lines).anyMatch(l -> l.matches("MemoryMax=[0-9]+M"));
    assertThat(lines).anyMatch(l -> l.startsWith("Environment=\"JAVA_OPTS=") && l.contains("-XX:+ExitOnOutOfMemoryError"));
    assertThat(lines).noneMatch(l -> l.startsWith("MemoryDenyWriteExecute"));
  }

  @Test
  void theExampleConfigReadsEverySecretFromTheCredentialsDirectoryTheUnitLoads() throws Exception {
    String example = Files.readString(Sh.REPO.resolve("deploy/oobwatch.yaml.example"));
    for (String credential : List.of("twilio-sid", "twilio-token", "api-token", "es-api-key")) {
      assertThat(example).contains("${OOBWATCH_CREDENTIALS:-/etc/oobwatch/credentials/}" + credential);
    }
    assertThat(example).doesNotContainPattern("_file: +/");
  }
}
