package io.oobwatch.watchdog.detect;

import io.oobwatch.probes.Observation;
import java.time.Duration;
import java.time.Instant;

/**
 * A source that cannot be queried is a signal of its own: after {@code after} of nothing but
 * unknown observations it fires "cannot query elasticsearch for 5m: connection refused"; the first
 * answer resolves it. Never treated as zero or fresh. Pure; the run's start comes from the stored
 * observations, so a restart does not reset the bound.
 */
public final class UnknownRule {
  private final Duration after;

  public UnknownRule(Duration after) {
    this.after = after;
  }

  /**
   * @param what the source in words: "elasticsearch (freshness)"
   * @param latest the newest observation, or null
   * @param answered whether {@code latest} counts as an answer (a NONE does for freshness, not
   *     for volume, where it carries no number)
   * @param unknownSince when the current run of unanswered observations began
   */
  public Finding judge(String what, Observation latest, boolean answered, Instant unknownSince, Instant now) {
    if (latest == null) {
      return Finding.undecided("not observed yet");
    }
    if (answered) {
      return Finding.ok("answering");
    }
    Instant since = unknownSince == null ? latest.at() : unknownSince;
    Duration lasted = Duration.between(since, now);
    if (lasted.compareTo(after) >= 0) {
      return Finding.bad("cannot query " + what + " for " + Numbers.span(lasted), SilenceRule.capital(latest.note()) + ".");
    }
    return Finding.undecided("unknown for " + Numbers.span(lasted) + ": " + latest.note());
  }
}
