package io.oobwatch.probes;

import java.time.Instant;
import java.util.Objects;

/**
 * What one probe saw of one signal at one moment, on oobwatch's clock.
 *
 * <ul>
 *   <li>{@link Kind#VALUE}: the target answered with a measurement: {@code value} (and, for some
 *       signals, {@code aux}); {@code note} may carry a short state such as a consumer group's
 *       "Stable".
 *   <li>{@link Kind#NONE}: the target answered but there is nothing to measure, and {@code note}
 *       says why ("no index matches inference-logs-*", "consumer group logstash does not exist").
 *       Never a zero: a pattern that matches nothing is not an empty, fresh index.
 *   <li>{@link Kind#UNKNOWN}: the target could not be queried; {@code note} is the reason, written
 *       for the person paged ("elasticsearch at http://es:9200 refused the connection").
 * </ul>
 *
 * @param value the measurement (records per minute, newest record's epoch millis, lag); 0 unless
 *     VALUE
 * @param aux a second measurement some signals need (a consumer group's committed offsets); 0 when
 *     not used
 */
public record Observation(Instant at, Kind kind, double value, double aux, String note) {
  public enum Kind {
    VALUE,
    NONE,
    UNKNOWN
  }

  public Observation {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    note = note == null ? "" : note;
    if (kind != Kind.VALUE && note.isEmpty()) {
      throw new IllegalArgumentException(kind + " needs a reason");
    }
    if (Double.isNaN(value) || Double.isNaN(aux)) {
      throw new IllegalArgumentException("a measurement is a number, not NaN");
    }
  }

  public static Observation value(Instant at, double value) {
    return new Observation(at, Kind.VALUE, value, 0, "");
  }

  public static Observation value(Instant at, double value, double aux, String note) {
    return new Observation(at, Kind.VALUE, value, aux, note);
  }

  public static Observation none(Instant at, String why) {
    return new Observation(at, Kind.NONE, 0, 0, why);
  }

  public static Observation unknown(Instant at, String reason) {
    return new Observation(at, Kind.UNKNOWN, 0, 0, reason);
  }

  public boolean known() {
    return kind == Kind.VALUE;
  }
}
