package io.oobwatch.probes;

/**
 * Observes one signal of a pipeline (the newest real record's time, records per minute, a consumer
 * group's lag) by querying its target once.
 *
 * <p>Contract: {@link #observe()} never throws and never blocks beyond the probe's configured
 * timeout (plus a little); a target that cannot be queried is an {@link Observation.Kind#UNKNOWN}
 * observation with the reason, never a zero. One thread calls a probe.
 */
public interface Probe extends AutoCloseable {

  /** What the signal is now. */
  Observation observe();

  /** Releases connections; the probe is not used afterwards. */
  @Override
  void close();
}
