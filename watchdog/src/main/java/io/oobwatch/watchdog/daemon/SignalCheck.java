package io.oobwatch.watchdog.daemon;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.detect.ConsumerRule;
import io.oobwatch.watchdog.detect.Finding;
import io.oobwatch.watchdog.detect.Numbers;
import io.oobwatch.watchdog.detect.SilenceRule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One round of every signal probe of the given pipelines, now, for {@code oobwatch check}; no state.
 *
 * <p>What one reading can decide is judged by the daemon's own rules: freshness (the newest real
 * record against {@code max_age}) and a consumer group's lag against {@code max_lag}. Unlike the
 * daemon, which waits a bound before paging, a one-shot check reports at once what it finds, as
 * there is nothing to wait for: a sink holding nothing (no index matches, no real record), a
 * consumer group with no members, a source that cannot be queried. Volume drops, ceilings, ratios
 * and stalls compare windows of history: the check shows the current reading and leaves the
 * verdict to the daemon.
 */
public final class SignalCheck {
  /** A Kafka volume is the growth of end offsets between two readings this far apart. */
  static final Duration KAFKA_RATE_GAP = Duration.ofSeconds(5);

  /** How the lag probe names a group that has no members. */
  static final String EMPTY_GROUP = "Empty";
  static final String NOBODY_CONSUMES =
      "Nobody consumes the topic: the usual cause of \"Kafka healthy, Elasticsearch healthy, dashboards dark\"";

  private final Clock clock;
  private final Duration kafkaGap;

  public SignalCheck(Clock clock) {
    this(clock, KAFKA_RATE_GAP);
  }

  SignalCheck(Clock clock, Duration kafkaGap) {
    this.clock = clock;
    this.kafkaGap = kafkaGap;
  }

  /** How one check came out. */
  public enum Result {
    /** freshness: the newest real record is younger than max_age */
    FRESH,
    /** volume, consumer lag: read, within what one reading can judge */
    READ,
    /** volume: the source answered without a number (e.g. a query that returned no series) */
    NO_DATA,
    /** freshness: the newest real record is older than max_age */
    STALE,
    /** consumer lag: above max_lag */
    BEHIND,
    /** freshness: no index matches or no real record; consumer lag: no members, or no such group */
    EMPTY,
    /** the source could not be queried */
    UNREACHABLE
  }

  /**
   * @param check the check's type and name: "freshness:dashboards", "volume:kafka", "consumer_lag:connector"
   * @param where the source in words ("elasticsearch index inference-logs-*")
   * @param age freshness only: how old the newest real record is; else null
   * @param problem one line for the person reading it when the level is above 0; else null
   * @param reason what was seen ("newest 08:41:12Z, 12s old", "412/min", the probe's note)
   */
  public record Outcome(String pipeline, String check, String where, Result result, Duration age, String problem,
      String reason) {
    /** The Nagios level: 0 fresh or read, 1 no data, 2 everything else. */
    public int level() {
      switch (result) {
        case FRESH:
        case READ:
          return 0;
        case NO_DATA:
          return 1;
        default:
          return 2;
      }
    }
  }

  /** Every freshness, volume and consumer-lag check of the pipelines, in config order. */
  public List<Outcome> run(List<Config.Pipeline> pipelines) throws InterruptedException {
    ProbeFactory factory = new ProbeFactory(clock);
    List<Outcome> out = new ArrayList<>();
    for (Config.Pipeline p : pipelines) {
      // probes turn every failure into an UNKNOWN observation; they never throw
      for (Config.Freshness f : p.checks().freshness()) {
        try (Probe probe = factory.freshness(f)) {
          out.add(freshness(p.name(), f, probe.observe()));
        }
      }
      for (Config.Volume v : p.checks().volume()) {
        try (Probe probe = factory.volume(v)) {
          if (v.settings().rateFromTwoReadings() && probe.observe().kind() != Observation.Kind.UNKNOWN) {
            Thread.sleep(kafkaGap.toMillis()); // the first reading only sets the start of the rate
          }
          out.add(volume(p.name(), v, probe.observe()));
        }
      }
      for (Config.ConsumerLag c : p.checks().consumerLag()) {
        try (Probe probe = factory.consumerLag(c)) {
          out.add(consumer(p.name(), c, probe.observe()));
        }
      }
    }
    return out;
  }

  Outcome freshness(String pipeline, Config.Freshness f, Observation o) {
    String check = "freshness:" + f.name();
    String where = f.where();
    switch (o.kind()) {
      case UNKNOWN:
        return unreachable(pipeline, check, where, o);
      case NONE:
        return new Outcome(pipeline, check, where, Result.EMPTY, null, "no inference logs in " + where, o.note());
      default:
        Instant now = clock.instant();
        Instant newest = Instant.ofEpochMilli((long) o.value());
        Finding finding = new SilenceRule(f.maxAge()).judge(where, o, null, now);
        boolean stale = finding.condition() == Finding.Condition.BAD;
        return new Outcome(pipeline, check, where, stale ? Result.STALE : Result.FRESH, Duration.between(newest, now),
            stale ? finding.summary() : null, stale ? finding.evidence() : finding.status());
    }
  }

  Outcome volume(String pipeline, Config.Volume v, Observation o) {
    String check = "volume:" + v.name();
    String where = v.where();
    switch (o.kind()) {
      case UNKNOWN:
        return unreachable(pipeline, check, where, o);
      case NONE:
        return new Outcome(pipeline, check, where, Result.NO_DATA, null, "no volume reading from " + where, o.note());
      default:
        return new Outcome(pipeline, check, where, Result.READ, null, null,
            Numbers.rate(o.value()) + " now; drops and ceilings are judged over " + Numbers.span(v.window())
                + " by the daemon");
    }
  }

  Outcome consumer(String pipeline, Config.ConsumerLag c, Observation o) {
    String check = "consumer_lag:" + c.name();
    String where = c.where();
    switch (o.kind()) {
      case UNKNOWN:
        return unreachable(pipeline, check, where, o);
      case NONE:
        return new Outcome(pipeline, check, where, Result.EMPTY, null, o.note(), NOBODY_CONSUMES);
      default:
        if (EMPTY_GROUP.equals(o.note())) {
          return new Outcome(pipeline, check, where, Result.EMPTY, null,
              where + " has no members (Empty), lag " + Numbers.count(o.value()), NOBODY_CONSUMES);
        }
        Finding lag = new ConsumerRule(c.maxLag(), c.stalledAfter()).lag(where, o);
        if (lag.condition() == Finding.Condition.BAD) {
          return new Outcome(pipeline, check, where, Result.BEHIND, null, lag.summary(), lag.evidence());
        }
        return new Outcome(pipeline, check, where, Result.READ, null, null,
            "lag " + Numbers.count(o.value()) + " (" + o.note() + "); stalls are judged over time by the daemon");
    }
  }

  private static Outcome unreachable(String pipeline, String check, String where, Observation o) {
    return new Outcome(pipeline, check, where, Result.UNREACHABLE, null, "cannot query " + where, o.note());
  }
}
