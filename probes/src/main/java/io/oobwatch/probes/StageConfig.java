package io.oobwatch.probes;

import java.util.Optional;

/** A stage's settings: a kind where a canary can be looked for implements it. */
public interface StageConfig {
  /** The stage named {@code name}; it connects on first use. */
  Stage open(String name, ProbeContext ctx);

  /** What is searched, in the words of a page ("elasticsearch index inference-logs-*"). */
  String where();

  /**
   * Whether the stage still takes in real traffic, when its kind can say: a probe whose VALUE is
   * the time (epoch millis) of the newest real (non-synthetic) record the stage holds, with the
   * kind's word for such a record arriving. A canary late at a stage whose newest real record
   * stopped moving since the canary was emitted is a stall; late while real records keep coming in
   * is a slowdown. Empty (the default) when the kind cannot say: a late canary then waits for the
   * deadline. Opening never connects.
   */
  default Optional<RealTraffic> realTraffic(ProbeContext ctx) {
    return Optional.empty();
  }
}
