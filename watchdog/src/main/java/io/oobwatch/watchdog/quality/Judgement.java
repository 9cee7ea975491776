package io.oobwatch.watchdog.quality;

import io.oobwatch.watchdog.detect.Finding;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a quality or cost rule concluded at one evaluation: the {@link Finding} (whose {@code
 * decide} gives the one {@code Decision}), the figures behind it for {@code /status}, {@code
 * /metrics} and {@code check}, and, for a rule that pages per session, each session's own finding.
 *
 * @param finding the signal's finding: its status line; the alert it decides for a rule without parts
 * @param sessions for a rule with one alert per session (request-max): the finding of each session's
 *     alert, by session id; an open session alert absent here is left as it is
 */
public record Judgement(Finding finding, Figure figure, Map<String, Finding> sessions) {
  public Judgement {
    Objects.requireNonNull(finding, "finding");
    Objects.requireNonNull(figure, "figure");
    sessions = Collections.unmodifiableMap(new LinkedHashMap<>(sessions));
  }

  Judgement(Finding finding, Figure figure) {
    this(finding, figure, Map.of());
  }

  /**
   * A signal's current value beside its baseline.
   *
   * @param value NaN when not known yet
   * @param baseline null without one
   * @param sigma the standard error the value is judged with; null where none applies
   * @param samples the requests the value stands on
   */
  public record Figure(double value, Double baseline, Double sigma, long samples) {
    static Figure unknown() {
      return new Figure(Double.NaN, null, null, 0);
    }
  }
}
