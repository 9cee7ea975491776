package io.oobwatch.probes;

import java.time.Duration;
import java.util.Map;

/**
 * One kind's settings as written in the config file, as the kind reads them. Each getter records a
 * problem (with the file, line, column and key path) instead of throwing, and returns a default, so
 * that one pass reports every mistake of the file.
 */
public interface Settings {
  /** A string; a missing key is an error whose text ends with {@code hint}. Null when missing or wrong. */
  String requiredString(String key, String hint);

  /** A string, or {@code dflt} when the key is absent. */
  String string(String key, String dflt);

  /** A mapping of string keys to string values ({@code headers}, {@code properties}); empty when absent. */
  Map<String, String> strings(String key);

  /** A duration like {@code 30s}, above zero and at most a week. */
  Duration duration(String key, Duration dflt);

  /** A duration like {@code 30s} within {@code [min, max]}; a value outside says the range. */
  Duration duration(String key, Duration dflt, Duration min, Duration max);

  /**
   * A secret, read from {@code KEY_file} (a file's first line) or written as {@code KEY: ${ENV}};
   * an inline value is refused so that no secret lives in the config. Null when absent.
   */
  String secret(String key, boolean required);

  /** Whether the key is written (even when its value is wrong). */
  boolean has(String key);

  /** Records a problem with the value of {@code key}. */
  void error(String key, String message);

  /** Records a problem with these settings as a whole. */
  void invalid(String message);

  /** How many problems the whole file has so far: a kind compares it before and after reading. */
  int errors();

  /** The bound of each call to the target, {@code timeout}: 10s unless written, 100ms to 5m. */
  default Duration timeout() {
    return duration("timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5));
  }

  /** A required http:// or https:// URL. */
  default String url(String key, String hint) {
    String url = requiredString(key, hint);
    if (url != null && !url.startsWith("http://") && !url.startsWith("https://")) {
      error(key, "\"" + url + "\" is not an http:// or https:// URL");
    }
    return url;
  }
}
