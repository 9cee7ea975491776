package io.oobwatch.watchdog.statuspage;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium, headless, driven by Selenium through Debian's chromedriver: both paths are
 * given, so Selenium Manager never looks for (or downloads) a browser or driver. A fresh profile per
 * browser. Under {@code CI=true} a missing browser fails the test (.ci/run installs it); elsewhere
 * the test is skipped with the reason.
 */
public final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** A laptop, and a phone (an iPhone 12's CSS pixels). */
  public static final Dimension DESKTOP = new Dimension(1280, 1000);
  public static final Dimension PHONE = new Dimension(390, 844);
  /** Chromium will not make a window narrower than about 500 px; below this, a phone is emulated. */
  static final int MIN_WINDOW_WIDTH = 600;

  private final ChromeDriver driver;
  private final Path profile;
  /** System.nanoTime() of the last screenshot saved; 0 before the first. */
  private volatile long lastScreenshot;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** A headless chromium of {@code size}, or the test is skipped (failed under CI) without one. */
  public static Browser start(Dimension size) {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      String why = "the status page is tested in a real browser and needs " + CHROMIUM + " and " + CHROMEDRIVER
          + " (apt-get install chromium chromium-driver; .ci/run installs them)";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("CI=true: " + why);
      }
      System.err.println("SKIPPED: " + why);
      Assumptions.abort(why);
    }
    try {
      Path profile = Files.createTempDirectory("oobwatch-chromium-");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-dev-shm-usage", "--user-data-dir=" + profile,
          "--window-size=" + size.getWidth() + "," + size.getHeight());
      if (size.getWidth() < MIN_WINDOW_WIDTH) {
        // a desktop window cannot be this narrow: emulate the phone's screen (CSS pixels, touch)
        options.setExperimentalOption("mobileEmulation", java.util.Map.of("deviceMetrics",
            java.util.Map.of("width", size.getWidth(), "height", size.getHeight(), "pixelRatio", 2.0, "touch", true)));
      }
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
      return new Browser(driver, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ChromeDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** The page's text inside {@code css}, or "" when nothing matches (the page may be mid-refresh). */
  public String text(String css) {
    try {
      List<WebElement> found = all(css);
      return found.isEmpty() ? "" : found.get(0).getText();
    } catch (org.openqa.selenium.StaleElementReferenceException e) {
      return "";
    }
  }

  /**
   * Forgets what the open page kept (its cookies, its origin's session and local storage) and leaves
   * it for a blank page, so that the next page opened starts from nothing kept, as in a fresh profile.
   */
  public void forget() {
    driver.manage().deleteAllCookies();
    if (driver.getCurrentUrl().startsWith("http")) {
      driver.executeScript("window.sessionStorage.clear(); window.localStorage.clear();");
    }
    driver.get("about:blank");
  }

  /** Saves a screenshot to {@code target/screenshots/NAME.png} for a person to look at; returns its path. */
  public Path screenshot(String name) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "screenshots"));
      Path to = dir.resolve(name + ".png");
      Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), to, StandardCopyOption.REPLACE_EXISTING);
      lastScreenshot = System.nanoTime();
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether a screenshot was saved after {@code nanoTime} (a {@link System#nanoTime()}). */
  boolean screenshotSince(long nanoTime) {
    long last = lastScreenshot;
    return last != 0 && last - nanoTime > 0;
  }

  /** Whether the page scrolls sideways: wider than the window. */
  public boolean overflowsSideways() {
    Object wide = driver.executeScript(
        "return document.documentElement.scrollWidth > document.documentElement.clientWidth;");
    return Boolean.TRUE.equals(wide);
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temp dir left behind
      }
    }
  }
}
