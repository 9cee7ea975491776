package io.oobwatch.probes;

import java.util.Objects;

/**
 * Whether a stage still takes in real traffic: the probe of its newest real (non-synthetic) record,
 * and what that record's arrival is called at this kind of stage, in the words of a page ("no real
 * record indexed since 20:14:07Z", "... written to inference-logs since ...", "... ingested since ...").
 *
 * @param newest a probe whose VALUE is the time (epoch millis) of the newest real record the stage holds
 * @param arrived how a real record arrives at the stage, as a past participle ("indexed", "written
 *     to inference-logs", "ingested")
 */
public record RealTraffic(Probe newest, String arrived) {
  public RealTraffic {
    Objects.requireNonNull(newest, "newest");
    Objects.requireNonNull(arrived, "arrived");
  }
}
