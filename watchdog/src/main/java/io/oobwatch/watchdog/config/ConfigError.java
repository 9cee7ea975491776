package io.oobwatch.watchdog.config;

/**
 * One problem in a config file, formatted {@code file:line:column: key.path: what is wrong; what to
 * do}. Never contains a secret's value.
 */
record ConfigError(String file, YamlNode.Mark mark, String path, String message) {
  static ConfigError at(String file, YamlNode.Mark mark, String path, String message) {
    return new ConfigError(file, mark, path, message);
  }

  static ConfigError of(String file, String message) {
    return new ConfigError(file, null, "", message);
  }

  /** This problem for scripts: the message split at its first "; " into what is wrong and what to do. */
  ConfigException.Problem problem() {
    int split = message.indexOf("; ");
    return new ConfigException.Problem(file, mark == null ? null : mark.line(), mark == null ? null : mark.column(),
        path, split < 0 ? message : message.substring(0, split), split < 0 ? null : message.substring(split + 2));
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(file);
    if (mark != null) {
      b.append(':').append(mark.line()).append(':').append(mark.column());
    }
    b.append(": ");
    if (!path.isEmpty()) {
      b.append(path).append(": ");
    }
    return b.append(message).toString();
  }
}
