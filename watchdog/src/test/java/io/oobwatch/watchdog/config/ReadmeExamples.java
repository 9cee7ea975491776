package io.oobwatch.watchdog.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** The README's yaml examples, as the config tests read them to prove them valid. */
final class ReadmeExamples {
  private ReadmeExamples() {}

  /** The first yaml block after the README's heading that starts with {@code heading} ("## Datadog"). */
  static String after(String heading) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf("\n" + heading);
    if (section < 0) {
      throw new IllegalStateException("README.md has no heading " + heading);
    }
    int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
    return readme.substring(start, readme.indexOf("```\n", start));
  }
}
