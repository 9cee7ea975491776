package io.oobwatch.watchdog.quality;

import io.oobwatch.watchdog.config.QualitySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Raw records in, one {@link Tally} per minute out: each record is parsed once, counted in the
 * minute it was logged in, and dropped. A record that is not JSON, or larger than {@value
 * QualitySpec#MAX_RECORD_BYTES} bytes (not parsed at all), is counted as a problem of its minute;
 * nothing a record holds can make it throw. Not thread-safe: one tap feeds it.
 */
public final class MinuteTallies {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final QualitySpec spec;
  private final TreeMap<Instant, Tally> minutes = new TreeMap<>();

  public MinuteTallies(QualitySpec spec) {
    this.spec = spec;
  }

  /** Counts one record logged at {@code at}. */
  public void offer(byte[] value, Instant at) {
    Instant minute = minuteOf(at);
    Tally t = minutes.computeIfAbsent(minute, m -> new Tally());
    if (value == null || value.length > QualitySpec.MAX_RECORD_BYTES) {
      t.problem(value == null ? Tally.Problem.Kind.NOT_JSON : Tally.Problem.Kind.TOO_LARGE, "");
      return;
    }
    JsonNode record;
    try {
      record = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      record = null;
    } catch (IOException e) {
      record = null;
    }
    if (record == null || !record.isObject()) {
      t.problem(Tally.Problem.Kind.NOT_JSON, "");
      return;
    }
    t.add(record, spec, at.getEpochSecond());
  }

  /** The minutes counted so far, still open (the newest may grow), by the minute's start. */
  public NavigableMap<Instant, Tally> minutes() {
    return Collections.unmodifiableNavigableMap(minutes);
  }

  /** Forgets the minutes that began before {@code before}, once stored for good. */
  public void forget(Instant before) {
    minutes.headMap(before, false).clear();
  }

  /** The start of the minute {@code t} lies in. */
  public static Instant minuteOf(Instant t) {
    return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), 60) * 60);
  }
}
