package io.oobwatch.watchdog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One fixture per kind of invalid config ({@code config/invalid/NAME.yaml}), each with its exact
 * expected message ({@code NAME.expected}). Run with {@code -Dfixtures.update=true} to rewrite the
 * expected files after a deliberate wording change, then review the diff.
 */
class InvalidConfigFixturesTest {
  static final Map<String, String> ENV = Map.of("TWILIO_SID", "AC00000000000000000000000000000000",
      "CLUSTER_SECRET", "0123456789abcdef0123456789abcdef");

  static Path dir() throws URISyntaxException {
    return Path.of(InvalidConfigFixturesTest.class.getResource("/config/invalid").toURI());
  }

  static Stream<String> fixtures() throws Exception {
    try (Stream<Path> files = Files.list(dir())) {
      List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted()
          .collect(Collectors.toList());
      return names.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void eachInvalidConfigIsRejectedWithItsExactMessage(String name) throws Exception {
    Path file = dir().resolve(name);
    ConfigLoader loader = new ConfigLoader(ENV::get);
    Path expectedFile = file.resolveSibling(name.replace(".yaml", ".expected"));
    String actual;
    try {
      loader.load(file); // from the file, as validate reads it: its bytes are part of what is checked
      actual = "(valid)";
    } catch (ConfigException e) {
      // the file and secret file paths are shown resolved; keep the fixture independent of where it lies
      actual = e.getMessage().replace(file.getParent() + "/", "");
    }
    if (Boolean.getBoolean("fixtures.update")) {
      Path source = Path.of("src/test/resources/config/invalid").resolve(expectedFile.getFileName());
      Files.writeString(source, actual + "\n");
    }
    assertThat(actual).isNotEqualTo("(valid)");
    assertThat(Files.exists(expectedFile)).as("expected message file %s", expectedFile.getFileName()).isTrue();
    assertThat(actual).isEqualTo(Files.readString(expectedFile, StandardCharsets.UTF_8).stripTrailing());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void noMessageEchoesTheInlineSecret(String name) throws Exception {
    Path file = dir().resolve(name);
    ConfigLoader loader = new ConfigLoader(ENV::get);
    assertThatThrownBy(() -> loader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageNotContaining("0123456789abcdef")
        .hasMessageNotContaining(ENV.get("TWILIO_SID"));
  }

  static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
