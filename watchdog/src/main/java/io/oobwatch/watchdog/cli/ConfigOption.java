package io.oobwatch.watchdog.cli;

import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigException;
import io.oobwatch.watchdog.config.ConfigLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code -c FILE} option shared by the commands that read a config. */
final class ConfigOption {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "config file (default: $OOBWATCH_CONFIG, else /etc/oobwatch/oobwatch.yaml)")
  Path file;

  Path locate() {
    return new ConfigLoader().locate(file);
  }

  Config load() throws ConfigException {
    return new ConfigLoader().load(locate());
  }
}
