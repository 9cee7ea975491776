package io.oobwatch.watchdog.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The quantile sketch: its stated relative accuracy, merging, and its stored form. */
class SketchTest {
  final Random random = new Random(42);

  double[] lognormal(int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 800 * Math.exp(0.9 * random.nextGaussian());
    }
    return v;
  }

  static double exact(double[] sorted, double q) {
    return sorted[(int) Math.floor(q * (sorted.length - 1))];
  }

  @Test
  void everyQuantileOfLognormalTokensIsWithinOnePercentOfTheTrueValue() {
    double[] v = lognormal(100_000);
    Sketch s = new Sketch();
    Arrays.stream(v).forEach(s::add);
    Arrays.sort(v);

    for (double q : new double[] {0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1}) {
      double truth = exact(v, q);
      assertThat(s.quantile(q)).as("p%s", q * 100).isCloseTo(truth, within(truth * Sketch.ACCURACY));
    }
  }

  @Test
  void twoMergedSketchesAnswerAsOneSketchOfBothHalves() {
    double[] a = lognormal(5_000);
    double[] b = lognormal(7_000);
    Sketch left = new Sketch();
    Sketch right = new Sketch();
    Sketch both = new Sketch();
    Arrays.stream(a).forEach(x -> { left.add(x); both.add(x); });
    Arrays.stream(b).forEach(x -> { right.add(x); both.add(x); });

    left.merge(right);

    assertThat(left.count()).isEqualTo(12_000);
    for (double q : new double[] {0.1, 0.5, 0.99}) {
      assertThat(left.quantile(q)).isEqualTo(both.quantile(q));
    }
  }

  @Test
  void negativeZeroAndPositiveValuesAreRankedInOrder() {
    Sketch s = new Sketch();
    for (double v : new double[] {-5, -1, 0, 0, 2, 10}) {
      s.add(v);
    }

    assertThat(s.quantile(0)).isCloseTo(-5, within(0.05));
    assertThat(s.quantile(0.4)).isZero();
    assertThat(s.quantile(1)).isCloseTo(10, within(0.1));
  }

  @Test
  void theStoredFormReadsBackToTheSameAnswersInAFewHundredBytes() throws IOException {
    Sketch s = new Sketch();
    Arrays.stream(lognormal(10_000)).forEach(s::add);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    s.write(new DataOutputStream(bytes));

    Sketch read = Sketch.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

    assertThat(bytes.size()).isLessThan(1_000);
    assertThat(read.count()).isEqualTo(10_000);
    assertThat(read.quantile(0.95)).isEqualTo(s.quantile(0.95));
  }

  @Test
  void anEmptySketchHasNoQuantile() {
    assertThat(new Sketch().quantile(0.5)).isNaN();
  }
}
