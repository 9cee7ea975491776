package io.oobwatch.watchdog.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.oobwatch.probes.Kind;
import io.oobwatch.probes.Use;
import io.oobwatch.probes.kinds.Kinds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's kinds table is the registry, rendered: a kind added to the list must be documented there. */
class KindsTableTest {
  static final String BEGIN = "<!-- kinds table: generated from probes/src/main/java/io/oobwatch/probes/kinds/Kinds.java; KindsTableTest checks it -->";
  static final String END = "<!-- end of kinds table -->";

  /** The table as the registry says it: a row per kind and place it can be written. */
  static String render() {
    StringBuilder out = new StringBuilder();
    out.append("| kind | used as | written under | settings |\n");
    out.append("|---|---|---|---|\n");
    for (Kind k : Kinds.ALL) {
      boolean first = true;
      for (Use u : k.uses()) {
        out.append("| ").append(first ? "`" + k.name() + "` (" + k.system() + ")" : "")
            .append(" | ").append(u.title())
            .append(" | `").append(u.key())
            .append("` | ").append(k.role(u).doc()).append(" |\n");
        first = false;
      }
    }
    return out.toString();
  }

  @Test
  void theReadmeListsEveryKindExactlyAsTheRegistryHasIt() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    assertThat(begin).as("README.md has the marker %s", BEGIN).isNotNegative();
    assertThat(end).as("README.md has the marker %s", END).isGreaterThan(begin);
    String table = readme.substring(begin + BEGIN.length(), end).strip() + "\n";
    assertThat(table)
        .as("README.md's kinds table, between the markers, must read exactly as the registry renders it")
        .isEqualTo(render());
  }

  @Test
  void everyKindHasAUniqueNameAndCanBeWrittenSomewhere() {
    assertThat(Kinds.ALL).extracting(Kind::name).doesNotHaveDuplicates();
    assertThat(Kinds.ALL).allSatisfy(k -> assertThat(k.uses()).as(k.name()).isNotEmpty());
  }
}
