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
   * minute it was made in (a later observation of a signal in the same minute replaces the
   * earlier). Kept until pruned: at least 8 days, so "same time last week" is oobwatch's own.
   */
  void saveObservations(List<SignalObservation> observations);

  /** A signal's observations made in {@code [from, to)}, oldest first, each at its minute. */
  List<Observation> observations(String signal, Instant from, Instant to);

  /** The known (VALUE) observations of a signal made in {@code [from, to)}: how many, and their sum. */
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

  /** An observation of a named signal ("inference-logs/volume/kafka"). */
  record SignalObservation(String signal, Observation observation) {}

  /** Known observations in a span of time, as stored: how many, and the sum of their values. */
  record Window(int values, double sum) {}
}
