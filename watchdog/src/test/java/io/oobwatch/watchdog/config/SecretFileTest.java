package io.oobwatch.watchdog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secret files through the config loader, the way {@code validate} and {@code run} read them: only
 * regular files, a bounded number of bytes, UTF-8, and never the content in an error.
 */
class SecretFileTest {
  @TempDir Path dir;

  ConfigException rejected(String tokenFile) {
    String yaml = String.join("\n",
        "pipelines:",
        "  - name: inference-logs",
        "    canary:",
        "      inject: { kafka: { bootstrap: \"127.0.0.1:9092\", topic: logs } }",
        "      stages: [ { kafka: { bootstrap: \"127.0.0.1:9092\", topic: logs } } ]",
        "heartbeats:",
        "  - { name: log-shipper, token_file: \"" + tokenFile + "\" }",
        "");
    ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);
    return (ConfigException) assertThatThrownBy(() -> loader.parse("oobwatch.yaml", dir, yaml))
        .isInstanceOf(ConfigException.class).actual();
  }

  Config accepted(String tokenFile) throws ConfigException {
    String yaml = String.join("\n",
        "heartbeats:",
        "  - { name: log-shipper, token_file: \"" + tokenFile + "\" }",
        "");
    return new ConfigLoader(Map.<String, String>of()::get).parse("oobwatch.yaml", dir, yaml);
  }

  @Test
  void aRegularSecretFileIsReadAndTrimmed() throws Exception {
    Files.writeString(dir.resolve("hb.token"), "  0123456789abcdef0123\n");

    Config c = accepted("hb.token");

    assertThat(c.heartbeats().get(0).token()).isEqualTo("0123456789abcdef0123");
  }

  @Test
  void devZeroAndDevUrandomAreRefusedAtOnceInsteadOfFillingTheHeap() {
    for (String device : new String[] {"/dev/zero", "/dev/urandom"}) {
      assertThat(Path.of(device)).as("a Linux device node").exists();
      ConfigException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> rejected(device));
      assertThat(e.getMessage()).isEqualTo("oobwatch.yaml:7:38: heartbeats[0].token_file: cannot read secret file "
          + device + ": not a regular file (a device, a FIFO or a socket); put the secret alone in a plain file, mode 0600");
    }
  }

  @Test
  void aFifoIsRefusedWithoutWaitingForAWriter() throws Exception {
    Path fifo = dir.resolve("token.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start(); // coreutils: on every Debian
    assertThat(mkfifo.waitFor()).as("mkfifo's exit code").isZero();

    ConfigException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> rejected(fifo.toString()));

    assertThat(e.getMessage()).contains("cannot read secret file " + fifo + ": not a regular file");
  }

  @Test
  void aDirectoryIsRefusedWithAHint() {
    ConfigException e = rejected(dir.toString());

    assertThat(e.getMessage()).endsWith("cannot read secret file " + dir
        + ": it is a directory; name the file in it that holds the secret");
  }

  @Test
  void aFileLargerThanAnySecretIsRefused() throws Exception {
    Files.write(dir.resolve("bundle.pem"), new byte[SecretFile.MAX_BYTES + 1]);

    ConfigException e = rejected("bundle.pem");

    assertThat(e.getMessage()).endsWith("larger than 16 KiB; a secret file holds the secret alone (a token, a key or a password)");
  }

  @Test
  void aSecretThatIsNotUtf8IsRefusedWithoutShowingIt() throws Exception {
    Files.write(dir.resolve("hb.token"), new byte[] {'s', 'e', 'c', 'r', 'e', 't', (byte) 0xff, (byte) 0xfe, '1', '2'});

    ConfigException e = rejected("hb.token");

    assertThat(e.getMessage()).contains("hb.token: not UTF-8 text; write the secret as plain text")
        .doesNotContain("secret\u00ff").doesNotContain("0xFF");
  }
}
