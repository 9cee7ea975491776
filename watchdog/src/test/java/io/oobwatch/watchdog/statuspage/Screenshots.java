package io.oobwatch.watchdog.statuspage;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Saves a screenshot of a test's browser to target/screenshots when the test ends, for a person to
 * look at: {@code FAILED-<test>.png} when it failed, or {@code <class>-<test>.png} when it passed
 * without saving one itself. It runs before {@code @AfterEach}, while the page is still the one the
 * test saw. A test that opened no browser has none.
 */
final class Screenshots implements BeforeTestExecutionCallback, AfterTestExecutionCallback {
  private final Supplier<Browser> browser;
  private long started;

  /** @param browser the browser the test has open, or null */
  Screenshots(Supplier<Browser> browser) {
    this.browser = browser;
  }

  @Override
  public void beforeTestExecution(ExtensionContext context) {
    started = System.nanoTime();
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    Browser b = browser.get();
    boolean failed = context.getExecutionException().isPresent();
    if (b == null || !failed && b.screenshotSince(started)) {
      return;
    }
    String test = context.getRequiredTestMethod().getName();
    String name = failed ? "FAILED-" + test : context.getRequiredTestClass().getSimpleName() + "-" + test;
    try {
      System.err.println("screenshot: " + b.screenshot(name).toAbsolutePath());
    } catch (RuntimeException e) {
      // a browser that died with the test has no screenshot to give; the test's own failure stands
      System.err.println("no screenshot of " + test + ": " + e);
    }
  }
}
