package io.oobwatch.watchdog.detect;

import io.oobwatch.probes.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A consumer group (the connector between Kafka and the sink) that stopped consuming: its committed
 * offsets stay flat while its lag grows, or it has no members (Empty) or no longer exists, for
 * {@code stalledAfter}; the usual cause of "Kafka healthy, ES healthy, dashboards dark". And, apart,
 * a lag above {@code maxLag}. Pure: the recent observations are an input, so a restart does not
 * reset how long the offsets have been flat.
 */
public final class ConsumerRule {
  static final String USUAL_CAUSE = "The usual cause of \"Kafka healthy, ES healthy, dashboards dark\".";

  private final long maxLag;
  private final Duration stalledAfter;

  /** @param maxLag 0 for no bound */
  public ConsumerRule(long maxLag, Duration stalledAfter) {
    this.maxLag = maxLag;
    this.stalledAfter = stalledAfter;
  }

  /** How far back {@link #stalled} needs observations. */
  public Duration lookback() {
    return stalledAfter.plus(stalledAfter).plusMinutes(2);
  }

  /**
   * @param group the group in words: "consumer group logstash"
   * @param recent the observations of the last {@link #lookback()}, oldest first (VALUE: lag, aux
   *     committed offsets, note the group state; NONE: the group does not exist or has no offsets)
   */
  public Finding stalled(String group, List<Observation> recent, Instant now) {
    if (recent.isEmpty()) {
      return Finding.undecided("not observed yet");
    }
    Observation latest = recent.get(recent.size() - 1);
    if (latest.kind() == Observation.Kind.UNKNOWN) {
      return Finding.undecided("unknown: " + latest.note());
    }
    if (latest.kind() == Observation.Kind.NONE || isEmpty(latest)) {
      // gone or memberless: how long, counting Empty and gone alike
      int i = recent.size() - 1;
      while (i > 0 && (recent.get(i - 1).kind() == Observation.Kind.NONE || isEmpty(recent.get(i - 1)))) {
        i--;
      }
      Duration lasted = Duration.between(recent.get(i).at(), now);
      String what = latest.kind() == Observation.Kind.NONE
          ? latest.note()
          : group + " has no members (Empty); lag " + Numbers.count(latest.value());
      if (lasted.compareTo(stalledAfter) >= 0) {
        return Finding.bad(group + " is not consuming", SilenceRule.capital(what) + ", for " + Numbers.span(lasted) + ". "
            + USUAL_CAUSE);
      }
      return Finding.undecided(what + " for " + Numbers.span(lasted));
    }
    // committed offsets flat since the first observation of the trailing run with the same offsets
    int i = recent.size() - 1;
    while (i > 0 && recent.get(i - 1).kind() == Observation.Kind.VALUE && recent.get(i - 1).aux() == latest.aux()) {
      i--;
    }
    Observation flatFrom = recent.get(i);
    Duration flat = Duration.between(flatFrom.at(), now);
    if (flat.compareTo(stalledAfter) >= 0 && latest.value() > flatFrom.value()) {
      return Finding.bad(group + " stalled",
          "Committed offsets flat for " + Numbers.span(flat) + " while lag grew from " + Numbers.count(flatFrom.value())
              + " to " + Numbers.count(latest.value()) + " (" + latest.note() + "). " + USUAL_CAUSE);
    }
    return Finding.ok("lag " + Numbers.count(latest.value()) + ", " + latest.note()
        + (flat.compareTo(stalledAfter) >= 0 ? ", idle (lag not growing)" : ", consuming"));
  }

  /** The lag bound; OK when there is none. */
  public Finding lag(String group, Observation latest) {
    if (maxLag <= 0) {
      return Finding.ok("no lag bound");
    }
    if (latest == null || latest.kind() != Observation.Kind.VALUE) {
      return Finding.undecided(latest == null ? "not observed yet" : latest.note());
    }
    if (latest.value() > maxLag) {
      return Finding.bad(group + " lag " + Numbers.count(latest.value()) + " above max_lag " + maxLag,
          "Lag " + Numbers.count(latest.value()) + " (" + latest.note() + ").");
    }
    return Finding.ok("lag " + Numbers.count(latest.value()) + " within " + maxLag);
  }

  private static boolean isEmpty(Observation o) {
    return o.kind() == Observation.Kind.VALUE && "Empty".equals(o.note());
  }
}
