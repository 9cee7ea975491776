package io.oobwatch.watchdog.config;

import java.util.List;
import java.util.stream.Collectors;

/** The config cannot be used. The message lists every problem found, one per line. */
public final class ConfigException extends Exception {
  private final List<ConfigError> errors;

  ConfigException(ConfigError error) {
    this(List.of(error));
  }

  ConfigException(List<ConfigError> errors) {
    super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  /** How many problems were found. */
  public int count() {
    return errors.size();
  }
}
