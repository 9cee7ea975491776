package io.oobwatch.watchdog.statuspage;

import io.oobwatch.watchdog.status.CanaryHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The page's charts as inline SVG: no script draws them, so they show as soon as the page does.
 * Every chart spans the same 24 hours, one column per 10-minute bucket, and scales with its box
 * (the style sheet sets the width), so a phone shows the same chart narrower.
 */
final class Svg {
  static final int COLUMNS = 144;
  static final int COLUMN = 4;
  static final int WIDTH = COLUMNS * COLUMN;

  private Svg() {}

  /** A value at a bucket start, for a line. */
  record Point(Instant start, double value) {}

  /** One line: its points, its class (colour and dash come from the style sheet), its label. */
  record Line(String cls, String label, List<Point> points) {}

  /**
   * One bar per run of adjacent buckets with the same worst outcome, coloured by it (hover: the
   * run's span and counts); time without a judged canary is left grey.
   */
  static void timeline(Html h, Instant from, List<CanaryHistory.Bucket> buckets) {
    h.raw("<svg class=\"timeline\" viewBox=\"0 0 " + WIDTH + " 24\" preserveAspectRatio=\"none\" role=\"img\">");
    h.raw("<title>canary outcomes, last 24 h, per 10 minutes</title>");
    h.raw("<rect class=\"t-none\" x=\"0\" y=\"0\" width=\"" + WIDTH + "\" height=\"24\"/>");
    int i = 0;
    while (i < buckets.size()) {
      CanaryHistory.Bucket first = buckets.get(i);
      int col = column(from, first.start());
      String worst = first.worst();
      int ok = 0;
      int slow = 0;
      int late = 0;
      int lost = 0;
      int unreachable = 0;
      int j = i;
      while (j < buckets.size() && buckets.get(j).worst().equals(worst)
          && column(from, buckets.get(j).start()) == col + (j - i)) {
        CanaryHistory.Bucket b = buckets.get(j);
        ok += b.ok();
        slow += b.slow();
        late += b.late();
        lost += b.lost();
        unreachable += b.unreachable();
        j++;
      }
      int width = j - i;
      if (col >= 0 && col < COLUMNS) {
        Instant end = first.start().plus(Duration.ofMinutes(10L * width));
        h.raw("<rect").attr("class", "t-" + worst).attr("x", col * COLUMN).attr("y", 0)
            .attr("width", width * COLUMN).attr("height", 24).raw("><title>")
            .text(Html.hhmm(first.start()) + "–" + Html.hhmm(end) + "Z: " + ok + " ok, " + slow + " slow, " + late
                + " late, " + lost + " lost, " + unreachable + " unreachable")
            .raw("</title></rect>");
      }
      i = j;
    }
    h.raw("</svg>");
  }

  /**
   * Lines over the day with a horizontal threshold (dashed red, labelled), scaled so that both the
   * lines and the threshold fit.
   */
  static void chart(Html h, String title, Instant from, List<Line> lines, Double threshold, String thresholdLabel,
      String unit) {
    int height = 64;
    double max = threshold == null ? 0 : threshold;
    for (Line l : lines) {
      for (Point p : l.points()) {
        max = Math.max(max, p.value());
      }
    }
    max = max <= 0 ? 1 : max * 1.1;
    h.raw("<svg class=\"chart\" viewBox=\"0 0 " + WIDTH + " " + height + "\" preserveAspectRatio=\"none\" role=\"img\">");
    h.raw("<title>").text(title).raw("</title>");
    h.raw("<rect class=\"c-bg\" x=\"0\" y=\"0\" width=\"" + WIDTH + "\" height=\"" + height + "\"/>");
    if (threshold != null) {
      double y = y(threshold, max, height);
      h.raw("<line class=\"c-threshold\"").attr("x1", 0).attr("x2", WIDTH).attr("y1", fmt(y)).attr("y2", fmt(y))
          .raw("><title>").text(thresholdLabel).raw("</title></line>");
    }
    for (Line l : lines) {
      if (l.points().isEmpty()) {
        continue;
      }
      StringBuilder pts = new StringBuilder();
      for (Point p : l.points()) {
        int col = column(from, p.start());
        if (col < 0 || col >= COLUMNS) {
          continue;
        }
        pts.append(fmt(col * COLUMN + COLUMN / 2.0)).append(',').append(fmt(y(p.value(), max, height))).append(' ');
      }
      String cls = "c-line " + l.cls();
      if (l.points().size() == 1) {
        String[] xy = pts.toString().strip().split(",");
        if (xy.length == 2) {
          h.raw("<circle").attr("class", cls).attr("cx", xy[0]).attr("cy", xy[1]).attr("r", 2).raw("/>");
        }
      }
      h.raw("<polyline").attr("class", cls).attr("points", pts.toString().strip()).raw("><title>").text(l.label())
          .raw("</title></polyline>");
    }
    h.raw("</svg>");
    h.raw("<div class=\"legend\">");
    for (Line l : lines) {
      h.raw("<span").attr("class", "key " + l.cls()).raw(">").text(l.label()).raw("</span>");
    }
    if (threshold != null) {
      h.raw("<span class=\"key c-threshold\">").text(thresholdLabel).raw("</span>");
    }
    h.raw("<span class=\"key scale\">").text("top " + number(max) + " " + unit).raw("</span></div>");
  }

  private static double y(double v, double max, int height) {
    return height - 2 - (v / max) * (height - 4);
  }

  private static int column(Instant from, Instant start) {
    return (int) (Duration.between(from, start).toMinutes() / 10);
  }

  /** A coordinate to the nearest whole unit of the view box (576 × 64): enough for a chart this size. */
  static String fmt(double d) {
    return Long.toString(Math.round(d));
  }

  static String number(double v) {
    if (Math.abs(v) >= 100 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }

}
