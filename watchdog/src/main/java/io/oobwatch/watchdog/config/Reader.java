package io.oobwatch.watchdog.config;

import io.oobwatch.probes.Settings;
import io.oobwatch.probes.canary.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values out of a {@link YamlNode} tree, collecting every error with its position and
 * key path instead of stopping at the first. Environment references {@code ${NAME}} and
 * {@code ${NAME:-default}} are expanded in every text value.
 */
final class Reader {
  private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
  /**
   * The range of a duration key that names none: longer than zero, at most a week. A week keeps
   * every period within what an int of milliseconds holds (24 days) and is longer than anything a
   * watchdog should wait for.
   */
  static final Duration SHORTEST = Duration.ofMillis(1);
  static final Duration LONGEST = Duration.ofDays(7);

  final String file;
  final Path baseDir;
  private final Function<String, String> env;
  final List<ConfigError> errors = new ArrayList<>();

  Reader(String file, Path baseDir, Function<String, String> env) {
    this.file = file;
    this.baseDir = baseDir;
    this.env = env;
  }

  void error(YamlNode.Mark mark, String path, String message) {
    errors.add(ConfigError.at(file, mark, path, message));
  }

  /** The node as a map, or null (with an error) when it is something else. */
  Obj obj(YamlNode node, String path) {
    if (node instanceof YamlNode.Mapping) {
      return new Obj(this, (YamlNode.Mapping) node, path);
    }
    error(node.mark(), path, "expected a map of keys, found " + node.describe());
    return null;
  }

  /** Text with environment references expanded; null (with an error) when not a scalar. */
  String text(YamlNode node, String path) {
    if (!(node instanceof YamlNode.Scalar) || ((YamlNode.Scalar) node).text() == null) {
      error(node.mark(), path, "expected text, found " + node.describe());
      return null;
    }
    return expand(((YamlNode.Scalar) node).text(), node.mark(), path);
  }

  String expand(String raw, YamlNode.Mark mark, String path) {
    Matcher m = ENV.matcher(raw);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.apply(m.group(1));
      if (value == null) {
        value = m.group(2);
      }
      if (value == null) {
        error(mark, path, "environment variable " + m.group(1) + " is not set; export it, or give a default: ${"
            + m.group(1) + ":-value}");
        return null;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A written duration (see {@link Durations#parse}); null when the text is none. */
  static Duration parseDuration(String text) {
    return Durations.parse(text);
  }

  /** A map being read. Every key asked for becomes known; {@link #done()} rejects the others. */
  static final class Obj implements Settings {
    private final Reader r;
    final YamlNode.Mapping node;
    final String path;
    private final Set<String> known = new LinkedHashSet<>();

    Obj(Reader r, YamlNode.Mapping node, String path) {
      this.r = r;
      this.node = node;
      this.path = path;
    }

    String child(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    YamlNode.Mark mark() {
      return node.mark();
    }

    /** How many problems the whole file has so far. */
    @Override
    public int errors() {
      return r.errors.size();
    }

    /** A problem with this map as a whole. */
    @Override
    public void invalid(String message) {
      r.error(node.mark(), path, message);
    }

    /** The value at key, or null when absent or written empty. */
    YamlNode get(String key) {
      known.add(key);
      YamlNode.Mapping.Entry e = node.view().get(key);
      if (e == null) {
        return null;
      }
      if (e.value() instanceof YamlNode.Scalar && ((YamlNode.Scalar) e.value()).type() == YamlNode.Scalar.Type.NULL) {
        return null;
      }
      return e.value();
    }

    @Override
    public boolean has(String key) {
      return get(key) != null;
    }

    YamlNode.Mark keyMark(String key) {
      YamlNode.Mapping.Entry e = node.view().get(key);
      return e == null ? node.mark() : e.key().mark();
    }

    void missing(String key, String hint) {
      r.error(node.mark(), path, "missing required key \"" + key + "\"" + (hint.isEmpty() ? "" : "; " + hint));
    }

    @Override
    public void error(String key, String message) {
      YamlNode v = node.view().containsKey(key) ? node.view().get(key).value() : null;
      r.error(v == null ? keyMark(key) : v.mark(), child(key), message);
    }

    @Override
    public String string(String key, String dflt) {
      YamlNode v = get(key);
      return v == null ? dflt : r.text(v, child(key));
    }

    @Override
    public String requiredString(String key, String hint) {
      YamlNode v = get(key);
      if (v == null) {
        missing(key, hint);
        return null;
      }
      return r.text(v, child(key));
    }

    /** A duration between {@link #SHORTEST} and {@link #LONGEST}. */
    @Override
    public Duration duration(String key, Duration dflt) {
      return duration(key, dflt, SHORTEST, LONGEST);
    }

    /** A duration of at most {@link #LONGEST}, zero allowed when {@code zeroAllowed}. */
    Duration duration(String key, Duration dflt, boolean zeroAllowed) {
      return duration(key, dflt, zeroAllowed ? Duration.ZERO : SHORTEST, LONGEST);
    }

    /**
     * A duration from {@code min} to {@code max}, both included; zero is allowed only when
     * {@code min} is zero. A value outside is an error naming the range, and {@code dflt} is returned.
     */
    @Override
    public Duration duration(String key, Duration dflt, Duration min, Duration max) {
      YamlNode v = get(key);
      if (v == null) {
        return dflt;
      }
      String t = r.text(v, child(key));
      if (t == null) {
        return dflt;
      }
      Duration d = Durations.parse(t);
      if (d == null) {
        r.error(v.mark(), child(key), "\"" + t + "\" is not a duration; write a number and a unit: 500ms, 1.5s, 30s, 5m, 1h or 1d");
        return dflt;
      }
      if (d.isZero() && !min.isZero()) {
        r.error(v.mark(), child(key), "must be longer than zero");
        return dflt;
      }
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        r.error(v.mark(), child(key), range(min, max) + ", found " + t.strip());
        return dflt;
      }
      return d;
    }

    int integer(String key, int dflt, int min) {
      YamlNode v = get(key);
      if (v == null) {
        return dflt;
      }
      if (!(v instanceof YamlNode.Scalar) || ((YamlNode.Scalar) v).type() != YamlNode.Scalar.Type.INTEGER) {
        r.error(v.mark(), child(key), "expected a whole number, found " + v.describe());
        return dflt;
      }
      int n;
      try {
        n = Integer.parseInt(((YamlNode.Scalar) v).text());
      } catch (NumberFormatException e) {
        r.error(v.mark(), child(key), "the number " + ((YamlNode.Scalar) v).text() + " is too large");
        return dflt;
      }
      if (n < min) {
        r.error(v.mark(), child(key), "must be at least " + min + ", found " + n);
        return dflt;
      }
      return n;
    }

    boolean bool(String key, boolean dflt) {
      YamlNode v = get(key);
      if (v == null) {
        return dflt;
      }
      if (!(v instanceof YamlNode.Scalar) || ((YamlNode.Scalar) v).type() != YamlNode.Scalar.Type.BOOLEAN) {
        r.error(v.mark(), child(key), "expected true or false, found " + v.describe());
        return dflt;
      }
      return Boolean.parseBoolean(((YamlNode.Scalar) v).text());
    }

    Obj obj(String key) {
      YamlNode v = get(key);
      return v == null ? null : r.obj(v, child(key));
    }

    /** The items of a list; an absent key is an empty list. */
    List<YamlNode> list(String key) {
      YamlNode v = get(key);
      if (v == null) {
        return List.of();
      }
      if (!(v instanceof YamlNode.Sequence)) {
        r.error(v.mark(), child(key), "expected a list, found " + v.describe());
        return List.of();
      }
      return ((YamlNode.Sequence) v).items();
    }

    /** A map of text to text (headers, client properties). */
    @Override
    public Map<String, String> strings(String key) {
      Obj o = obj(key);
      Map<String, String> out = new LinkedHashMap<>();
      if (o == null) {
        return out;
      }
      for (YamlNode.Mapping.Entry e : o.node.view().values()) {
        o.known.add(e.key().name());
        String value = r.text(e.value(), o.child(e.key().name()));
        if (value != null) {
          out.put(e.key().name(), value);
        }
      }
      return out;
    }

    /** A map of free-form values (the canary's {@code record:} fields), environment expanded. */
    Map<String, Object> values(String key) {
      Obj o = obj(key);
      if (o == null) {
        return Map.of();
      }
      Map<String, Object> out = new LinkedHashMap<>();
      for (YamlNode.Mapping.Entry e : o.node.view().values()) {
        o.known.add(e.key().name());
        out.put(e.key().name(), r.plain(e.value(), o.child(e.key().name())));
      }
      return out;
    }

    /**
     * A secret: {@code KEY_file: /path} (read from the file, trimmed) or {@code KEY: ${ENV}}. An
     * inline value is refused, so a config file can be shared or committed without leaking.
     */
    @Override
    public String secret(String key, boolean required) {
      String fileKey = key + "_file";
      YamlNode inline = get(key);
      YamlNode file = get(fileKey);
      if (inline != null && file != null) {
        r.error(keyMark(fileKey), child(fileKey), "give either " + key + " or " + fileKey + ", not both");
        return null;
      }
      if (inline != null) {
        String raw = inline instanceof YamlNode.Scalar ? ((YamlNode.Scalar) inline).text() : null;
        if (raw == null || !ENV.matcher(raw.trim()).matches()) {
          r.error(inline.mark(), child(key), "a secret must not be written in the config; put it in a file and write "
              + fileKey + ": /etc/oobwatch/" + key.replace('_', '-') + ", or write " + key + ": ${ENV_VAR}");
          return null;
        }
        return r.text(inline, child(key));
      }
      if (file != null) {
        String p = r.text(file, child(fileKey));
        if (p == null) {
          return null;
        }
        Path path = r.baseDir.resolve(p);
        try {
          String value = SecretFile.read(path);
          if (value.isEmpty()) {
            r.error(file.mark(), child(fileKey), "secret file " + path + " is empty");
            return null;
          }
          return value;
        } catch (SecretFile.Unreadable e) {
          r.error(file.mark(), child(fileKey), "cannot read secret file " + path + ": " + e.getMessage());
        }
        return null;
      }
      if (required) {
        missing(fileKey, "or " + key + ": ${ENV_VAR}");
      }
      return null;
    }

    /** Reports every key that was never asked for. Call after reading all keys of this map. */
    void done() {
      for (YamlNode.Mapping.Entry e : node.view().values()) {
        String k = e.key().name();
        if (!known.contains(k)) {
          String near = nearest(k, known);
          r.error(e.key().mark(), child(k), "unknown key \"" + k + "\""
              + (near == null ? "" : "; did you mean \"" + near + "\"?")
              + " (known keys: " + String.join(", ", known) + ")");
        }
      }
    }
  }

  /** A YAML value as plain Java values (String, Long, Double, Boolean, List, Map). */
  Object plain(YamlNode node, String path) {
    if (node instanceof YamlNode.Scalar) {
      YamlNode.Scalar s = (YamlNode.Scalar) node;
      switch (s.type()) {
        case NULL:
          return null;
        case INTEGER:
          try {
            return Long.parseLong(s.text());
          } catch (NumberFormatException e) {
            return s.text();
          }
        case FLOAT:
          return Double.parseDouble(s.text());
        case BOOLEAN:
          return Boolean.parseBoolean(s.text());
        default:
          return expand(s.text(), s.mark(), path);
      }
    }
    if (node instanceof YamlNode.Sequence) {
      List<Object> out = new ArrayList<>();
      List<YamlNode> items = ((YamlNode.Sequence) node).items();
      for (int i = 0; i < items.size(); i++) {
        out.add(plain(items.get(i), path + "[" + i + "]"));
      }
      return out;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (YamlNode.Mapping.Entry e : ((YamlNode.Mapping) node).view().values()) {
      out.put(e.key().name(), plain(e.value(), path + "." + e.key().name()));
    }
    return out;
  }

  /** "must be at most 7d" or "must be between 1s and 1d", for an error message. */
  static String range(Duration min, Duration max) {
    return min.compareTo(SHORTEST) <= 0
        ? "must be at most " + Durations.write(max)
        : "must be between " + Durations.write(min) + " and " + Durations.write(max);
  }

  static String nearest(String word, Set<String> candidates) {
    String best = null;
    int bestDistance = 3;
    for (String c : candidates) {
      int d = distance(word, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
