package io.oobwatch.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies between watchdog's main packages flow one way: read from the sources, every mention
 * of {@code io.oobwatch.watchdog.PACKAGE.} (imports and qualified names) is an edge.
 */
class PackageDependenciesTest {
  static final Path MAIN = Path.of("src/main/java/io/oobwatch/watchdog");
  static final Pattern MENTION = Pattern.compile("\\bio\\.oobwatch\\.watchdog\\.([a-z0-9_]+)\\.");

  /** Package → the other watchdog packages its main sources mention. */
  static Map<String, Set<String>> graph() {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = MAIN.relativize(f).getName(0).toString();
        Set<String> deps = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
        Matcher m = MENTION.matcher(Files.readString(f));
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            deps.add(m.group(1));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return graph;
  }

  /** Every cycle found by a depth-first walk, each as "a -> b -> a". */
  static List<String> cycles(Map<String, Set<String>> graph) {
    List<String> out = new ArrayList<>();
    Set<String> done = new TreeSet<>();
    for (String start : new TreeSet<>(graph.keySet())) { // in name order, so a cycle is reported from the same package every run
      walk(start, graph, new ArrayList<>(), done, out);
    }
    return out;
  }

  private static void walk(String at, Map<String, Set<String>> graph, List<String> path, Set<String> done,
      List<String> out) {
    int seen = path.indexOf(at);
    if (seen >= 0) {
      List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
      cycle.add(at);
      out.add(String.join(" -> ", cycle));
      return;
    }
    if (done.contains(at)) {
      return;
    }
    path.add(at);
    for (String next : graph.getOrDefault(at, Set.of())) {
      walk(next, graph, path, done, out);
    }
    path.remove(path.size() - 1);
    done.add(at);
  }

  @Test
  void theSourcesAreReadSoTheGraphHasTheDaemonsEdges() {
    assertThat(graph()).containsKeys("daemon", "store", "page", "detect", "alert")
        .hasEntrySatisfying("daemon", deps -> assertThat(deps).contains("store", "page", "alert"));
  }

  @Test
  void noPackageCycleAmongTheWatchdogsMainPackages() {
    assertThat(cycles(graph())).as("package cycles").isEmpty();
  }

  @Test
  void aCycleIsFoundWhereTwoPackagesMentionEachOther() {
    Map<String, Set<String>> g = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
    assertThat(cycles(g)).containsExactly("a -> b -> c -> a");
  }

  @Test
  void theStoreKnowsNeitherPagesNorRules() {
    assertThat(graph().get("store")).doesNotContain("page", "detect");
  }

  @Test
  void theRulesKnowNoStore() {
    assertThat(graph().get("detect")).doesNotContain("store");
  }
}
