package io.oobwatch.watchdog.server;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4 for tests: every line must be a HELP, a TYPE
 * or a sample of the family most recently typed; a family is described once, HELP and TYPE before
 * its samples; label values are unescaped; histogram buckets are cumulative, end in
 * {@code le="+Inf"} and agree with {@code _count}. Anything else fails with the line number.
 */
public final class PrometheusText {
  private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)");
  private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*)\\})? "
          + "([-+]?(?:[0-9]+(?:\\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|Inf|NaN))");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One sample: its series name, labels (unescaped) and value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  public final Map<String, String> help = new LinkedHashMap<>();
  public final Map<String, String> types = new LinkedHashMap<>();
  public final List<Sample> samples = new ArrayList<>();

  public static PrometheusText parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new AssertionError("the exposition must end with a line feed");
    }
    PrometheusText p = new PrometheusText();
    String family = null;
    Set<String> seen = new HashSet<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      String where = "line " + (i + 1) + ": " + line;
      Matcher m;
      if ((m = HELP.matcher(line)).matches()) {
        if (!seen.add(m.group(1))) {
          throw new AssertionError("family described twice, " + where);
        }
        family = m.group(1);
        p.help.put(family, m.group(2).replace("\\n", "\n").replace("\\\\", "\\"));
      } else if ((m = TYPE.matcher(line)).matches()) {
        if (!m.group(1).equals(family) || p.types.containsKey(family)) {
          throw new AssertionError("TYPE must follow its family's HELP, once, " + where);
        }
        p.types.put(family, m.group(2));
      } else if ((m = SAMPLE.matcher(line)).matches()) {
        String name = m.group(1);
        if (family == null || !p.types.containsKey(family) || !belongs(name, family, p.types.get(family))) {
          throw new AssertionError("sample outside its family " + family + ", " + where);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(2) != null) {
          Matcher l = LABEL.matcher(m.group(2));
          while (l.find()) {
            if (labels.put(l.group(1), unescape(l.group(2))) != null) {
              throw new AssertionError("label repeated, " + where);
            }
          }
        }
        p.samples.add(new Sample(name, labels, value(m.group(3))));
      } else {
        throw new AssertionError("not a HELP, TYPE or sample line, " + where);
      }
    }
    p.checkHistograms();
    return p;
  }

  private static boolean belongs(String name, String family, String type) {
    if (type.equals("histogram")) {
      return name.equals(family + "_bucket") || name.equals(family + "_sum") || name.equals(family + "_count");
    }
    return name.equals(family);
  }

  private static double value(String v) {
    return switch (v) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(v);
    };
  }

  private static String unescape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        char n = s.charAt(++i);
        out.append(n == 'n' ? '\n' : n);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private void checkHistograms() {
    types.forEach((family, type) -> {
      if (!type.equals("histogram")) {
        return;
      }
      Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
      for (Sample s : samples) {
        if (s.name().equals(family + "_bucket")) {
          Map<String, String> key = new LinkedHashMap<>(s.labels());
          key.remove("le");
          buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
        }
      }
      buckets.forEach((labels, bs) -> {
        double prevLe = Double.NEGATIVE_INFINITY;
        double prevCount = 0;
        for (Sample b : bs) {
          double le = value(b.labels().get("le"));
          if (le <= prevLe || b.value() < prevCount) {
            throw new AssertionError(family + labels + ": buckets must ascend in le and be cumulative");
          }
          prevLe = le;
          prevCount = b.value();
        }
        if (prevLe != Double.POSITIVE_INFINITY) {
          throw new AssertionError(family + labels + ": the last bucket must be le=\"+Inf\"");
        }
        if (value(family + "_count", labels) != prevCount) {
          throw new AssertionError(family + labels + ": _count must equal the +Inf bucket");
        }
        value(family + "_sum", labels);
      });
    });
  }

  /** The value of the one sample with this name and exactly these labels. */
  public double value(String name, Map<String, String> labels) {
    List<Sample> found = samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels)).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one sample " + name + labels + ", found " + found.size());
    }
    return found.get(0).value();
  }

  /** As {@link #value(String, Map)}, labels given as name, value, ... */
  public double value(String name, String... labels) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      m.put(labels[i], labels[i + 1]);
    }
    return value(name, m);
  }
}
