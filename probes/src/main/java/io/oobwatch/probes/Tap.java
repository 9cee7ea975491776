package io.oobwatch.probes;

import java.time.Instant;
import java.util.List;

/**
 * oobwatch's own read-only reader of a log stream. One thread uses it. A failing target is a
 * result: {@link #poll} and {@link #seek} report what went wrong in {@link Polled#problem} and
 * never throw.
 */
public interface Tap extends AutoCloseable {
  /**
   * Positions the reader at the first records logged at or after {@code from}, as far as the stream
   * still holds them (its retained history); at the end where nothing is that recent.
   *
   * @return null when done, else why it could not be done (the reader then starts at the end)
   */
  String seek(Instant from);

  /** The records that arrived, waiting at most {@code waitMillis} for the first. */
  Polled poll(long waitMillis);

  @Override
  void close();

  /** One record: its value and when it was logged (the stream's timestamp). */
  record Record(byte[] value, Instant loggedAt) {}

  /**
   * @param lag records the reader is behind the end of the stream; -1 when unknown
   * @param problem null when the stream could be read; otherwise why not, for a person
   */
  record Polled(List<Record> records, long lag, String problem) {
    public Polled {
      records = List.copyOf(records);
    }
  }
}
