package io.oobwatch.watchdog.schedule;

import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.detect.Finding;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.detect.Rule.Kind;
import io.oobwatch.watchdog.quality.Judgement;
import io.oobwatch.watchdog.quality.MeanRule;
import io.oobwatch.watchdog.quality.MinuteTallies;
import io.oobwatch.watchdog.config.QualitySpec;
import io.oobwatch.watchdog.quality.RateRule;
import io.oobwatch.watchdog.quality.RequestRule;
import io.oobwatch.watchdog.config.Signal;
import io.oobwatch.watchdog.quality.SpendRule;
import io.oobwatch.watchdog.quality.Tally;
import io.oobwatch.watchdog.status.PipelineQuality;
import io.oobwatch.watchdog.status.SignalHistory;
import io.oobwatch.watchdog.store.QualityStore;
import io.oobwatch.watchdog.store.StateStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges one pipeline's quality and cost signals from the tallies the tap stored: every round
 * ({@link #tick()}) reads the minutes it needs and the hours of the last 7 days from oobwatch's own
 * store, asks each pure rule of {@code quality/} and hands its decision to {@link Alerts#apply}.
 * Driven from one thread; {@link #snapshot()} may be read from any.
 *
 * <p>Closed hours are read once and kept (at most 8 days of them); an hour not stored yet is built
 * from its stored minutes once it is {@link #SETTLED} past its end and the tap has read past that
 * too, and stored. Minutes older than that are final and kept for the rounds that still need them.
 * While a restarted tap counts history again it has not reached the present: the minutes it has
 * not read yet are incomplete, and no hour built from them is stored or kept.
 */
public final class QualityWatch {
  private static final Logger log = LoggerFactory.getLogger(QualityWatch.class);
  /** A minute (or hour) this long past its end is final: the tap has stored all of it. */
  static final Duration SETTLED = Duration.ofMinutes(2);
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration HISTORY_SPAN = Duration.ofHours(24);
  private static final Duration HISTORY_BUCKET = Duration.ofMinutes(10);
  static final Rule TAP = Rule.of(Kind.TAP_LAG, "tap");
  /** How often a round runs: the tallies are per minute. */
  public static final Duration EVERY = Duration.ofMinutes(1);

  private final String instance;
  private final String pipeline;
  private final QualitySpec spec;
  private final QualityStore store;
  private final Alerts alerts;
  private final Clock clock;
  private final Set<Rule> rules;
  private final Duration lookback;
  /** The tap's health, judged by its own rule; null for a watch without a tap (tests of the rules). */
  private final java.util.function.Supplier<io.oobwatch.watchdog.quality.TapHealth> tap;
  private final String tapWhere;
  private final Map<Instant, Tally> hours = new HashMap<>();
  /** The history's 10-minute buckets that can no longer change; touched by {@link #history} alone. */
  private final TreeMap<Instant, Tally> historyBuckets = new TreeMap<>();
  private final TreeMap<Instant, Tally> finalMinutes = new TreeMap<>();
  private volatile Snapshot snapshot;

  /**
   * What the watch judged last, per signal in config order.
   *
   * @param problems the records the tap could not use in the last hour, in words; empty when none
   */
  public record Snapshot(String pipeline, Instant lastTick, Map<String, SignalStatus> signals, long records,
      String problems, String error) {
    /** As {@code /status} and {@code check --json} show it. */
    public PipelineQuality status() {
      List<PipelineQuality.Signal> out = signals.values().stream().map(q -> new PipelineQuality.Signal(q.name(),
          q.rule().id(), Double.isNaN(q.figure().value()) ? null : q.figure().value(), q.figure().baseline(),
          q.figure().sigma(), q.figure().samples(), q.status())).toList();
      return new PipelineQuality(pipeline, lastTick, records, problems.isEmpty() ? null : problems, error, out);
    }
  }

  /** A signal's figures and status line ("BAD: ..." when its condition holds). */
  public record SignalStatus(String name, Rule rule, Judgement.Figure figure, String status) {}

  public QualityWatch(String instance, String pipeline, QualitySpec spec, QualityStore store, Alerts alerts, Clock clock) {
    this(instance, pipeline, spec, store, alerts, clock, null, null);
  }

  /**
   * @param tapWhere where the tap reads, in words ("kafka topic inference-logs")
   * @param tap its health, judged every round (rule {@code tap-lag:tap})
   */
  public QualityWatch(String instance, String pipeline, QualitySpec spec, QualityStore store, Alerts alerts, Clock clock,
      String tapWhere, java.util.function.Supplier<io.oobwatch.watchdog.quality.TapHealth> tap) {
    this.tap = tap;
    this.tapWhere = tapWhere;
    this.instance = instance;
    this.pipeline = pipeline;
    this.spec = spec;
    this.store = store;
    this.alerts = alerts;
    this.clock = clock;
    Set<Rule> r = new LinkedHashSet<>();
    Duration longest = RequestRule.LOOKBACK;
    for (Signal s : spec.signals()) {
      r.add(rule(s));
      if (s instanceof Signal.Rate rate && rate.window().compareTo(longest) > 0) {
        longest = rate.window();
      } else if (s instanceof Signal.Mean m && m.window().compareTo(longest) > 0) {
        longest = m.window();
      }
    }
    if (tap != null) {
      r.add(TAP);
    }
    this.rules = Collections.unmodifiableSet(r);
    this.lookback = longest.compareTo(HOUR) > 0 ? longest : HOUR;
    this.snapshot = new Snapshot(pipeline, null, Map.of(), 0, "", null);
  }

  /** The rule an alert of the signal carries: its kind, and the signal's name as the check. */
  static Rule rule(Signal s) {
    Kind kind;
    if (s instanceof Signal.Rate) {
      kind = Kind.RATE_RISE;
    } else if (s instanceof Signal.Mean) {
      kind = Kind.MEAN;
    } else if (s instanceof Signal.RequestMax) {
      kind = Kind.REQUEST_MAX;
    } else {
      kind = Kind.SPEND_FORECAST;
    }
    return Rule.of(kind, s.name());
  }

  public String name() {
    return pipeline;
  }

  /** Every rule this watch can raise an alert for on its pipeline (see {@link Alerts#retire}). */
  public Set<Rule> rules() {
    return rules;
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  /** One round: every signal judged from the stored tallies. Never throws. */
  public void tick() {
    Instant now = clock.instant();
    Map<String, SignalStatus> statuses = new LinkedHashMap<>();
    String error = null;
    long records = 0;
    String problems = "";
    try {
      TreeMap<Instant, Tally> minutes = minutes(now);
      Tally lastHour = lastHour(minutes, now);
      records = lastHour.records();
      problems = lastHour.problemsInWords();
      Set<Rule> open = alerts.openRules(pipeline);
      alerts.round(() -> {
        if (tap != null) {
          Judgement j = io.oobwatch.watchdog.quality.TapRule.judge(tapWhere, tap.get(), now);
          SignalWatch.apply(alerts, instance, pipeline, TAP, "tap", j.finding(), open.contains(TAP));
          statuses.put("tap", new SignalStatus("tap", TAP, j.figure(), line(j.finding())));
        }
        for (Signal s : spec.signals()) {
          Rule rule = rule(s);
          Judgement j = judge(s, minutes, now, open);
          Finding f = j.finding();
          if (s instanceof Signal.RequestMax) {
            if (open.contains(rule)) {
              // this signal pages per session (rule.session): an alert of its own rule has nothing to hold it open
              SignalWatch.apply(alerts, instance, pipeline, rule, s.name(), Finding.ok(f.status()), true);
            }
            j.sessions().forEach((session, sf) -> {
              Rule part = rule.session(session);
              if (sf.condition() == Finding.Condition.BAD && !open.contains(part)) {
                store.nameSession(pipeline, s.name(), session, now);
              }
              SignalWatch.apply(alerts, instance, pipeline, part, s.name(), sf, open.contains(part));
            });
          } else {
            SignalWatch.apply(alerts, instance, pipeline, rule, s.name(), f, open.contains(rule));
          }
          statuses.put(s.name(), new SignalStatus(s.name(), rule, j.figure(), line(f)));
        }
      });
    } catch (StateStoreException e) {
      error = e.getMessage(); // the state alarm says it, once a minute, for every loop
    } catch (RuntimeException e) {
      error = e.getMessage() == null ? e.toString() : e.getMessage();
      log.error("pipeline {}: evaluation of its quality and cost signals failed: {}", pipeline, error, e);
    }
    snapshot = new Snapshot(pipeline, error == null ? now : snapshot.lastTick(),
        Collections.unmodifiableMap(statuses), records, problems, error);
  }

  private static String line(Finding f) {
    return f.condition() == Finding.Condition.BAD ? "BAD: " + f.status() : f.status();
  }

  /**
   * Every signal judged now from the stored tallies, acting on none of them, with the last hour's
   * records and problems: what {@code oobwatch check} prints. A watch made for this alone may have
   * no alerts (null). Throws {@link StateStoreException} when the tallies cannot be read.
   */
  public Snapshot figures() {
    Instant now = clock.instant();
    TreeMap<Instant, Tally> minutes = minutes(now);
    Map<String, SignalStatus> out = new LinkedHashMap<>();
    for (Signal s : spec.signals()) {
      Judgement j = judge(s, minutes, now, Set.of());
      out.put(s.name(), new SignalStatus(s.name(), rule(s), j.figure(), line(j.finding())));
    }
    Tally lastHour = lastHour(minutes, now);
    return new Snapshot(pipeline, now, Collections.unmodifiableMap(out), lastHour.records(),
        lastHour.problemsInWords(), null);
  }

  /**
   * The last 24 hours per 10 minutes from the stored minutes, one series per signal, as {@code
   * /history/quality} answers it and the status page charts it: a rate's share of the requests, a
   * mean or quantile against its threshold, the largest request against {@code max}, the spend so
   * far today (UTC) against the cap. Called on the history thread only; a bucket is read from the
   * store until it has settled, then kept.
   */
  public SignalHistory history() {
    Instant now = clock.instant();
    Instant open = bucketOf(now);
    Instant from = open.minus(HISTORY_SPAN).plus(HISTORY_BUCKET);
    historyBuckets.headMap(from, false).clear();
    Instant settled = settledBefore(now);
    Instant readFrom = historyBuckets.isEmpty() ? from : historyBuckets.lastKey().plus(HISTORY_BUCKET);
    Map<Instant, List<Tally>> read = new TreeMap<>();
    for (QualityStore.Row r : store.minutes(pipeline, readFrom, now.plus(Duration.ofMinutes(1)))) {
      read.computeIfAbsent(bucketOf(r.at()), k -> new ArrayList<>()).add(Tally.decode(r.tally()));
    }
    TreeMap<Instant, Tally> buckets = new TreeMap<>(historyBuckets);
    read.forEach((start, tallies) -> {
      Tally t = Tally.of(tallies);
      buckets.put(start, t);
      if (!start.plus(HISTORY_BUCKET).isAfter(settled)) {
        historyBuckets.put(start, t);
      }
    });
    List<SignalHistory.Series> series = new ArrayList<>();
    for (Signal s : spec.signals()) {
      series.add(series(s, buckets));
    }
    return new SignalHistory(pipeline, "10m", from, now, series);
  }

  private static SignalHistory.Series series(Signal s, TreeMap<Instant, Tally> buckets) {
    List<SignalHistory.Point> points = new ArrayList<>();
    if (s instanceof Signal.Rate r) {
      buckets.forEach((b, t) -> {
        if (t.judged(r.name()) > 0) {
          points.add(point(b, (double) t.matches(r.name()) / t.judged(r.name())));
        }
      });
      return new SignalHistory.Series("rate", r.name(), "share", null, points);
    }
    if (s instanceof Signal.Mean m) {
      buckets.forEach((b, t) -> {
        Tally.Measure x = t.measure(m.field().path());
        if (x.count() > 0) {
          points.add(point(b, m.quantile() == null ? x.mean() : x.quantile(m.quantile())));
        }
      });
      return new SignalHistory.Series(m.quantile() == null ? "mean" : "quantile", m.name(), "", m.threshold(), points);
    }
    if (s instanceof Signal.RequestMax r) {
      buckets.forEach((b, t) -> t.top(r.name()).stream().findFirst().ifPresent(q -> points.add(point(b, q.tokens()))));
      return new SignalHistory.Series("request_max", r.name(), "tokens", r.max(), points);
    }
    Signal.DailySpend d = (Signal.DailySpend) s;
    double spent = 0;
    Instant day = null;
    for (Map.Entry<Instant, Tally> e : buckets.entrySet()) {
      Instant today = e.getKey().truncatedTo(ChronoUnit.DAYS);
      spent = today.equals(day) ? spent : 0;
      day = today;
      spent += e.getValue().measure(d.field().path()).sum();
      points.add(point(e.getKey(), spent));
    }
    return new SignalHistory.Series("spend", d.name(), "spent today", d.cap(), points);
  }

  private static SignalHistory.Point point(Instant start, double value) {
    return new SignalHistory.Point(start, value, null, null);
  }

  private static Instant bucketOf(Instant t) {
    long size = HISTORY_BUCKET.getSeconds();
    return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), size) * size);
  }

  private static Tally lastHour(TreeMap<Instant, Tally> minutes, Instant now) {
    return Tally.counts(minutes.tailMap(now.minus(HOUR), true).values());
  }

  /**
   * One signal's judgement from the round's minutes and the stored hours.
   *
   * @param open the pipeline's rules with an open alert
   */
  Judgement judge(Signal s, TreeMap<Instant, Tally> minutes, Instant now, Set<Rule> open) {
    if (s instanceof Signal.Rate r) {
      return new RateRule(r).judge(window(minutes, now, r.window()), sameHour(now), recent(now));
    }
    if (s instanceof Signal.Mean m) {
      return new MeanRule(m).judge(window(minutes, now, m.window()), sameHour(now));
    }
    if (s instanceof Signal.RequestMax x) {
      List<Tally.Request> recent = new ArrayList<>();
      for (Tally t : minutes.subMap(now.minus(RequestRule.LOOKBACK), true, now, false).values()) {
        recent.addAll(t.top(x.name()));
      }
      Rule rule = rule(s);
      Set<String> sessions = new LinkedHashSet<>();
      open.forEach(o -> rule.sessionOf(o).ifPresent(sessions::add));
      return new RequestRule(x).judge(recent, store.namedSessions(pipeline, x.name()), sessions, now);
    }
    Signal.DailySpend d = (Signal.DailySpend) s;
    Map<Instant, Double> hourly = new HashMap<>();
    Instant hour = now.truncatedTo(ChronoUnit.HOURS);
    for (Instant h = hour.minus(SpendRule.HISTORY); h.isBefore(hour); h = h.plus(HOUR)) {
      Tally t = hour(h, now);
      if (t != null && t.records() > 0) {
        hourly.put(h, t.measure(d.field().path()).sum());
      }
    }
    Tally.Measure thisHour = window(minutes, now, Duration.between(hour, now)).measure(d.field().path());
    hourly.put(hour, thisHour.sum());
    Instant openedAt = alerts == null ? null : alerts.openAlert(pipeline, rule(s)).map(a -> a.openedAt()).orElse(null);
    return new SpendRule(d).judge(hourly, now, openedAt, thisHour.highest());
  }

  /** The round's windows, merged once per length: signals of the same window share it (rules only read a tally). */
  private final Map<Duration, Tally> windows = new HashMap<>();
  private Instant windowsAt;

  private Tally window(TreeMap<Instant, Tally> minutes, Instant now, Duration window) {
    if (!now.equals(windowsAt)) {
      windows.clear();
      windowsAt = now;
    }
    return windows.computeIfAbsent(window, w -> Tally.of(minutes.subMap(now.minus(w), true, now, false).values()));
  }

  /** The same clock hour on each of the last 7 days that has a tally. */
  private List<Tally> sameHour(Instant now) {
    List<Tally> out = new ArrayList<>();
    Instant hour = now.truncatedTo(ChronoUnit.HOURS);
    for (int d = 1; d <= 7; d++) {
      Tally t = hour(hour.minus(Duration.ofDays(d)), now);
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  /** The closed hours just before the current one, the baseline while there are too few days. */
  private Tally recent(Instant now) {
    List<Tally> out = new ArrayList<>();
    Instant hour = now.truncatedTo(ChronoUnit.HOURS);
    for (int h = 1; h <= RateRule.RECENT_HOURS; h++) {
      Tally t = hour(hour.minus(Duration.ofHours(h)), now);
      if (t != null) {
        out.add(t);
      }
    }
    return Tally.of(out);
  }

  /** A closed hour's tally: kept, stored, or built from its stored minutes; null when nothing was counted in it. */
  private Tally hour(Instant start, Instant now) {
    if (hours.containsKey(start)) {
      return hours.get(start);
    }
    List<QualityStore.Row> stored = store.hours(pipeline, start, start.plus(HOUR));
    Tally t;
    if (!stored.isEmpty()) {
      t = Tally.decode(stored.get(0).tally());
    } else {
      List<Tally> parts = store.minutes(pipeline, start, start.plus(HOUR)).stream()
          .map(r -> Tally.decode(r.tally())).toList();
      t = parts.isEmpty() ? null : Tally.of(parts);
      boolean settled = !start.plus(HOUR).isAfter(settledBefore(now));
      if (t != null && settled) {
        store.saveHour(pipeline, new QualityStore.Row(start, t.encode()));
      }
      if (!settled) {
        return t; // not final yet: read again next time
      }
    }
    hours.put(start, t);
    hours.keySet().removeIf(h -> h.isBefore(now.minus(SpendRule.HISTORY).minus(HOUR)));
    return t;
  }

  /**
   * The time before which stored minutes are final: {@link #SETTLED} before the current minute, and
   * no later than what the tap has read (everything, when it had nothing left at its last poll; else
   * up to {@link #SETTLED} before the newest record it read).
   */
  private Instant settledBefore(Instant now) {
    Instant settled = MinuteTallies.minuteOf(now).minus(SETTLED);
    if (tap == null) {
      return settled;
    }
    io.oobwatch.watchdog.quality.TapHealth h = tap.get();
    Instant read;
    if (h.lag() == 0 && h.polledAt() != null) {
      read = h.polledAt();
    } else if (h.newest() != null) {
      read = MinuteTallies.minuteOf(h.newest()).minus(SETTLED);
    } else {
      read = Instant.EPOCH;
    }
    return read.isBefore(settled) ? read : settled;
  }

  /** The minutes of the last {@link #lookback}, final ones kept between rounds. */
  private TreeMap<Instant, Tally> minutes(Instant now) {
    Instant from = MinuteTallies.minuteOf(now.minus(lookback));
    Instant settled = settledBefore(now);
    finalMinutes.headMap(from, false).clear();
    Instant readFrom = finalMinutes.isEmpty() ? from : finalMinutes.lastKey().plus(Duration.ofMinutes(1));
    TreeMap<Instant, Tally> out = new TreeMap<>(finalMinutes);
    for (QualityStore.Row r : store.minutes(pipeline, readFrom.isBefore(from) ? from : readFrom,
        now.plus(Duration.ofMinutes(1)))) {
      Tally t = Tally.decode(r.tally());
      out.put(r.at(), t);
      if (r.at().isBefore(settled)) {
        finalMinutes.put(r.at(), t);
      }
    }
    return out;
  }
}
