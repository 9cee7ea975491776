package io.oobwatch.watchdog.config;

import io.oobwatch.probes.ProbeContext;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.function.BiFunction;

/**
 * Opens the probe of freshly read settings and closes it at once, connecting to nothing (probes
 * connect on first use). Settings that read well but cannot be built (a URL without a host, a
 * header the HTTP client refuses) are then a problem of the config file, with its position, in
 * {@code validate} as in {@code run}, never a crash at start.
 */
final class ProbeTrial {
  /** Never used to connect: opening a probe only keeps a reference to it. */
  private static final ProbeContext CTX = new ProbeContext(HttpClient.newBuilder().build(), Clock.systemUTC());

  private ProbeTrial() {}

  /** {@code settings}, or null (with a problem recorded at {@code o}) when its probe cannot be built. */
  static <C> C open(C settings, Reader.Obj o, BiFunction<C, ProbeContext, AutoCloseable> open) {
    if (settings == null) {
      return null;
    }
    try (AutoCloseable probe = open.apply(settings, CTX)) {
      return settings;
    } catch (Exception e) {
      o.invalid("cannot build its probe: " + e.getMessage() + "; correct these settings");
      return null;
    }
  }
}
