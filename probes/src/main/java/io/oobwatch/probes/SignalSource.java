package io.oobwatch.probes;

/**
 * Settings of a place a pipeline's signal is read from (freshness, volume, consumer lag). Each
 * signal has its own sub-interface, so that a kind offers exactly the signals it can give.
 */
public interface SignalSource {
  /**
   * Where the signal is read, in the words of a page ("kafka topic inference-logs"); a source with
   * no better name than its check's says "KIND NAME".
   */
  String where(String checkName);

  /** A source of the newest real (non-synthetic) record's time. */
  interface Freshness extends SignalSource {
    Probe freshness(ProbeContext ctx);
  }

  /** A source of records per minute. */
  interface Volume extends SignalSource {
    Probe volume(ProbeContext ctx);

    /**
     * Whether the probe gives a rate only from its second reading on (it counts growth, like
     * Kafka's end offsets), so a one-off check must read it twice.
     */
    default boolean rateFromTwoReadings() {
      return false;
    }
  }

  /** A source of a consumer group's lag and committed offsets. */
  interface ConsumerLag extends SignalSource {
    Probe consumerLag(ProbeContext ctx);

    /** The group's name, the check's default name. */
    String group();
  }

  /** A log stream oobwatch can read itself, for the quality and cost signals. */
  interface Tap extends SignalSource {
    /**
     * A reader of the stream in its own consumer group, {@code group}, that never commits offsets
     * (so it changes nothing another consumer sees). Opening never connects.
     */
    io.oobwatch.probes.Tap tap(String group, ProbeContext ctx);
  }
}
