package io.oobwatch.probes.file;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Appends one canary to the file named by the first argument with {@link FileInjector} and prints
 * "OK reason" or "FAILED reason": FileInjectorTest runs it as another user, since root may write
 * any file.
 */
final class AppendOneCanary {
  private AppendOneCanary() {}

  public static void main(String[] args) {
    Clock clock = Clock.systemUTC();
    Injection i = new FileInjector(Path.of(args[0]), clock)
        .inject(CanaryRecord.create(1, clock.instant(), "inference-logs", "wd-1", Map.of()));
    System.out.println((i.ok() ? "OK " : "FAILED ") + i.reason());
  }
}
