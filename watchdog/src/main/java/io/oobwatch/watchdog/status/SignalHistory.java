package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * A pipeline's signal checks over the last 24 hours, per 10-minute bucket, as {@code GET
 * /history/signals?pipeline=P} answers it and the status page draws it.
 *
 * @param bucket the bucket length ("10m")
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SignalHistory(String pipeline, String bucket, Instant from, Instant to, List<Series> series) {
  public SignalHistory {
    series = StatusJson.list(series);
  }

  /**
   * One check's series.
   *
   * @param type freshness, volume or consumer_lag; for a quality or cost signal ({@code
   *     /history/quality}) rate, mean, quantile, request_max or spend
   * @param unit what the values are: "s" (freshness age), "/min" (volume), "records" (lag); "share"
   *     (a rate, as a fraction), "tokens" (the largest request), "spent today" (spend since UTC midnight)
   * @param threshold the line a value must stay under (freshness max_age, max_lag) or, for volume,
   *     the fraction of the baseline it must stay above (1 - drop); a mean's or quantile's
   *     threshold, a request's max, the day's spend cap; absent when the check has none (a rate is
   *     judged against its moving baseline)
   * @param points oldest first, a bucket without a known observation is absent
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Series(
      String type, String name, String unit, @JsonInclude(JsonInclude.Include.NON_NULL) Double threshold,
      List<Point> points) {
    public Series {
      points = StatusJson.list(points);
    }
  }

  /**
   * One bucket: the value (freshness: the largest age; volume: the mean rate; lag: the largest);
   * for volume also the same bucket yesterday and a week ago (absent when unknown).
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Point(Instant start, double value, Double yesterday, Double lastWeek) {}
}
