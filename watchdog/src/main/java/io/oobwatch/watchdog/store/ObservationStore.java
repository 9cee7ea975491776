package io.oobwatch.watchdog.store;

import io.oobwatch.probes.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Per-minute observations of named signals, on oobwatch's own disk, so that "same time yesterday"
 * and "same time last week" are oobwatch's own and survive a restart.
 */
public interface ObservationStore {

  /**
   * Saves one round of observations in one transaction, each under its signal's name and the
   * minute it was made in. A later observation of a signal in the same minute replaces the
   * earlier, except that known readings of a rate which each cover a span ({@link
   * SignalObservation#covers}) are merged: the minute keeps their mean weighed by the time each
   * covers, and the time they cover together (at most the minute). Kept until pruned: at least 8
   * days, so "same time last week" is oobwatch's own.
   */
  void saveObservations(List<SignalObservation> observations);

  /** A signal's observations made in {@code [from, to)}, oldest first, each at its minute. */
  List<Observation> observations(String signal, Instant from, Instant to);

  /**
   * The known (VALUE) observations of a signal made in {@code [from, to)}: how many, the sum of
   * their values each times the seconds it covers, and those seconds (a minute for an observation
   * saved without {@link SignalObservation#covers}).
   */
  Window window(String signal, Instant from, Instant to);

  /**
   * Several windows of one signal in one read, as {@link #window} gives each: for every end in
   * {@code ends}, the known observations made in {@code [end - length, end)}; in the order of ends.
   */
  List<Window> windows(String signal, Duration length, List<Instant> ends);

  /**
   * When the signal's current run of observations of the given kinds began: the first observation
   * after the newest one of another kind; null when the newest observation is of another kind or
   * there is none.
   */
  Instant runStart(String signal, Set<Observation.Kind> kinds);

  /** Deletes observations older than {@code before} (history is kept at least 8 days). */
  void prune(Instant before);

  /**
   * An observation of a named signal ("inference-logs/volume/kafka").
   *
   * @param covers for a reading of a rate, the time it stands for (the time since the previous
   *     reading, at most a minute), so that several readings in one minute are merged; null for a
   *     reading of a state (a newest record, a lag), which the minute's next reading replaces
   */
  record SignalObservation(String signal, Observation observation, Duration covers) {
    /** A reading of a state, replaced by the minute's next one. */
    public SignalObservation(String signal, Observation observation) {
      this(signal, observation, null);
    }
  }

  /**
   * Known observations in a span of time, as stored: how many, the sum of each value times the
   * seconds it covers, and those seconds.
   */
  record Window(int values, double weightedSum, double seconds) {
    /** {@code values} whole minutes whose values add up to {@code sum}. */
    public Window(int values, double sum) {
      this(values, sum * 60, values * 60.0);
    }
  }
}
