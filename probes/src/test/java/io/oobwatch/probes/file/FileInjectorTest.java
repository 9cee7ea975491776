package io.oobwatch.probes.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
}
