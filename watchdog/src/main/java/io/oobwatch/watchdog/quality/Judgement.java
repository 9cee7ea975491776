package io.oobwatch.watchdog.quality;

import io.oobwatch.watchdog.detect.Finding;
import java.util.List;
import java.util.Objects;

/**
 * What a quality or cost rule concluded at one evaluation: the {@link Finding} (whose {@code
 * decide} gives the one {@code Decision}), the figures behind it for {@code /status}, {@code
 * /metrics} and {@code check}, and the sessions a page names (so each session pages once).
 */
public record Judgement(Finding finding, Figure figure, List<String> sessions) {
  public Judgement {
    Objects.requireNonNull(finding, "finding");
    Objects.requireNonNull(figure, "figure");
    sessions = List.copyOf(sessions);
  }

  Judgement(Finding finding, Figure figure) {
    this(finding, figure, List.of());
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
