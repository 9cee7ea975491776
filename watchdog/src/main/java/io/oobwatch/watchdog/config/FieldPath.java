package io.oobwatch.watchdog.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * A field of an inference record, addressed through nested objects by dots: {@code model.id},
 * {@code usage.total_tokens}.
 */
public record FieldPath(String path, List<String> parts) {
  public FieldPath {
    Objects.requireNonNull(path, "path");
    parts = List.copyOf(parts);
  }

  public static FieldPath of(String path) {
    if (path.isEmpty() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
      throw new IllegalArgumentException("a field path is names joined by dots, like model.id; got \"" + path + "\"");
    }
    return new FieldPath(path, List.of(path.split("\\.")));
  }

  /** The field's node, or null when the record lacks it (or holds JSON null). */
  public JsonNode find(JsonNode record) {
    JsonNode n = record;
    for (String p : parts) {
      n = n == null || !n.isObject() ? null : n.get(p);
    }
    return n == null || n.isNull() || n.isMissingNode() ? null : n;
  }

  @Override
  public String toString() {
    return path;
  }
}
