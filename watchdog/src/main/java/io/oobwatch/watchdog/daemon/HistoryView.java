package io.oobwatch.watchdog.daemon;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.schedule.SignalWatch;
import io.oobwatch.watchdog.status.CanaryHistory;
import io.oobwatch.watchdog.status.SignalHistory;
import io.oobwatch.watchdog.store.CanaryStore;
import io.oobwatch.watchdog.store.ObservationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page's history: per pipeline, the last 24 hours of canaries and signal checks in
 * 10-minute buckets, read from oobwatch's own store by {@link #refresh} on the daemon's history
 * thread and published for the HTTP server, which only reads what was published (no store read on
 * a netty I/O thread). A bucket that has closed never changes, so it is read once and kept; each
 * refresh reads only the open bucket (and the first refresh the whole day).
 */
final class HistoryView {
  private static final Logger log = LoggerFactory.getLogger(HistoryView.class);
  static final Duration BUCKET = Duration.ofMinutes(10);
  static final Duration SPAN = Duration.ofHours(24);
  /** A bucket is closed this long after its end: a round that began inside it has saved by then. */
  static final Duration SETTLE = Duration.ofMinutes(1);
  private static final String BUCKET_TEXT = Durations.format(BUCKET);

  /** One charted signal: its store name, what the page calls it, and its threshold (null: none). */
  record Charted(String pipeline, String signal, String type, String name, String unit, Double threshold) {}

  /** Buckets read from the store, and up to where they are closed (absent below it: nothing judged). */
  private static final class Kept<B> {
    final NavigableMap<Instant, B> closed = new TreeMap<>();
    Instant closedUntil;
  }

  private final Clock clock;
  private final CanaryStore canaries;
  private final ObservationStore observations;
  private final List<String> pipelines;
  private final Map<String, List<Charted>> charted;
  /** Touched by the refreshing thread only. */
  private final Map<String, Kept<CanaryHistory.Bucket>> canaryKept = new HashMap<>();
  private final Map<String, Kept<SignalHistory.Point>> signalKept = new HashMap<>();
  private volatile Map<String, CanaryHistory> canaryPublished = Map.of();
  private volatile Map<String, SignalHistory> signalPublished = Map.of();

  HistoryView(Clock clock, CanaryStore canaries, ObservationStore observations, List<Config.Pipeline> config) {
    this.clock = clock;
    this.canaries = canaries;
    this.observations = observations;
    this.pipelines = config.stream().filter(p -> p.canary() != null).map(Config.Pipeline::name).toList();
    Map<String, List<Charted>> c = new LinkedHashMap<>();
    for (Config.Pipeline p : config) {
      if (!p.checks().isEmpty()) {
        c.put(p.name(), charted(p));
      }
    }
    this.charted = Map.copyOf(c);
  }

  /** The signals of a pipeline the page charts, with the threshold each is judged against. */
  static List<Charted> charted(Config.Pipeline p) {
    List<Charted> out = new ArrayList<>();
    String n = p.name();
    for (Config.Freshness f : p.checks().freshness()) {
      out.add(new Charted(n, SignalWatch.signal(n, "freshness", f.name()), "freshness", f.name(), "s",
          (double) f.maxAge().toSeconds()));
    }
    for (Config.Volume v : p.checks().volume()) {
      out.add(new Charted(n, SignalWatch.signal(n, "volume", v.name()), "volume", v.name(), "/min", 1 - v.drop()));
    }
    for (Config.ConsumerLag c : p.checks().consumerLag()) {
      out.add(new Charted(n, SignalWatch.signal(n, "consumer_lag", c.name()), "consumer_lag", c.name(), "records",
          c.maxLag() > 0 ? (double) c.maxLag() : null));
    }
    return List.copyOf(out);
  }

  /** The last published canary history of a pipeline; null when it has no canary. */
  CanaryHistory canaries(String pipeline) {
    return canaryPublished.get(pipeline);
  }

  /** The last published signal history of a pipeline; null when it has no checks. */
  SignalHistory signals(String pipeline) {
    return signalPublished.get(pipeline);
  }

  /** Whether {@code pipeline} is one the page charts (canary or checks). */
  boolean watches(String pipeline) {
    return pipelines.contains(pipeline) || charted.containsKey(pipeline);
  }

  /**
   * Reads what changed since the last refresh and publishes it. Called on one thread only. A
   * failing read keeps that pipeline's previous history (logged) and is tried again next time.
   */
  void refresh() {
    Instant now = clock.instant();
    Instant open = floor(now);
    Instant from = open.minus(SPAN).plus(BUCKET);
    Instant to = open.plus(BUCKET);
    Instant settled = floor(now.minus(SETTLE));
    Map<String, CanaryHistory> c = new HashMap<>(canaryPublished);
    for (String p : pipelines) {
      try {
        c.put(p, new CanaryHistory(p, BUCKET_TEXT, from, to, canaryBuckets(p, from, settled, to)));
      } catch (RuntimeException e) {
        log.warn("pipeline {}: canary history not refreshed: {}", p, e.toString());
      }
    }
    canaryPublished = Map.copyOf(c);
    Map<String, SignalHistory> s = new HashMap<>(signalPublished);
    charted.forEach((p, list) -> {
      try {
        List<SignalHistory.Series> series = new ArrayList<>();
        for (Charted ch : list) {
          series.add(new SignalHistory.Series(ch.type(), ch.name(), ch.unit(), ch.threshold(),
              signalPoints(ch, from, settled, to)));
        }
        s.put(p, new SignalHistory(p, BUCKET_TEXT, from, to, series));
      } catch (RuntimeException e) {
        log.warn("pipeline {}: signal history not refreshed: {}", p, e.toString());
      }
    });
    signalPublished = Map.copyOf(s);
  }

  private List<CanaryHistory.Bucket> canaryBuckets(String pipeline, Instant from, Instant settled, Instant to) {
    Kept<CanaryHistory.Bucket> kept = canaryKept.computeIfAbsent(pipeline, k -> new Kept<>());
    Instant readFrom = readFrom(kept, from);
    Map<Instant, List<CanaryStore.JudgedCanary>> read = new TreeMap<>();
    for (CanaryStore.JudgedCanary j : canaries.judged(pipeline, readFrom, to)) {
      // a canary judged LATE belongs to the bucket it was judged LATE in; when its final outcome
      // came after that bucket was read (or left the day), it was counted there already
      Instant at = floor(j.judgedLateAt() == null ? j.finishedAt() : j.judgedLateAt());
      if (!at.isBefore(floor(readFrom))) {
        read.computeIfAbsent(at, k -> new ArrayList<>()).add(j);
      }
    }
    return merge(kept, read, settled, HistoryView::canaryBucket);
  }

  private List<SignalHistory.Point> signalPoints(Charted ch, Instant from, Instant settled, Instant to) {
    Kept<SignalHistory.Point> kept = signalKept.computeIfAbsent(ch.signal(), k -> new Kept<>());
    Instant readFrom = readFrom(kept, from);
    Map<Instant, List<Observation>> read = byBucket(observations.observations(ch.signal(), readFrom, to), Duration.ZERO);
    Map<Instant, List<Observation>> yesterday = Map.of();
    Map<Instant, List<Observation>> lastWeek = Map.of();
    if (ch.type().equals("volume")) {
      Duration day = Duration.ofDays(1);
      Duration week = Duration.ofDays(7);
      yesterday = byBucket(observations.observations(ch.signal(), readFrom.minus(day), to.minus(day)), day);
      lastWeek = byBucket(observations.observations(ch.signal(), readFrom.minus(week), to.minus(week)), week);
    }
    Map<Instant, List<Observation>> y = yesterday;
    Map<Instant, List<Observation>> w = lastWeek;
    return merge(kept, read, settled, (start, obs) -> point(ch.type(), start, obs, y.get(start), w.get(start)));
  }

  /** Where to read from: the start of the day on the first refresh, else the first bucket not yet closed. */
  private static <B> Instant readFrom(Kept<B> kept, Instant from) {
    kept.closed.headMap(from).clear();
    return kept.closedUntil == null || kept.closedUntil.isBefore(from) ? from : kept.closedUntil;
  }

  /** The kept closed buckets plus those just read; the ones just read that have closed are kept. */
  private static <R, B> List<B> merge(Kept<B> kept, Map<Instant, List<R>> read, Instant settled,
      java.util.function.BiFunction<Instant, List<R>, B> make) {
    List<B> out = new ArrayList<>(kept.closed.values());
    for (Map.Entry<Instant, List<R>> e : read.entrySet()) {
      B b = make.apply(e.getKey(), e.getValue());
      if (b == null) {
        continue;
      }
      if (e.getKey().isBefore(settled)) {
        kept.closed.put(e.getKey(), b);
      }
      out.add(b);
    }
    if (kept.closedUntil == null || settled.isAfter(kept.closedUntil)) {
      kept.closedUntil = settled;
    }
    return out;
  }

  private static Map<Instant, List<Observation>> byBucket(List<Observation> list, Duration shift) {
    Map<Instant, List<Observation>> out = new TreeMap<>();
    for (Observation o : list) {
      if (o.known()) {
        out.computeIfAbsent(floor(o.at().plus(shift)), k -> new ArrayList<>()).add(o);
      }
    }
    return out;
  }

  static CanaryHistory.Bucket canaryBucket(Instant start, List<CanaryStore.JudgedCanary> judged) {
    int ok = 0;
    int slow = 0;
    int late = 0;
    int lost = 0;
    int unreachable = 0;
    Map<String, List<Long>> latencies = new LinkedHashMap<>();
    for (CanaryStore.JudgedCanary j : judged) {
      if (j.judgedLateAt() != null) {
        late++;
      } else {
        switch (j.verdict()) {
          case OK -> ok++;
          case SLOW -> slow++;
          case UNREACHABLE -> unreachable++;
          case LOST -> lost++;
        }
      }
      for (CanaryStore.StageTime s : j.stages()) {
        List<Long> l = latencies.computeIfAbsent(s.stage(), k -> new ArrayList<>());
        if (s.result().equals("SEEN") || s.result().equals("SLOW")) {
          l.add(s.latencyMs());
        }
      }
    }
    List<CanaryHistory.StageLatency> stages = new ArrayList<>();
    latencies.forEach((stage, l) -> {
      l.sort(null);
      stages.add(new CanaryHistory.StageLatency(stage, rank(l, 0.50), rank(l, 0.99), l.size()));
    });
    return new CanaryHistory.Bucket(start, ok, slow, late, lost, unreachable, stages);
  }

  /** Nearest-rank quantile of sorted values; 0 when there are none. */
  static long rank(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static SignalHistory.Point point(String type, Instant start, List<Observation> obs, List<Observation> yesterday,
      List<Observation> lastWeek) {
    if (obs.isEmpty()) {
      return null;
    }
    double value = switch (type) {
      // the value is the newest real record's epoch millis: its age at each observation, the largest
      case "freshness" -> obs.stream().mapToDouble(o -> Math.max(0, o.at().toEpochMilli() - o.value()) / 1000.0).max().orElse(0);
      case "volume" -> mean(obs);
      default -> obs.stream().mapToDouble(Observation::value).max().orElse(0);
    };
    return new SignalHistory.Point(start, value, yesterday == null ? null : mean(yesterday),
        lastWeek == null ? null : mean(lastWeek));
  }

  private static double mean(List<Observation> obs) {
    return obs.stream().mapToDouble(Observation::value).average().orElse(0);
  }

  static Instant floor(Instant t) {
    long b = BUCKET.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), b) * b);
  }

}
