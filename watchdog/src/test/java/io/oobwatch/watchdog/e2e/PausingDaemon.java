package io.oobwatch.watchdog.e2e;

import io.oobwatch.watchdog.config.ConfigLoader;
import io.oobwatch.watchdog.daemon.Daemon;
import io.oobwatch.watchdog.page.Pauses;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code oobwatch run} for the crash tests, with a page dispatcher that stops for good at one point of
 * sending a page, after printing {@code TEST PAUSE at POINT}, so the test can {@code kill -9} the
 * process exactly there. Arguments: CONFIG POINT, the point as {@code before-send} or {@code after-send}.
 */
final class PausingDaemon {
  private PausingDaemon() {}

  public static void main(String[] args) throws Exception {
    Path config = Path.of(args[0]);
    String name = args[1];
    Pauses.Point point = Pauses.Point.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
    Pauses holdThere = at -> {
      if (at == point) {
        System.out.println("TEST PAUSE at " + name);
        System.out.flush();
        while (true) {
          LockSupport.park();
        }
      }
    };
    Daemon.start(new ConfigLoader().load(config), Clock.systemUTC(), System.out, null, System.getenv(), holdThere);
    new CountDownLatch(1).await(); // runs until killed
  }
}
