package io.oobwatch.watchdog.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A process that starts the way oobwatch's main does, then logs at each level (LogFormatTest runs it). */
final class LogEveryLevel {
  private LogEveryLevel() {}

  public static void main(String[] args) {
    LogFormat.configure(System.getenv());
    Logger log = LoggerFactory.getLogger("io.oobwatch.watchdog.test");
    log.debug("debug line");
    log.info("info line");
    log.warn("warning line", new IllegalStateException("boom"));
    log.error("error line");
    System.err.println("oobwatch not started: example");
  }
}
