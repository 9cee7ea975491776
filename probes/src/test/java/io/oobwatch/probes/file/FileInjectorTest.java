package io.oobwatch.probes.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileInjectorTest {
  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir Path dir;

  CanaryRecord canary(long seq) {
    return CanaryRecord.create(seq, NOW, "inference-logs", "wd-1", Map.of("service", "support-bot"));
  }

  @Test
  void theCanaryIsAppendedAsOneJsonLineAfterTheServicesOwnLinesAndTheFilesModeIsKept() throws Exception {
    Path log = Files.writeString(dir.resolve("app.log"), "{\"msg\":\"service line\"}\n");
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r-----"));
    FileInjector injector = new FileInjector(log, clock);
    CanaryRecord c = canary(1);

    Injection injection = injector.inject(c);

    assertThat(injection.ok()).as(injection.reason()).isTrue();
    assertThat(injection.reason()).endsWith("bytes appended to " + log);
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).isEqualTo("{\"msg\":\"service line\"}");
    JsonNode doc = JSON.readTree(lines.get(1));
    assertThat(doc.path("canary").path("id").asText()).isEqualTo(c.id());
    assertThat(doc.path("synthetic").asBoolean()).isTrue();
    assertThat(doc.path("service").asText()).isEqualTo("support-bot");
    assertThat(Files.readString(log)).endsWith("\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).isEqualTo("rw-r-----");
    assertThat(injector.kind()).isEqualTo("file");
    assertThat(injector.origin()).isEqualTo("file");
  }

  @Test
  void aMissingFileIsAFailedInjectionAndIsNeverCreated() {
    Path log = dir.resolve("app.log");

    Injection injection = new FileInjector(log, clock).inject(canary(1));

    assertThat(injection.ok()).isFalse();
    assertThat(injection.reason()).startsWith("cannot append to " + log + ": no such file");
    assertThat(log).doesNotExist();
  }

  @Test
  void aMissingDirectoryIsAFailedInjectionAndIsNeverCreated() {
    Path log = dir.resolve("inference").resolve("app.log");

    Injection injection = new FileInjector(log, clock).inject(canary(1));

    assertThat(injection.ok()).isFalse();
    assertThat(injection.reason()).startsWith("cannot append to " + log + ": no such file");
    assertThat(log.getParent()).doesNotExist();
  }

  @Test
  void aDirectoryWhereTheFileShouldBeIsAFailedInjectionSayingSo() throws Exception {
    Path log = Files.createDirectory(dir.resolve("app.log"));

    Injection injection = new FileInjector(log, clock).inject(canary(1));

    assertThat(injection.ok()).isFalse();
    assertThat(injection.reason()).isEqualTo("cannot append to " + log + ": is a directory");
  }

  @Test
  void afterARotationTheNextCanaryGoesToTheNewFile() throws Exception {
    Path log = Files.createFile(dir.resolve("app.log"));
    FileInjector injector = new FileInjector(log, clock);
    CanaryRecord before = canary(1);
    CanaryRecord after = canary(2);

    assertThat(injector.inject(before).ok()).isTrue();
    Files.move(log, dir.resolve("app.log.1"));
    Files.createFile(log);
    assertThat(injector.inject(after).ok()).isTrue();

    assertThat(Files.readString(dir.resolve("app.log.1"))).contains(before.id()).doesNotContain(after.id());
    assertThat(Files.readString(log)).contains(after.id()).doesNotContain(before.id());
  }

  @Test
  void canariesNeverInterleaveWithTheServicesLinesWrittenAtTheSameTime() throws Exception {
    Path log = Files.createFile(dir.resolve("app.log"));
    FileInjector injector = new FileInjector(log, clock);
    String serviceLine = "{\"msg\":\"" + "x".repeat(900) + "\"}\n";
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        work.add(pool.submit(() -> {
          for (int i = 0; i < 300; i++) {
            Files.write(log, serviceLine.getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
          }
          return null;
        }));
        work.add(pool.submit(() -> {
          for (int i = 0; i < 300; i++) {
            assertThat(injector.inject(canary(i)).ok()).isTrue();
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> lines = Files.readAllLines(log);
    assertThat(lines).hasSize(1200);
    long canaries = 0;
    for (String line : lines) {
      JsonNode doc = JSON.readTree(line); // a torn line would not parse
      canaries += doc.has("canary") ? 1 : 0;
    }
    assertThat(canaries).isEqualTo(600);
  }

  /**
   * A file oobwatch's user may not write: "cannot append", naming the file, the user, the group to
   * join and the missing group write bit. Root writes any file whatever its mode, so as root (CI, the
   * dev container) the append runs in a child JVM as nobody ({@code setpriv}, util-linux); as any
   * other user a file without the owner's write bit does.
   */
  @Test
  void aFileTheUserMayNotWriteIsCannotAppendNamingTheFileTheGroupToJoinAndTheGroupWriteBit() throws Exception {
    Path log = Files.writeString(dir.resolve("app.log"), "{\"msg\":\"service line\"}\n");
    String reason;
    String user;
    String group;
    if ((Integer) Files.getAttribute(log, "unix:uid") == 0) {
      var groups = log.getFileSystem().getUserPrincipalLookupService();
      Files.getFileAttributeView(log, PosixFileAttributeView.class)
          .setGroup(groups.lookupPrincipalByGroupName("adm"));
      Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r-----"));
      reason = appendAsNobody(log);
      user = "nobody";
      group = "adm";
    } else {
      Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("r--r-----"));
      reason = "FAILED " + new FileInjector(log, clock).inject(canary(1)).reason();
      user = System.getProperty("user.name");
      group = Files.readAttributes(log, PosixFileAttributes.class).group().getName();
    }

    assertThat(reason).isEqualTo("FAILED cannot append to " + log + ": permission denied: oobwatch runs as user " + user
        + ", which may not write it; add " + user + " to group " + group + " (the file's group) and give that group"
        + " write (chmod g+w; the file is " + PosixFilePermissions.toString(Files.getPosixFilePermissions(log)) + ")");
    assertThat(Files.readString(log)).isEqualTo("{\"msg\":\"service line\"}\n");
  }

  /** Runs {@link AppendOneCanary} on {@code log} in a child JVM as nobody:nogroup; returns what it printed. */
  private String appendAsNobody(Path log) throws Exception {
    Path setpriv = Path.of("/usr/bin/setpriv");
    if (!Files.isExecutable(setpriv)) {
      String why = "setpriv (util-linux) is missing: cannot run the append as another user than root";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why + "; .ci/run installs util-linux");
      }
      Assumptions.abort(why);
    }
    // nobody reads the classes from a copy it may read (the local Maven repository is root's alone)
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> classpath = new ArrayList<>();
    for (Class<?> c : List.of(FileInjector.class, AppendOneCanary.class, ObjectMapper.class,
        JsonFactory.class, JsonInclude.class)) {
      Path from = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(from)) {
        classpath.add(from.toString());
      } else {
        Path copy = Files.copy(from, dir.resolve(from.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
        classpath.add(copy.toString());
      }
    }
    String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process p = new ProcessBuilder(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups", java,
        "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-cp", String.join(":", classpath),
        AppendOneCanary.class.getName(), log.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ends").isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }
}
