package io.oobwatch.probes.file;

import io.oobwatch.probes.Injector;
import io.oobwatch.probes.InjectorConfig;
import io.oobwatch.probes.ProbeContext;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The log file a shipper tails, where canaries enter as lines of the service's own log.
 *
 * @param path absolute; never created by oobwatch, so its owner, group and mode stay the service's
 */
public record FileEntryConfig(Path path) implements InjectorConfig {
  public FileEntryConfig {
    Objects.requireNonNull(path, "path");
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("file path must be absolute: " + path);
    }
  }

  @Override
  public Injector open(ProbeContext ctx) {
    return new FileInjector(path, ctx.clock());
  }

  @Override
  public String where() {
    return "file " + path;
  }
}
