package io.oobwatch.watchdog.config;

import io.oobwatch.probes.canary.Durations;
import io.oobwatch.probes.Kind;
import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.SignalSource;
import io.oobwatch.probes.Use;
import io.oobwatch.probes.kinds.Kinds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a pipeline's checks that need no canary: {@code freshness}, {@code volume}, {@code ratio},
 * {@code consumer_lag}, and the pipeline's {@code evaluate_every} and {@code unknown_after}. Each
 * freshness, volume and consumer-lag item names exactly one source kind beside its own settings:
 * {@code - kafka: {bootstrap, topic}\n  window: 15m}.
 */
final class ChecksReader {
  /** Observations are kept this long; a baseline cannot reach further back. */
  static final Duration HISTORY = Duration.ofDays(8);

  private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*%");

  private ChecksReader() {}

  static Config.Checks read(Reader r, Reader.Obj p) {
    Duration every = p.duration("evaluate_every", Config.Checks.DEFAULT_EVALUATE_EVERY, Duration.ofSeconds(1), Duration.ofHours(1));
    Duration unknownAfter = p.duration("unknown_after", Config.Checks.DEFAULT_UNKNOWN_AFTER, Duration.ofSeconds(10), Duration.ofDays(1));
    List<Config.Freshness> freshness = freshness(r, p);
    List<Config.Volume> volume = volume(r, p);
    List<Config.Ratio> ratios = ratios(r, p, volume);
    List<Config.ConsumerLag> lag = consumerLag(r, p);
    return new Config.Checks(every, unknownAfter, freshness, volume, ratios, lag);
  }

  private static List<Config.Freshness> freshness(Reader r, Reader.Obj p) {
    return items(r, p, Use.FRESHNESS, Kind::freshness, SignalSource.Freshness::freshness, (o, s, names) -> {
      String name = uniqueName(o, s.kind, names, "freshness checks");
      Duration maxAge = o.duration("max_age", null, Duration.ofSeconds(1), Duration.ofDays(7));
      if (maxAge == null && !o.has("max_age")) {
        o.missing("max_age", "how old the newest real record may get before it pages, e.g. max_age: 5m");
      }
      o.done();
      return new Config.Freshness(name, s.kind, s.settings, maxAge);
    });
  }

  private static List<Config.Volume> volume(Reader r, Reader.Obj p) {
    return items(r, p, Use.VOLUME, Kind::volume, SignalSource.Volume::volume, (o, s, names) -> {
      String name = uniqueName(o, s.kind, names, "volume checks");
      Duration window = o.duration("window", Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofDays(1));
      double drop = percent(r, o, "drop", 0.20, false);
      List<Duration> baselines = baselines(r, o, window);
      double min = number(r, o, "min_per_minute", 0);
      Double max = o.has("max_per_minute") ? number(r, o, "max_per_minute", 0) : null;
      if (max != null && max <= min) {
        o.error("max_per_minute", "must be above min_per_minute (" + format(min) + ")");
      }
      o.done();
      return new Config.Volume(name, s.kind, s.settings, window, drop, baselines, min, max);
    });
  }

  private static List<Config.Ratio> ratios(Reader r, Reader.Obj p, List<Config.Volume> volume) {
    List<Config.Ratio> out = new ArrayList<>();
    List<String> known = volume.stream().map(Config.Volume::name).toList();
    List<YamlNode> items = p.list("ratio");
    for (int i = 0; i < items.size(); i++) {
      Reader.Obj o = r.obj(items.get(i), p.child("ratio[" + i + "]"));
      if (o == null) {
        continue;
      }
      String sink = volumeName(o, "sink", known, "the volume check that counts what arrives, e.g. sink: elasticsearch");
      String source = volumeName(o, "source", known, "the volume check that counts what was sent, e.g. source: kafka");
      if (sink != null && sink.equals(source)) {
        o.error("source", "sink and source are both \"" + sink + "\"; compare two different volume checks");
      }
      double min = percent(r, o, "min", 0.90, true);
      Duration window = o.duration("window", Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofDays(1));
      o.done();
      out.add(new Config.Ratio(sink, source, min, window));
    }
    return out;
  }

  private static List<Config.ConsumerLag> consumerLag(Reader r, Reader.Obj p) {
    return items(r, p, Use.CONSUMER_LAG, Kind::consumerLag, SignalSource.ConsumerLag::consumerLag, (o, s, names) -> {
      String dflt = s.settings == null ? s.kind : s.settings.group();
      String name = uniqueName(o, dflt, names, "consumer_lag checks");
      int maxLag = o.integer("max_lag", 0, 0);
      Duration stalledAfter = o.duration("stalled_after", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(1));
      o.done();
      return new Config.ConsumerLag(name, s.settings, maxLag, stalledAfter);
    });
  }

  /** Reads one check item, given its one source; {@code names} holds the names taken so far. */
  private interface Item<C, T> {
    T read(Reader.Obj o, Source<C> s, Set<String> names);
  }

  /** Each item of the pipeline's list for {@code use} that names one source kind of that use, read by {@code item}. */
  private static <C, T> List<T> items(Reader r, Reader.Obj p, Use use, Function<Kind, Kind.Role<? extends C>> role,
      BiFunction<C, ProbeContext, AutoCloseable> open, Item<C, T> item) {
    List<T> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<YamlNode> items = p.list(use.noun());
    for (int i = 0; i < items.size(); i++) {
      Reader.Obj o = r.obj(items.get(i), p.child(use.noun() + "[" + i + "]"));
      Source<C> s = o == null ? null : source(r, o, use, role, open);
      if (s != null) {
        out.add(item.read(o, s, names));
      }
    }
    return out;
  }

  private record Source<C>(String kind, C settings) {}

  /**
   * The one source kind of an item, read by that kind's reader for {@code use}; null (with an
   * error) otherwise.
   */
  private static <C> Source<C> source(Reader r, Reader.Obj o, Use use, Function<Kind, Kind.Role<? extends C>> role,
      BiFunction<C, ProbeContext, AutoCloseable> open) {
    List<String> kinds = Kinds.names(use);
    String what = use.noun();
    List<String> present = new ArrayList<>();
    for (String k : kinds) {
      if (o.has(k)) {
        present.add(k);
      }
    }
    if (present.isEmpty()) {
      for (String key : o.node.view().keySet()) {
        if (Kinds.named(key).isPresent()) {
          o.error(key, what + " cannot be read from " + key + "; it is read from " + String.join(" or ", kinds));
          return null;
        }
      }
    }
    if (present.size() != 1) {
      r.error(o.mark(), o.path, present.isEmpty()
          ? "say where " + what + " is read: add one of " + String.join(", ", kinds) + " (e.g. " + kinds.get(0) + ": {...})"
          : "expected one source, found " + String.join(" and ", present) + "; give each its own " + what + " item");
      for (String k : kinds) {
        o.get(k);
      }
      return null;
    }
    String kind = present.get(0);
    Reader.Obj settings = o.obj(kind);
    if (settings == null) {
      return null;
    }
    C built = ProbeTrial.open(role.apply(Kinds.named(kind).orElseThrow()).read(settings), settings, open);
    settings.done();
    return new Source<>(kind, built);
  }

  private static String uniqueName(Reader.Obj o, String dflt, Set<String> names, String what) {
    String name = o.string("name", dflt);
    if (name != null && !names.add(name)) {
      o.error("name", "two " + what + " are named \"" + name + "\"; give each a unique name: key");
    }
    return name;
  }

  private static String volumeName(Reader.Obj o, String key, List<String> known, String hint) {
    String name = o.requiredString(key, hint);
    if (name != null && !known.contains(name)) {
      o.error(key, "\"" + name + "\" is not the name of a volume check of this pipeline (known: "
          + (known.isEmpty() ? "none" : String.join(", ", known)) + "); name a volume check, or add name: to one");
      return null;
    }
    return name;
  }

  /** A percentage written {@code 20%}, as a fraction; 100% allowed only when {@code upToAll}. */
  private static double percent(Reader r, Reader.Obj o, String key, double dflt, boolean upToAll) {
    YamlNode v = o.get(key);
    if (v == null) {
      return dflt;
    }
    String t = r.text(v, o.child(key));
    if (t == null) {
      return dflt;
    }
    java.util.regex.Matcher m = PERCENT.matcher(t.trim());
    if (!m.matches()) {
      o.error(key, "\"" + t + "\" is not a percentage; write it with a % sign, e.g. " + key + ": " + format(dflt * 100) + "%");
      return dflt;
    }
    double f = Double.parseDouble(m.group(1)) / 100;
    if (f <= 0 || f > 1 || (f == 1 && !upToAll)) {
      o.error(key, "must be above 0% and " + (upToAll ? "at most" : "below") + " 100%, found " + t.trim());
      return dflt;
    }
    return f;
  }

  private static double number(Reader r, Reader.Obj o, String key, double dflt) {
    YamlNode v = o.get(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof YamlNode.Scalar)
        || (((YamlNode.Scalar) v).type() != YamlNode.Scalar.Type.INTEGER && ((YamlNode.Scalar) v).type() != YamlNode.Scalar.Type.FLOAT)) {
      o.error(key, "expected a number of records per minute, found " + v.describe());
      return dflt;
    }
    double d = Double.parseDouble(((YamlNode.Scalar) v).text());
    if (d < 0 || !Double.isFinite(d)) {
      o.error(key, "must be zero or more, found " + ((YamlNode.Scalar) v).text());
      return dflt;
    }
    return d;
  }

  private static List<Duration> baselines(Reader r, Reader.Obj o, Duration window) {
    if (!o.has("baseline")) {
      return List.of(Duration.ofDays(1), Duration.ofDays(7));
    }
    List<YamlNode> items = o.list("baseline");
    List<Duration> out = new ArrayList<>();
    if (items.isEmpty() && o.get("baseline") instanceof YamlNode.Sequence) {
      o.error("baseline", "the list is empty; compare with the same window a day and/or a week ago: baseline: [1d, 7d]");
    }
    for (int i = 0; i < items.size(); i++) {
      String path = o.child("baseline[" + i + "]");
      String t = r.text(items.get(i), path);
      Duration d = t == null ? null : Reader.parseDuration(t.trim());
      if (t != null && d == null) {
        r.error(items.get(i).mark(), path, "\"" + t + "\" is not a duration; write e.g. 1d or 7d");
      } else if (d != null && (d.compareTo(window) < 0 || d.compareTo(HISTORY) > 0)) {
        r.error(items.get(i).mark(), path, "must lie between the window (" + Durations.format(window)
            + ") and " + HISTORY.toDays() + "d (the history oobwatch keeps), found " + t.trim());
      } else if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  private static String format(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
