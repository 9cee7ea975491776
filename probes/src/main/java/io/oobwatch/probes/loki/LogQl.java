package io.oobwatch.probes.loki;

import java.util.regex.Pattern;

/** The LogQL that oobwatch writes itself; only the stream selector comes from the config. */
final class LogQl {
  /** {@code {name="value", name=~"regex", ...}}: what Loki accepts as a stream selector, at least one matcher. */
  private static final Pattern SELECTOR = Pattern.compile(
      "\\{\\s*[A-Za-z_][A-Za-z0-9_]*\\s*(=|!=|=~|!~)\\s*\"(?:[^\"\\\\]|\\\\.)*\"\\s*"
          + "(,\\s*[A-Za-z_][A-Za-z0-9_]*\\s*(=|!=|=~|!~)\\s*\"(?:[^\"\\\\]|\\\\.)*\"\\s*)*}");

  private LogQl() {}

  /** What is wrong with a stream selector, or null when Loki would accept it. */
  static String selectorProblem(String selector) {
    if (selector == null || selector.isBlank()) {
      return "a stream selector is required, e.g. selector: '{service=\"inference\"}'";
    }
    if (!SELECTOR.matcher(selector.strip()).matches()) {
      return "\"" + selector + "\" is not a LogQL stream selector; write label matchers in braces, e.g."
          + " '{service=\"inference\", env=\"prod\"}' (no filters: oobwatch adds them)";
    }
    return null;
  }
}
