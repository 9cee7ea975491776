package io.oobwatch.watchdog.statuspage;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

/** What a browser test leaves in target/screenshots when it ends, with a real browser. */
class ScreenshotsTest {
  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

  @Test
  void aFailingTestLeavesWhatItsBrowserShowedAndAPassingOneThatSavedNoneGetsOneToo() throws Exception {
    Method test = getClass().getDeclaredMethod("aFailingTestLeavesWhatItsBrowserShowedAndAPassingOneThatSavedNoneGetsOneToo");
    Path failed = Path.of("target", "screenshots", "FAILED-" + test.getName() + ".png");
    Path passed = Path.of("target", "screenshots", "ScreenshotsTest-" + test.getName() + ".png");
    Path own = Path.of("target", "screenshots", "own.png");
    Files.deleteIfExists(failed);
    Files.deleteIfExists(passed);
    try (Browser browser = Browser.start(Browser.DESKTOP)) {
      Screenshots screenshots = new Screenshots(() -> browser);
      browser.open("data:text/html,<h1>what the test saw</h1>");

      run(screenshots, test, new AssertionError("expected the red hop"), () -> browser.screenshot("own"));
      assertThat(Files.readAllBytes(failed)).startsWith(PNG);

      run(screenshots, test, null, () -> browser.screenshot("own"));
      assertThat(passed).doesNotExist();

      run(screenshots, test, null, () -> { });
      assertThat(Files.readAllBytes(passed)).startsWith(PNG);
    } finally {
      // not left among the browser tests' screenshots, where a FAILED one would mislead
      for (Path p : new Path[] {failed, passed, own}) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** One test's run as JUnit drives the extension: before, the body, after (with how it ended). */
  static void run(Screenshots screenshots, Method test, Throwable failure, Runnable body) {
    ExtensionContext context = (ExtensionContext) Proxy.newProxyInstance(ScreenshotsTest.class.getClassLoader(),
        new Class<?>[] {ExtensionContext.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getExecutionException" -> Optional.ofNullable(failure);
          case "getRequiredTestMethod" -> test;
          case "getRequiredTestClass" -> ScreenshotsTest.class;
          default -> throw new UnsupportedOperationException(method.getName());
        });
    screenshots.beforeTestExecution(context);
    body.run();
    screenshots.afterTestExecution(context);
  }
}
