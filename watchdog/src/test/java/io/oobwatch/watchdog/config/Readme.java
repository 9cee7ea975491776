package io.oobwatch.watchdog.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project's README as the config tests read its examples. */
public final class Readme {
  private Readme() {}

  /** The first yaml block after {@code heading} (the start of a heading line, e.g. "## Datadog\n"). */
  public static String firstYamlAfter(String heading) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf("\n" + heading);
    if (section < 0) {
      throw new AssertionError("README.md has no heading " + heading.strip());
    }
    int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
    return readme.substring(start, readme.indexOf("```\n", start));
  }
}
