package io.oobwatch.watchdog.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the position it was written at, so every config error can name
 * {@code file:line:column}. Maps keep key order and the position of each key.
 */
sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Sequence, YamlNode.Mapping {
  Mark mark();

  /** What the value is, in words for an error message: "a map", "a list", "the text \"x\"". */
  String describe();

  /** A position in the file, 1-based. */
  record Mark(int line, int column) {}

  /**
   * A scalar. {@code text} is null for YAML null ({@code ~}, empty). {@code plain} tells whether
   * it was written unquoted (so {@code 30} is a number and {@code "30"} a string).
   */
  record Scalar(Mark mark, String text, Type type) implements YamlNode {
    enum Type {
      STRING,
      INTEGER,
      FLOAT,
      BOOLEAN,
      NULL
    }

    @Override
    public String describe() {
      switch (type) {
        case NULL:
          return "an empty value";
        case STRING:
          return "the text \"" + text + "\"";
        case BOOLEAN:
          return "the boolean " + text;
        default:
          return "the number " + text;
      }
    }
  }

  record Sequence(Mark mark, List<YamlNode> items) implements YamlNode {
    @Override
    public String describe() {
      return "a list";
    }
  }

  /** A key and where it was written. */
  record Key(String name, Mark mark) {}

  record Mapping(Mark mark, LinkedHashMap<String, Entry> entries) implements YamlNode {
    record Entry(Key key, YamlNode value) {}

    Map<String, Entry> view() {
      return entries;
    }

    @Override
    public String describe() {
      return "a map";
    }
  }
}
