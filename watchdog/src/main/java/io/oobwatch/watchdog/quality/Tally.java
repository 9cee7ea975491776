package io.oobwatch.watchdog.quality;

import io.oobwatch.watchdog.config.QualitySpec;

import io.oobwatch.watchdog.config.Pricing;

import io.oobwatch.watchdog.config.FieldPath;

import io.oobwatch.watchdog.config.Signal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the tap keeps of a span of records (a minute, a window, an hour), never the records: how
 * many, per rate how many had its field and how many of those match its selector (with a few
 * example request ids), per numeric field a count, sum, sum of squares, a {@link Sketch} and the
 * request ids of its lowest and highest values, per request signal the largest requests with
 * their request and session ids, and the records it could not use, by problem. Tallies of
 * adjacent spans {@link #merge}; {@link #encode} is the compact stored form. Not thread-safe.
 *
 * <p>A record without a rate's field (or with an object there) is left out of that rate: it is
 * counted as a problem, and neither raises nor dilutes the rate.
 */
public final class Tally {
  /** 2 added each rate's judged records and each field's extreme requests; 1 is still read. */
  private static final int VERSION = 2;

  private long records;
  private long synthetic;
  private final Map<Problem, Long> problems = new TreeMap<>();
  private final Map<String, Long> matches = new TreeMap<>();
  /** Per rate, the records that had its field. */
  private final Map<String, Long> judged = new TreeMap<>();
  /** Records from version-1 tallies, which did not keep {@link #judged}: judged by every rate, as then. */
  private long unsplit;
  private final Map<String, Deque<String>> examples = new TreeMap<>();
  private final Map<String, Measure> measures = new TreeMap<>();
  private final Map<String, List<Request>> top = new TreeMap<>();

  /** A record the tap could not use (fully), and why. */
  public record Problem(Kind kind, String field) implements Comparable<Problem> {
    public enum Kind {
      NOT_JSON("not JSON"),
      TOO_LARGE("over 1 MB"),
      MISSING("missing"),
      WRONG_TYPE("wrong type");

      final String words;

      Kind(String words) {
        this.words = words;
      }
    }

    /** "missing confidence", "not JSON". */
    @Override
    public String toString() {
      return field.isEmpty() ? kind.words : kind.words + " " + field;
    }

    @Override
    public int compareTo(Problem o) {
      int c = kind.compareTo(o.kind);
      return c != 0 ? c : field.compareTo(o.field);
    }
  }

  /** One request: its ids, its tokens, and when it was logged (epoch second). */
  public record Request(String id, String session, double tokens, long at) {}

  /** A request and its value of a numeric field. */
  public record Example(String id, double value) {}

  private static final Comparator<Example> BY_VALUE = Comparator.comparingDouble(Example::value);
  private static final Comparator<Example> BY_VALUE_DOWN = BY_VALUE.reversed();

  /** A numeric field's count, sum, sum of squares and sketch. */
  public static final class Measure {
    long count;
    double sum;
    double sumSquares;
    final Sketch sketch;
    /** The requests of the lowest values, lowest first, and of the highest, highest first. */
    final List<Example> lowest = new ArrayList<>(QualitySpec.EXAMPLES + 1);
    final List<Example> highest = new ArrayList<>(QualitySpec.EXAMPLES + 1);

    Measure() {
      this(new Sketch());
    }

    private Measure(Sketch sketch) {
      this.sketch = sketch;
    }

    void add(double v, String requestId) {
      count++;
      sum += v;
      sumSquares += v * v;
      sketch.add(v);
      if (requestId != null) {
        offer(lowest, requestId, v, BY_VALUE);
        offer(highest, requestId, v, BY_VALUE_DOWN);
      }
    }

    void merge(Measure o) {
      count += o.count;
      sum += o.sum;
      sumSquares += o.sumSquares;
      sketch.merge(o.sketch);
      o.lowest.forEach(e -> offer(lowest, e.id(), e.value(), BY_VALUE));
      o.highest.forEach(e -> offer(highest, e.id(), e.value(), BY_VALUE_DOWN));
    }

    // keeps the first EXAMPLES in order, the new one among them if it belongs there
    private static void offer(List<Example> list, String id, double value, Comparator<Example> order) {
      if (list.size() >= QualitySpec.EXAMPLES) {
        double last = list.get(list.size() - 1).value();
        if (order == BY_VALUE ? value >= last : value <= last) {
          return;
        }
      }
      list.add(new Example(id, value));
      list.sort(order);
      if (list.size() > QualitySpec.EXAMPLES) {
        list.remove(list.size() - 1);
      }
    }

    /** The requests of the lowest values seen, lowest first (at most {@value QualitySpec#EXAMPLES}). */
    public List<Example> lowest() {
      return List.copyOf(lowest);
    }

    /** The requests of the highest values seen, highest first (at most {@value QualitySpec#EXAMPLES}). */
    public List<Example> highest() {
      return List.copyOf(highest);
    }

    public long count() {
      return count;
    }

    public double sum() {
      return sum;
    }

    public double mean() {
      return count == 0 ? Double.NaN : sum / count;
    }

    /** The standard error of the mean (sample standard deviation over √n). */
    public double standardError() {
      if (count < 2) {
        return Double.NaN;
      }
      double variance = Math.max(0, (sumSquares - sum * sum / count) / (count - 1));
      return Math.sqrt(variance / count);
    }

    /** Within {@value Sketch#ACCURACY} of the value at rank q. */
    public double quantile(double q) {
      return sketch.quantile(q);
    }
  }

  /** Records counted (synthetic ones left out). */
  public long records() {
    return records;
  }

  /** Canaries and other records marked {@code synthetic: true}, left out of everything else. */
  public long synthetic() {
    return synthetic;
  }

  /** The records that had a rate's field: its denominator. */
  public long judged(String rate) {
    return judged.getOrDefault(rate, 0L) + unsplit;
  }

  /** The records matching a rate's selector. */
  public long matches(String rate) {
    return matches.getOrDefault(rate, 0L);
  }

  /** The latest request ids that matched a rate's selector, newest last. */
  public List<String> examples(String rate) {
    return List.copyOf(examples.getOrDefault(rate, new ArrayDeque<>()));
  }

  /** A numeric field's figures; an empty measure when no record had it. */
  public Measure measure(String field) {
    return measures.getOrDefault(field, new Measure());
  }

  /** The largest requests of a request signal, largest first. */
  public List<Request> top(String signal) {
    return List.copyOf(top.getOrDefault(signal, List.of()));
  }

  public Map<Problem, Long> problems() {
    return java.util.Collections.unmodifiableMap(problems);
  }

  void problem(Problem.Kind kind, String field) {
    problems.merge(new Problem(kind, field), 1L, Long::sum);
  }

  /** Counts one parsed record under the spec's signals. */
  void add(JsonNode record, QualitySpec spec, long epochSecond) {
    JsonNode synth = record.get("synthetic");
    if (synth != null && synth.asBoolean(false)) {
      synthetic++;
      return;
    }
    records++;
    String requestId = text(record, spec.requestId());
    java.util.Set<String> measured = new java.util.HashSet<>(4);
    for (Signal s : spec.signals()) {
      if (s instanceof Signal.Rate r) {
        rate(r, record, requestId);
      } else if (s instanceof Signal.Mean m) {
        numeric(m.field(), record, spec.pricing(), measured, requestId);
      } else if (s instanceof Signal.DailySpend d) {
        numeric(d.field(), record, spec.pricing(), measured, requestId);
      } else if (s instanceof Signal.RequestMax x) {
        request(x, record, spec, requestId, epochSecond, measured);
      }
    }
  }

  private void rate(Signal.Rate r, JsonNode record, String requestId) {
    JsonNode v = r.field().find(record);
    if (v == null) {
      problem(Problem.Kind.MISSING, r.field().path());
      return;
    }
    if (!v.isValueNode()) {
      problem(Problem.Kind.WRONG_TYPE, r.field().path());
      return;
    }
    judged.merge(r.name(), 1L, Long::sum);
    if (r.values().contains(v.asText()) != r.notIn()) {
      matches.merge(r.name(), 1L, Long::sum);
      if (requestId != null) {
        Deque<String> ex = examples.computeIfAbsent(r.name(), k -> new ArrayDeque<>());
        ex.addLast(requestId);
        if (ex.size() > QualitySpec.EXAMPLES) {
          ex.removeFirst();
        }
      }
    }
  }

  /** @param measured the fields already measured in this record: several signals may read one field */
  private Double numeric(FieldPath field, JsonNode record, Pricing pricing, java.util.Set<String> measured,
      String requestId) {
    Double v = number(field, record, pricing);
    if (v != null && measured.add(field.path())) {
      measures.computeIfAbsent(field.path(), k -> new Measure()).add(v, requestId);
    }
    return v;
  }

  // the field's number, the price table's cost for the cost field, or null (counted as a problem)
  private Double number(FieldPath field, JsonNode record, Pricing pricing) {
    JsonNode v = field.find(record);
    if (v == null && pricing != null && pricing.cost().equals(field)) {
      return priced(record, pricing);
    }
    if (v == null) {
      problem(Problem.Kind.MISSING, field.path());
      return null;
    }
    if (!v.isNumber()) {
      problem(Problem.Kind.WRONG_TYPE, field.path());
      return null;
    }
    return v.asDouble();
  }

  private Double priced(JsonNode record, Pricing pricing) {
    String model = text(record, pricing.model());
    Pricing.Price price = model == null ? null : pricing.perModel().get(model);
    JsonNode in = pricing.inputTokens().find(record);
    JsonNode out = pricing.outputTokens().find(record);
    if (price == null || in == null || out == null || !in.isNumber() || !out.isNumber()) {
      problem(Problem.Kind.MISSING, pricing.cost().path());
      return null;
    }
    return in.asDouble() / 1000 * price.inputPer1k() + out.asDouble() / 1000 * price.outputPer1k();
  }

  private void request(Signal.RequestMax x, JsonNode record, QualitySpec spec, String requestId, long epochSecond,
      java.util.Set<String> measured) {
    double tokens = 0;
    for (FieldPath f : x.fields()) {
      Double v = numeric(f, record, null, measured, requestId);
      if (v == null) {
        return;
      }
      tokens += v;
    }
    List<Request> list = top.computeIfAbsent(x.name(), k -> new ArrayList<>());
    if (list.size() < QualitySpec.TOP_REQUESTS || tokens > list.get(list.size() - 1).tokens()) {
      list.add(new Request(requestId == null ? "?" : requestId, String.valueOf(text(record, spec.sessionId())), tokens,
          epochSecond));
      list.sort(BY_TOKENS);
      if (list.size() > QualitySpec.TOP_REQUESTS) {
        list.remove(list.size() - 1);
      }
    }
  }

  private static final Comparator<Request> BY_TOKENS = Comparator.comparingDouble(Request::tokens).reversed()
      .thenComparingLong(Request::at);

  private static String text(JsonNode record, FieldPath f) {
    JsonNode v = f.find(record);
    return v == null || !v.isValueNode() ? null : v.asText();
  }

  /** Adds another span's tally to this one. */
  public Tally merge(Tally o) {
    records += o.records;
    synthetic += o.synthetic;
    o.problems.forEach((k, v) -> problems.merge(k, v, Long::sum));
    o.matches.forEach((k, v) -> matches.merge(k, v, Long::sum));
    o.judged.forEach((k, v) -> judged.merge(k, v, Long::sum));
    unsplit += o.unsplit;
    o.examples.forEach((k, v) -> {
      Deque<String> ex = examples.computeIfAbsent(k, x -> new ArrayDeque<>());
      ex.addAll(v);
      while (ex.size() > QualitySpec.EXAMPLES) {
        ex.removeFirst();
      }
    });
    o.measures.forEach((k, v) -> measures.computeIfAbsent(k, x -> new Measure()).merge(v));
    o.top.forEach((k, v) -> {
      List<Request> list = top.computeIfAbsent(k, x -> new ArrayList<>());
      list.addAll(v);
      list.sort(BY_TOKENS);
      while (list.size() > QualitySpec.TOP_REQUESTS) {
        list.remove(list.size() - 1);
      }
    });
    return this;
  }

  /** Tallies merged into a new one. */
  public static Tally of(Iterable<Tally> tallies) {
    Tally t = new Tally();
    for (Tally x : tallies) {
      t.merge(x);
    }
    return t;
  }

  /** Only the record and problem counts of tallies, added up: what the status shows of an hour, cheaply. */
  public static Tally counts(Iterable<Tally> tallies) {
    Tally t = new Tally();
    for (Tally x : tallies) {
      t.records += x.records;
      t.synthetic += x.synthetic;
      x.problems.forEach((k, v) -> t.problems.merge(k, v, Long::sum));
    }
    return t;
  }

  /** The compact stored form: varints and the sketches' used buckets only. */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      Codec.writeLong(out, VERSION);
      Codec.writeLong(out, records);
      Codec.writeLong(out, synthetic);
      Codec.writeLong(out, problems.size());
      for (Map.Entry<Problem, Long> e : problems.entrySet()) {
        Codec.writeLong(out, e.getKey().kind().ordinal());
        out.writeUTF(e.getKey().field());
        Codec.writeLong(out, e.getValue());
      }
      Codec.writeLong(out, matches.size());
      for (Map.Entry<String, Long> e : matches.entrySet()) {
        out.writeUTF(e.getKey());
        Codec.writeLong(out, e.getValue());
        Deque<String> ex = examples.getOrDefault(e.getKey(), new ArrayDeque<>());
        Codec.writeLong(out, ex.size());
        for (String s : ex) {
          out.writeUTF(s);
        }
      }
      Codec.writeLong(out, measures.size());
      for (Map.Entry<String, Measure> e : measures.entrySet()) {
        out.writeUTF(e.getKey());
        Measure m = e.getValue();
        Codec.writeLong(out, m.count);
        out.writeDouble(m.sum);
        out.writeDouble(m.sumSquares);
        m.sketch.write(out);
      }
      Codec.writeLong(out, top.size());
      for (Map.Entry<String, List<Request>> e : top.entrySet()) {
        out.writeUTF(e.getKey());
        Codec.writeLong(out, e.getValue().size());
        for (Request r : e.getValue()) {
          out.writeUTF(r.id());
          out.writeUTF(r.session());
          out.writeDouble(r.tokens());
          Codec.writeLong(out, r.at());
        }
      }
      Codec.writeLong(out, unsplit);
      Codec.writeLong(out, judged.size());
      for (Map.Entry<String, Long> e : judged.entrySet()) {
        out.writeUTF(e.getKey());
        Codec.writeLong(out, e.getValue());
      }
      for (Measure m : measures.values()) { // in the order written above
        writeExamples(out, m.lowest);
        writeExamples(out, m.highest);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * A stored tally read back.
   *
   * @throws IllegalArgumentException when the bytes are not a tally this version can read
   */
  public static Tally decode(byte[] data) {
    Tally t = new Tally();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      long version = Codec.readLong(in);
      if (version != VERSION && version != 1) {
        throw new IllegalArgumentException("stored tally of version " + version + ", this oobwatch reads " + VERSION);
      }
      t.records = Codec.readLong(in);
      t.synthetic = Codec.readLong(in);
      for (long i = Codec.readLong(in); i > 0; i--) {
        Problem.Kind kind = Problem.Kind.values()[(int) Codec.readLong(in)];
        t.problems.put(new Problem(kind, in.readUTF()), Codec.readLong(in));
      }
      for (long i = Codec.readLong(in); i > 0; i--) {
        String name = in.readUTF();
        t.matches.put(name, Codec.readLong(in));
        Deque<String> ex = new ArrayDeque<>();
        for (long j = Codec.readLong(in); j > 0; j--) {
          ex.add(in.readUTF());
        }
        t.examples.put(name, ex);
      }
      for (long i = Codec.readLong(in); i > 0; i--) {
        String name = in.readUTF();
        long count = Codec.readLong(in);
        double sum = in.readDouble();
        double sumSquares = in.readDouble();
        Measure read = new Measure(Sketch.read(in));
        read.count = count;
        read.sum = sum;
        read.sumSquares = sumSquares;
        t.measures.put(name, read);
      }
      for (long i = Codec.readLong(in); i > 0; i--) {
        String name = in.readUTF();
        List<Request> list = new ArrayList<>();
        for (long j = Codec.readLong(in); j > 0; j--) {
          list.add(new Request(in.readUTF(), in.readUTF(), in.readDouble(), Codec.readLong(in)));
        }
        t.top.put(name, list);
      }
      if (version == 1) {
        t.unsplit = t.records;
      } else {
        t.unsplit = Codec.readLong(in);
        for (long i = Codec.readLong(in); i > 0; i--) {
          t.judged.put(in.readUTF(), Codec.readLong(in));
        }
        for (Measure m : t.measures.values()) {
          readExamples(in, m.lowest);
          readExamples(in, m.highest);
        }
      }
    } catch (IOException | ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("stored tally is damaged: " + e, e);
    }
    return t;
  }

  private static void writeExamples(DataOutputStream out, List<Example> examples) throws IOException {
    Codec.writeLong(out, examples.size());
    for (Example e : examples) {
      out.writeUTF(e.id());
      out.writeDouble(e.value());
    }
  }

  private static void readExamples(DataInputStream in, List<Example> into) throws IOException {
    for (long i = Codec.readLong(in); i > 0; i--) {
      into.add(new Example(in.readUTF(), in.readDouble()));
    }
  }

  /** The problems in words, most frequent first: "12 not JSON, 3 missing confidence". */
  public String problemsInWords() {
    List<Map.Entry<Problem, Long>> list = new ArrayList<>(problems.entrySet());
    list.sort(Map.Entry.<Problem, Long>comparingByValue().reversed());
    StringBuilder b = new StringBuilder();
    for (Map.Entry<Problem, Long> e : list) {
      b.append(b.length() == 0 ? "" : ", ").append(e.getValue()).append(' ').append(e.getKey());
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "Tally[" + records + " records, matches " + new LinkedHashMap<>(matches) + "]";
  }
}
