package io.oobwatch.watchdog.schedule;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.alert.SignalText;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.detect.ConsumerRule;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.detect.Rule.Kind;
import io.oobwatch.watchdog.detect.Finding;
import io.oobwatch.watchdog.detect.RatioRule;
import io.oobwatch.watchdog.detect.SilenceRule;
import io.oobwatch.watchdog.detect.UnknownRule;
import io.oobwatch.watchdog.detect.VolumeRule;
import io.oobwatch.watchdog.detect.Window;
import io.oobwatch.watchdog.store.ObservationStore;
import io.oobwatch.watchdog.store.StateStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one pipeline's signals (freshness, volume, consumer lag): every {@code evaluate_every}
 * one {@link #tick()} observes each signal once, stores the round's observations in oobwatch's own
 * store, and judges every rule from the stored history, firing and resolving through {@link
 * Alerts}. Driven from one thread; {@link #snapshot()} may be read from any.
 *
 * <p>Nothing is kept in memory between rounds that the store does not hold: windows, baselines,
 * how long a source has been unknown and how long offsets have been flat are all read back from the
 * stored observations, so a restart resets no timer, and an alert still open in the store is not
 * paged again ({@link Alerts#raise} is idempotent per subject and rule).
 */
public final class SignalWatch {
  private static final Logger log = LoggerFactory.getLogger(SignalWatch.class);
  private static final Set<Observation.Kind> NOT_KNOWN = EnumSet.of(Observation.Kind.NONE, Observation.Kind.UNKNOWN);
  private static final Set<Observation.Kind> UNKNOWN = EnumSet.of(Observation.Kind.UNKNOWN);
  private static final Set<Observation.Kind> NONE = EnumSet.of(Observation.Kind.NONE);

  private final String instance;
  private final Config.Pipeline pipeline;
  private final Config.Checks checks;
  private final Map<String, Probe> probes;
  private final ObservationStore store;
  /** Read once a round: which of this pipeline's rules have an open alert. */
  private final Alerts alerts;
  private final Clock clock;
  private final UnknownRule unknown;
  private final Set<Rule> rules;
  /** The signals read as rates (volume): their readings in one minute are merged, each weighing what it covers. */
  private final Set<String> rates;
  /** What one reading of a rate stands for: the evaluation interval, at most a minute. */
  private final Duration readingCovers;
  private volatile Snapshot snapshot;
  /** This pipeline's rules with an open alert (firing or acknowledged), read at the start of each round. */
  private Set<Rule> open = Set.of();

  /**
   * What the watch saw last: per check, its newest observation and what each rule concluded.
   *
   * @param checks by signal name ("inference-logs/volume/kafka"), in config order
   */
  public record Snapshot(String pipeline, Instant lastTick, Map<String, CheckStatus> checks, String error) {}

  /**
   * @param observation the newest observation ("VALUE 412", "UNKNOWN: refused"), null before the first
   * @param findings per rule ("drop", "ceiling", "unknown"...): the status line
   */
  public record CheckStatus(String type, String name, String where, Observation observation, Map<String, String> findings) {}

  /**
   * @param probes one per check, by signal name ({@link #signal}), in config order; closed by {@link #closeProbes}
   */
  public SignalWatch(String instance, Config.Pipeline pipeline, Map<String, Probe> probes, ObservationStore store,
      Alerts alerts, Clock clock) {
    this.instance = instance;
    this.pipeline = pipeline;
    this.checks = pipeline.checks();
    this.probes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(probes));
    this.store = store;
    this.alerts = alerts;
    this.clock = clock;
    this.unknown = new UnknownRule(checks.unknownAfter());
    this.snapshot = new Snapshot(pipeline.name(), null, Map.of(), null);
    this.rules = rulesOf(checks);
    this.rates = checks.volume().stream().map(v -> signal(pipeline.name(), "volume", v.name()))
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    this.readingCovers = checks.evaluateEvery().compareTo(Duration.ofMinutes(1)) < 0 ? checks.evaluateEvery()
        : Duration.ofMinutes(1);
  }

  /** The store's name of a check's signal: pipeline/type/name. */
  public static String signal(String pipeline, String type, String name) {
    return pipeline + "/" + type + "/" + name;
  }

  public String name() {
    return pipeline.name();
  }

  /**
   * Every rule this watch can raise an alert for on its pipeline, by the config; an open alert of
   * any other rule is no longer watched (see {@link Alerts#retire}). The watch judges no rule that
   * is not listed here (see {@link #apply}).
   */
  public Set<Rule> rules() {
    return rules;
  }

  private static Set<Rule> rulesOf(Config.Checks checks) {
    Set<Rule> out = new LinkedHashSet<>();
    for (Config.Freshness f : checks.freshness()) {
      out.add(Rule.of(Kind.UNKNOWN_FRESHNESS, f.name()));
      out.add(Rule.of(Kind.FRESHNESS, f.name()));
    }
    for (Config.Volume v : checks.volume()) {
      out.add(Rule.of(Kind.UNKNOWN_VOLUME, v.name()));
      out.add(Rule.of(Kind.VOLUME_DROP, v.name()));
      if (v.maxPerMinute() != null) {
        out.add(Rule.of(Kind.CEILING, v.name()));
      }
    }
    for (Config.Ratio r : checks.ratios()) {
      out.add(Rule.of(Kind.RATIO, r.sink() + "/" + r.source()));
    }
    for (Config.ConsumerLag c : checks.consumerLag()) {
      out.add(Rule.of(Kind.UNKNOWN_CONSUMER_LAG, c.name()));
      out.add(Rule.of(Kind.STALLED, c.name()));
      if (c.maxLag() > 0) {
        out.add(Rule.of(Kind.LAG, c.name()));
      }
    }
    return java.util.Collections.unmodifiableSet(out);
  }

  public Duration every() {
    return checks.evaluateEvery();
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  /** One round: observe every signal, store the observations, judge every rule. Never throws. */
  public void tick() {
    Map<String, CheckStatus> statuses = new LinkedHashMap<>();
    String error = null;
    try {
      Map<String, Observation> round = observe();
      alerts.round(() -> judge(round, statuses));
    } catch (StateStoreException e) {
      error = e.getMessage(); // the state alarm says it, once a minute, for every loop
    } catch (RuntimeException e) {
      error = e.getMessage() == null ? e.toString() : e.getMessage();
      log.error("pipeline {}: evaluation of its signals failed: {}", pipeline.name(), error, e);
    }
    // a round that failed is not a completed round: the stall judgement (/healthz, systemd) sees it
    snapshot = new Snapshot(pipeline.name(), error == null ? clock.instant() : snapshot.lastTick(),
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(statuses)), error);
  }

  /** Every rule on the round's observations; the round's alerts go out together (Alerts#round). */
  private void judge(Map<String, Observation> round, Map<String, CheckStatus> statuses) {
    Instant now = clock.instant();
    // one read of the open alerts per round instead of one per rule: most rounds decide nothing
    open = alerts.openRules(pipeline.name());
    for (Config.Freshness f : checks.freshness()) {
      statuses.put(f.name(), freshness(f, round, now));
    }
    for (Config.Volume v : checks.volume()) {
      statuses.put(v.name(), volume(v, round, now));
    }
    for (Config.Ratio r : checks.ratios()) {
      statuses.put("ratio " + r.sink() + "/" + r.source(), ratio(r, now));
    }
    for (Config.ConsumerLag c : checks.consumerLag()) {
      statuses.put(c.name(), consumer(c, round, now));
    }
  }

  /** Every probe once, in config order; the round is stored in one transaction. */
  private Map<String, Observation> observe() {
    Map<String, Observation> round = new LinkedHashMap<>();
    List<ObservationStore.SignalObservation> rows = new ArrayList<>();
    for (Map.Entry<String, Probe> e : probes.entrySet()) {
      Observation o;
      try {
        o = e.getValue().observe();
      } catch (RuntimeException ex) {
        // the probe contract forbids it; a bug must still not silence the other signals
        o = Observation.unknown(clock.instant(), "probe failed: " + ex);
      }
      round.put(e.getKey(), o);
      rows.add(new ObservationStore.SignalObservation(e.getKey(), o, rates.contains(e.getKey()) ? readingCovers : null));
    }
    store.saveObservations(rows);
    return round;
  }

  private CheckStatus freshness(Config.Freshness f, Map<String, Observation> round, Instant now) {
    String signal = signal(pipeline.name(), "freshness", f.name());
    Observation latest = round.get(signal);
    String where = f.where();
    Map<String, String> findings = new LinkedHashMap<>();
    Finding reach = unknown.judge(where + " (freshness)", latest, latest != null && latest.kind() != Observation.Kind.UNKNOWN,
        latest != null && latest.kind() == Observation.Kind.UNKNOWN ? store.runStart(signal, UNKNOWN) : null, now);
    apply(Rule.of(Kind.UNKNOWN_FRESHNESS, f.name()), f.name(), reach, findings, "unknown");
    Instant noneSince = latest != null && latest.kind() == Observation.Kind.NONE ? store.runStart(signal, NONE) : null;
    apply(Rule.of(Kind.FRESHNESS, f.name()), f.name(), new SilenceRule(f.maxAge()).judge(where, latest, noneSince, now), findings,
        "silence");
    return new CheckStatus("freshness", f.name(), where, latest, findings);
  }

  private CheckStatus volume(Config.Volume v, Map<String, Observation> round, Instant now) {
    String signal = signal(pipeline.name(), "volume", v.name());
    Observation latest = round.get(signal);
    String where = v.where();
    Map<String, String> findings = new LinkedHashMap<>();
    Finding reach = unknown.judge(where + " (volume)", latest, latest != null && latest.known(),
        latest != null && !latest.known() ? store.runStart(signal, NOT_KNOWN) : null, now);
    apply(Rule.of(Kind.UNKNOWN_VOLUME, v.name()), v.name(), reach, findings, "unknown");
    int n = expected(v.window());
    Instant to = minuteEnd(now);
    List<Instant> ends = new ArrayList<>();
    ends.add(to);
    v.baselines().forEach(ago -> ends.add(to.minus(ago)));
    List<Window> windows = store.windows(signal, v.window(), ends).stream().map(SignalWatch::window).toList();
    Window current = windows.get(0);
    List<VolumeRule.Baseline> baselines = new ArrayList<>();
    for (int i = 0; i < v.baselines().size(); i++) {
      baselines.add(new VolumeRule.Baseline(v.baselines().get(i), windows.get(i + 1)));
    }
    VolumeRule rule = new VolumeRule(v.window(), v.drop(), v.minPerMinute(), v.maxPerMinute());
    apply(Rule.of(Kind.VOLUME_DROP, v.name()), v.name(), rule.drop(where, current, n, baselines), findings, "drop");
    if (v.maxPerMinute() != null) {
      apply(Rule.of(Kind.CEILING, v.name()), v.name(), rule.ceiling(where, current, n), findings, "ceiling");
    }
    return new CheckStatus("volume", v.name(), where, latest, findings);
  }

  /** A stored window as the rules take it. */
  private static Window window(ObservationStore.Window w) {
    return new Window(w.values(), w.weightedSum(), w.seconds());
  }

  private CheckStatus ratio(Config.Ratio r, Instant now) {
    Instant to = minuteEnd(now);
    Instant from = to.minus(r.window());
    Window sink = window(store.window(signal(pipeline.name(), "volume", r.sink()), from, to));
    Window source = window(store.window(signal(pipeline.name(), "volume", r.source()), from, to));
    double floor = checks.volume().stream().filter(v -> v.name().equals(r.source())).findFirst()
        .map(Config.Volume::minPerMinute).orElse(0.0);
    Finding f = new RatioRule(r.min(), r.window()).judge(r.sink(), sink, r.source(), source, expected(r.window()), floor);
    Map<String, String> findings = new LinkedHashMap<>();
    apply(Rule.of(Kind.RATIO, r.sink() + "/" + r.source()), r.sink(), f, findings, "ratio");
    return new CheckStatus("ratio", r.sink() + "/" + r.source(), r.sink() + " vs " + r.source(), null, findings);
  }

  private CheckStatus consumer(Config.ConsumerLag c, Map<String, Observation> round, Instant now) {
    String signal = signal(pipeline.name(), "consumer_lag", c.name());
    Observation latest = round.get(signal);
    String group = c.where();
    Map<String, String> findings = new LinkedHashMap<>();
    Finding reach = unknown.judge("kafka (" + group + ")", latest,
        latest != null && latest.kind() != Observation.Kind.UNKNOWN,
        latest != null && latest.kind() == Observation.Kind.UNKNOWN ? store.runStart(signal, UNKNOWN) : null, now);
    apply(Rule.of(Kind.UNKNOWN_CONSUMER_LAG, c.name()), c.name(), reach, findings, "unknown");
    ConsumerRule rule = new ConsumerRule(c.maxLag(), c.stalledAfter());
    List<Observation> recent = store.observations(signal, now.minus(rule.lookback()), minuteEnd(now));
    apply(Rule.of(Kind.STALLED, c.name()), c.name(), rule.stalled(group, recent, now), findings, "stalled");
    if (c.maxLag() > 0) {
      apply(Rule.of(Kind.LAG, c.name()), c.name(), rule.lag(group, latest), findings, "lag");
    }
    return new CheckStatus("consumer_lag", c.name(), group, latest, findings);
  }

  /** Carries out a finding through the alerts, and notes its status line. */
  private void apply(Rule rule, String stage, Finding f, Map<String, String> findings, String key) {
    if (!rules.contains(rule)) {
      // a programming error: retire() would resolve this rule's alerts at every start
      throw new IllegalStateException("rule " + rule + " is judged but not listed in rules()");
    }
    findings.put(key, f.condition() == Finding.Condition.BAD ? "BAD: " + f.status() : f.status());
    apply(alerts, instance, pipeline.name(), rule, stage, f, open.contains(rule));
  }

  /** Carries out a signal rule's finding on a subject through the alerts, in the words of {@link SignalText}. */
  static void apply(Alerts alerts, String instance, String subject, Rule rule, String stage, Finding f, boolean open) {
    alerts.apply(f.decide(open), subject, rule, new Alerts.Words(
        () -> new Alerts.Fire(stage, f.summary(), alert -> SignalText.fire(instance, alert, f.evidence())),
        (alert, at) -> SignalText.resolve(instance, alert, at, f.status())));
  }

  /** How many observations a full window holds at this watch's interval (minute buckets). */
  private int expected(Duration window) {
    long every = Math.max(60, checks.evaluateEvery().getSeconds());
    return (int) Math.max(1, window.getSeconds() / every);
  }

  /** The end of the minute {@code now} lies in: windows include the current minute. */
  static Instant minuteEnd(Instant now) {
    return Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), 60) * 60 + 60);
  }

  /** Closes every probe. */
  public void closeProbes() {
    for (Probe p : probes.values()) {
      try {
        p.close();
      } catch (RuntimeException e) {
        log.warn("closing a probe of pipeline {}: {}", pipeline.name(), e.toString());
      }
    }
  }
}
