package io.oobwatch.watchdog.detect;

import io.oobwatch.probes.Observation;
import java.time.Duration;
import java.time.Instant;

/**
 * Dashboards dark: the newest real record in a sink is older than {@code maxAge}. Pure: the
 * observation and the time are inputs, so a restart changes nothing (the age is the record's own).
 *
 * <p>A sink that answered but has nothing (no index matches, no real record) is silent too, once
 * that has lasted {@code maxAge}; a sink that cannot be queried is not judged here (that is the
 * unknown rule's alert), neither fresh nor silent.
 */
public final class SilenceRule {
  private final Duration maxAge;

  public SilenceRule(Duration maxAge) {
    this.maxAge = maxAge;
  }

  /**
   * @param where the sink in words: "elasticsearch index inference-logs-*"
   * @param latest the newest observation (epoch millis of the newest real record), or null
   * @param noneSince when the current run of NONE observations began (null unless latest is NONE)
   */
  public Finding judge(String where, Observation latest, Instant noneSince, Instant now) {
    if (latest == null) {
      return Finding.undecided("not observed yet");
    }
    switch (latest.kind()) {
      case UNKNOWN:
        return Finding.undecided("unknown: " + latest.note());
      case NONE:
        {
          Instant since = noneSince == null ? latest.at() : noneSince;
          Duration lasted = Duration.between(since, now);
          if (lasted.compareTo(maxAge) >= 0) {
            return Finding.bad("no inference logs in " + where + " for " + Numbers.span(lasted),
                capital(latest.note()) + " since " + Numbers.time(since, now) + ".");
          }
          return Finding.undecided(latest.note() + " for " + Numbers.span(lasted));
        }
      default:
        {
          Instant newest = Instant.ofEpochMilli((long) latest.value());
          Duration age = Duration.between(newest, now);
          if (age.compareTo(maxAge) > 0) {
            return Finding.bad("no new inference logs in " + where + " for " + Numbers.span(age),
                "Newest " + Numbers.time(newest, now) + "; max_age " + Numbers.span(maxAge) + ".");
          }
          return Finding.ok("newest " + Numbers.time(newest, now) + ", " + Numbers.span(age) + " old");
        }
    }
  }

  static String capital(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
