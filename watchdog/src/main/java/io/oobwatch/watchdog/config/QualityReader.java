package io.oobwatch.watchdog.config;

import io.oobwatch.probes.Kind;
import io.oobwatch.probes.SignalSource;
import io.oobwatch.probes.Use;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a pipeline's {@code tap:}, {@code quality:}, {@code cost:} and {@code prices:}. Each signal
 * is a named map whose keys say what it is: {@code in}/{@code not_in} a rate; {@code
 * mean_below}/{@code mean_above} or {@code pNN_below}/{@code pNN_above} a figure against a
 * threshold; {@code max} a single request's tokens; {@code forecast_cap} the day's spend. The tap's
 * {@code fields:} says where records hold the request and session ids, the model and the tokens.
 */
final class QualityReader {
  static final Pattern QUANTILE = Pattern.compile("p(\\d{1,2}(?:\\.\\d+)?)_(below|above)");
  private static final String WHAT = "say what pages: in: [...] or not_in: [...] (a rate), mean_below, mean_above,"
      + " p95_below or p95_above (a figure), max (one request's tokens) or forecast_cap (the day's spend)";

  private QualityReader() {}

  /** The pipeline's quality and cost watch; null when it has none. */
  static Config.Quality read(Reader r, Reader.Obj p) {
    boolean any = p.has("quality") || p.has("cost");
    Reader.Obj tapObj = p.obj("tap");
    if (!any && tapObj == null) {
      if (p.has("prices")) {
        p.error("prices", "a price table is used by cost signals only; add cost: (e.g. daily_spend: { field: cost_usd,"
            + " forecast_cap: 500 }) or remove prices:");
      }
      return null;
    }
    if (tapObj == null) {
      p.missing("tap", "quality and cost signals are read by oobwatch's own tap on the log stream, e.g. tap: { kafka:"
          + " { bootstrap: \"kafka-1:9092\", topic: inference-logs } }");
    }
    Config.TapSpec tap = null;
    RecordFields fields = RecordFields.DEFAULT;
    if (tapObj != null) {
      Reader.Obj kinds = tapObj;
      if (tapObj.node.view().containsKey("fields")) {
        fields = fields(r, tapObj.obj("fields"));
        LinkedHashMap<String, YamlNode.Mapping.Entry> rest = new LinkedHashMap<>(tapObj.node.view());
        rest.remove("fields");
        kinds = new Reader.Obj(r, new YamlNode.Mapping(tapObj.mark(), rest), tapObj.path);
      }
      Map.Entry<Kind, Reader.Obj> kind = ConfigLoader.oneKind(r, kinds, Use.TAP);
      if (kind != null) {
        SignalSource.Tap source = kind.getKey().tap().read(kind.getValue());
        tap = source == null ? null : new Config.TapSpec(kind.getKey().name(), source);
        kind.getValue().done();
      }
    }
    List<Signal> signals = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (String section : List.of("quality", "cost")) {
      Reader.Obj s = p.obj(section);
      if (s == null) {
        continue;
      }
      if (s.node.view().isEmpty()) {
        s.invalid("no signals; name each, e.g. refusal_rate: { field: finish_reason, in: [content_filter] }");
      }
      for (String name : s.node.view().keySet()) {
        Reader.Obj o = s.obj(name);
        if (o == null) {
          continue;
        }
        if (!ConfigLoader.NAME.matcher(name).matches()) {
          s.error(name, "\"" + name + "\" is not a usable name; use lower-case letters, digits, '-', '_' or '.'");
        } else if (!names.add(name)) {
          s.error(name, "a signal \"" + name + "\" is already defined in quality: or cost:; signal names must be unique");
        }
        Signal signal = signal(r, o, name);
        if (signal != null) {
          signals.add(signal);
        }
        o.done();
      }
    }
    if (!any) {
      tapObj.invalid("the tap has nothing to judge; add quality: or cost: signals beside it, or remove tap:");
    }
    Pricing pricing = prices(r, p, signals, fields);
    return tap == null ? null
        : new Config.Quality(tap, new QualitySpec(fields.requestId(), fields.sessionId(), signals, pricing));
  }

  /**
   * Where a record holds what names a request and prices it; each a field path, the usual names
   * when not given.
   */
  private record RecordFields(
      FieldPath requestId, FieldPath sessionId, FieldPath model, FieldPath tokensIn, FieldPath tokensOut) {
    static final RecordFields DEFAULT = new RecordFields(FieldPath.of("request_id"), FieldPath.of("session_id"),
        FieldPath.of("model.id"), FieldPath.of("tokens_in"), FieldPath.of("tokens_out"));
  }

  /** The tap's {@code fields:}, e.g. {@code { request_id: id, tokens_in: usage.prompt_tokens }}. */
  private static RecordFields fields(Reader r, Reader.Obj o) {
    if (o == null) {
      return RecordFields.DEFAULT;
    }
    RecordFields d = RecordFields.DEFAULT;
    RecordFields f = new RecordFields(field(r, o, "request_id", d.requestId()), field(r, o, "session_id", d.sessionId()),
        field(r, o, "model", d.model()), field(r, o, "tokens_in", d.tokensIn()), field(r, o, "tokens_out", d.tokensOut()));
    o.done();
    return f;
  }

  private static FieldPath field(Reader r, Reader.Obj o, String key, FieldPath dflt) {
    YamlNode v = o.get(key);
    if (v == null) {
      return dflt;
    }
    FieldPath f = path(r, v, o.child(key));
    return f == null ? dflt : f;
  }

  private static Signal signal(Reader r, Reader.Obj o, String name) {
    List<String> kinds = new ArrayList<>();
    for (String key : o.node.view().keySet()) {
      if (key.equals("in") || key.equals("not_in") || key.equals("mean_below") || key.equals("mean_above")
          || key.equals("max") || key.equals("forecast_cap") || QUANTILE.matcher(key).matches()) {
        kinds.add(key);
      }
    }
    if (kinds.size() != 1) {
      o.node.view().keySet().forEach(o::get); // the one problem is what pages, not the keys beside it
    }
    if (kinds.isEmpty()) {
      o.invalid(WHAT);
      return null;
    }
    if (kinds.size() > 1) {
      o.error(kinds.get(1), "give one of " + String.join(", ", kinds) + ", not several; each signal pages on one condition");
      return null;
    }
    String kind = kinds.get(0);
    if (kind.equals("max")) {
      List<FieldPath> fields = new ArrayList<>();
      List<YamlNode> items = o.list("fields");
      if (!o.has("fields")) {
        o.missing("fields", "the token fields a request's size adds up, e.g. fields: [tokens_in, tokens_out]");
      }
      for (int i = 0; i < items.size(); i++) {
        FieldPath f = path(r, items.get(i), o.child("fields[" + i + "]"));
        if (f != null) {
          fields.add(f);
        }
      }
      double max = positive(r, o, "max");
      return fields.isEmpty() ? null : new Signal.RequestMax(name, fields, max);
    }
    FieldPath field = field(r, o);
    if (kind.equals("in") || kind.equals("not_in")) {
      Set<String> values = new LinkedHashSet<>();
      List<YamlNode> items = o.list(kind);
      if (items.isEmpty()) {
        o.error(kind, "list the values that count, e.g. " + kind + ": [content_filter]");
      }
      for (int i = 0; i < items.size(); i++) {
        String v = r.text(items.get(i), o.child(kind + "[" + i + "]"));
        if (v != null) {
          values.add(v);
        }
      }
      double sigma = o.has("sigma") ? positive(r, o, "sigma") : Signal.Rate.DEFAULT_SIGMA;
      int minSamples = o.integer("min_samples", 200, 1);
      Duration window = o.duration("window", Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(1));
      return field == null ? null : new Signal.Rate(name, field, values, kind.equals("not_in"), sigma, minSamples, window);
    }
    int minSamples = o.integer("min_samples", 100, 1);
    if (kind.equals("forecast_cap")) {
      double cap = positive(r, o, "forecast_cap");
      return field == null ? null : new Signal.DailySpend(name, field, cap);
    }
    Duration window = o.duration("window", Duration.ofMinutes(2), Duration.ofMinutes(1), Duration.ofHours(1));
    Double quantile = null;
    Signal.Bound bound = kind.endsWith("_below") ? Signal.Bound.BELOW : Signal.Bound.ABOVE;
    Matcher m = QUANTILE.matcher(kind);
    if (m.matches()) {
      quantile = Double.parseDouble(m.group(1)) / 100;
      if (quantile <= 0) {
        o.error(kind, "p0 is not a quantile; write p50, p95 or p99");
        return null;
      }
    }
    double threshold = number(r, o, kind);
    return field == null ? null : new Signal.Mean(name, field, bound, threshold, quantile, minSamples, window);
  }

  private static FieldPath field(Reader r, Reader.Obj o) {
    YamlNode v = o.get("field");
    if (v == null) {
      o.missing("field", "the record's field it reads, e.g. field: finish_reason (nested: model.id)");
      return null;
    }
    return path(r, v, o.child("field"));
  }

  private static FieldPath path(Reader r, YamlNode v, String at) {
    String t = r.text(v, at);
    if (t == null) {
      return null;
    }
    try {
      return FieldPath.of(t.trim());
    } catch (IllegalArgumentException e) {
      r.error(v.mark(), at, e.getMessage());
      return null;
    }
  }

  private static double number(Reader r, Reader.Obj o, String key) {
    YamlNode v = o.get(key);
    if (!(v instanceof YamlNode.Scalar s)
        || (s.type() != YamlNode.Scalar.Type.INTEGER && s.type() != YamlNode.Scalar.Type.FLOAT)
        || !Double.isFinite(Double.parseDouble(s.text()))) {
      o.error(key, "expected a number, found " + (v == null ? "nothing" : v.describe()));
      return 0;
    }
    return Double.parseDouble(s.text());
  }

  private static double positive(Reader r, Reader.Obj o, String key) {
    if (!o.has(key)) {
      return 0;
    }
    double d = number(r, o, key);
    if (d <= 0 && o.has(key)) {
      o.error(key, "must be above zero, found " + ((YamlNode.Scalar) o.get(key)).text());
    }
    return d;
  }

  /** The price table, filling in the field the cost signals read (cost_usd) where a record has none. */
  private static Pricing prices(Reader r, Reader.Obj p, List<Signal> signals, RecordFields fields) {
    Reader.Obj o = p.obj("prices");
    if (o == null) {
      return null;
    }
    FieldPath cost = null;
    for (Signal s : signals) {
      if (s instanceof Signal.DailySpend d) {
        cost = d.field();
      } else if (s instanceof Signal.Mean m && cost == null && m.field().path().contains("cost")) {
        cost = m.field();
      }
    }
    if (cost == null) {
      p.error("prices", "no cost signal reads a cost the price table could fill in; add e.g. daily_spend: { field:"
          + " cost_usd, forecast_cap: 500 } under cost:, or remove prices:");
      return null;
    }
    Map<String, Pricing.Price> perModel = new LinkedHashMap<>();
    for (String model : o.node.view().keySet()) {
      Reader.Obj m = o.obj(model);
      if (m == null) {
        continue;
      }
      for (String key : List.of("input_per_1k", "output_per_1k")) {
        if (!m.has(key)) {
          m.missing(key, "the price of 1,000 " + key.substring(0, key.indexOf('_')) + " tokens of model " + model
              + ", e.g. " + key + ": 0.0006");
        }
      }
      double in = m.has("input_per_1k") ? number(r, m, "input_per_1k") : 0;
      double out = m.has("output_per_1k") ? number(r, m, "output_per_1k") : 0;
      m.done();
      perModel.put(model, new Pricing.Price(in, out));
    }
    return new Pricing(cost, fields.model(), fields.tokensIn(), fields.tokensOut(), perModel);
  }
}
