package io.oobwatch.watchdog.server;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: for each metric family a
 * {@code # HELP} and a {@code # TYPE} line, then its samples, {@code name{label="value"} value},
 * one per line, each line ending in {@code \n}. Label values escape backslash, double quote and
 * line feed; help text escapes backslash and line feed. Names are checked, so a typo is a bug found
 * by the tests, not a scrape error found in production. Not thread-safe: one writer per scrape.
 */
public final class Exposition {
  /** The Content-Type of the format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  public enum Type {
    COUNTER,
    GAUGE,
    HISTOGRAM
  }

  private final StringBuilder out = new StringBuilder(4096);
  private final Set<String> families = new HashSet<>();
  private String family;
  private Type type;

  /** Starts a metric family; every family is written once, its samples right after it. */
  public Exposition family(String name, Type type, String help) {
    if (!METRIC.matcher(name).matches() || name.startsWith("__")) {
      throw new IllegalArgumentException("not a metric name: " + name);
    }
    if (!families.add(name)) {
      throw new IllegalArgumentException("metric family " + name + " written twice");
    }
    this.family = name;
    this.type = type;
    out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type.name().toLowerCase(java.util.Locale.ROOT)).append('\n');
    return this;
  }

  /**
   * One sample of the current family (a counter or a gauge).
   *
   * @param labels name, value, name, value, ...
   */
  public Exposition sample(double value, String... labels) {
    if (type == Type.HISTOGRAM || family == null) {
      throw new IllegalStateException("sample() needs a counter or gauge family first; use histogram()");
    }
    line(family, labels, null, value);
    return this;
  }

  /**
   * One histogram of the current family: cumulative {@code _bucket} lines ({@code le} ascending,
   * ending in {@code +Inf}), {@code _sum} and {@code _count}.
   *
   * @param upperBounds the finite bucket bounds, ascending
   * @param counts observations per bucket (not cumulative), one more than the bounds: the last is
   *     the observations above the largest bound
   */
  public Exposition histogram(double[] upperBounds, long[] counts, double sum, String... labels) {
    if (type != Type.HISTOGRAM) {
      throw new IllegalStateException("histogram() needs a histogram family first");
    }
    if (counts.length != upperBounds.length + 1) {
      throw new IllegalArgumentException("counts needs one more entry than upperBounds (the +Inf bucket)");
    }
    long cumulative = 0;
    for (int i = 0; i < counts.length; i++) {
      cumulative += counts[i];
      String le = i < upperBounds.length ? number(upperBounds[i]) : "+Inf";
      line(family + "_bucket", labels, le, cumulative);
    }
    line(family + "_sum", labels, null, sum);
    line(family + "_count", labels, null, cumulative);
    return this;
  }

  public String text() {
    return out.toString();
  }

  private void line(String name, String[] labels, String le, double value) {
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name, value pairs");
    }
    out.append(name);
    if (labels.length > 0 || le != null) {
      out.append('{');
      for (int i = 0; i < labels.length; i += 2) {
        if (!LABEL.matcher(labels[i]).matches() || labels[i].startsWith("__") || labels[i].equals("le")) {
          throw new IllegalArgumentException("not a usable label name: " + labels[i]);
        }
        out.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(escapeLabel(labels[i + 1])).append('"');
      }
      if (le != null) {
        out.append(labels.length == 0 ? "" : ",").append("le=\"").append(le).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(number(value)).append('\n');
  }

  /** A sample value: integers without a decimal point, else Java's shortest exact form; NaN, +Inf, -Inf. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  static String escapeLabel(String s) {
    return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static String escapeHelp(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }
}
