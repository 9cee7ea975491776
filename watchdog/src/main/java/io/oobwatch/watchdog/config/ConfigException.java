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

  /**
   * One problem, for scripts and editors ({@code validate --json}).
   *
   * @param line 1-based, null when the problem is the file as a whole (missing, empty, not YAML)
   * @param column 1-based, null with line
   * @param path the key path ({@code pipelines[0].canary.every}), empty for the file as a whole
   * @param message what is wrong
   * @param hint what to do, null when the message has no advice
   */
  public record Problem(String file, Integer line, Integer column, String path, String message, String hint) {}

  /** Every problem found, in the order of the file. */
  public List<Problem> problems() {
    return errors.stream().map(ConfigError::problem).toList();
  }

  /** How many problems were found. */
  public int count() {
    return errors.size();
  }
}
