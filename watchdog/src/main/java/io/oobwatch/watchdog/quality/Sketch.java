package io.oobwatch.watchdog.quality;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * A mergeable quantile sketch with a relative accuracy of {@value #ACCURACY} (DDSketch-style): a
 * value {@code v > 0} is counted in the bucket {@code ceil(log(v) / log(gamma))}, {@code gamma =
 * (1 + a) / (1 - a)}, and a quantile is answered with its bucket's centre, within 1% of the true
 * value at that rank. Negative values are counted in mirrored buckets, values closer to 0 than
 * {@value #MIN_MAGNITUDE} in one zero bucket. Two sketches merge by adding bucket counts, so
 * minutes merge into windows and hours without losing accuracy. Not thread-safe.
 */
final class Sketch {
  static final double ACCURACY = 0.01;
  static final double MIN_MAGNITUDE = 1e-9;
  private static final double GAMMA = (1 + ACCURACY) / (1 - ACCURACY);
  private static final double LOG_GAMMA = Math.log(GAMMA);

  private final Buckets positive = new Buckets();
  private final Buckets negative = new Buckets();
  private long zeros;

  void add(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return;
    }
    if (Math.abs(v) < MIN_MAGNITUDE) {
      zeros++;
    } else if (v > 0) {
      positive.add(index(v), 1);
    } else {
      negative.add(index(-v), 1);
    }
  }

  long count() {
    return positive.total + negative.total + zeros;
  }

  void merge(Sketch other) {
    positive.merge(other.positive);
    negative.merge(other.negative);
    zeros += other.zeros;
  }

  /** The value at rank {@code q} (0..1), within {@value #ACCURACY} of it; NaN when empty. */
  double quantile(double q) {
    long n = count();
    if (n == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.floor(Math.max(0, Math.min(1, q)) * (n - 1));
    // negatives from the most negative (largest index) up, then zeros, then positives
    if (rank < negative.total) {
      long seen = 0;
      for (int i = negative.counts.length - 1; i >= 0; i--) {
        seen += negative.counts[i];
        if (seen > rank) {
          return -value(negative.offset + i);
        }
      }
    }
    rank -= negative.total;
    if (rank < zeros) {
      return 0;
    }
    rank -= zeros;
    long seen = 0;
    for (int i = 0; i < positive.counts.length; i++) {
      seen += positive.counts[i];
      if (seen > rank) {
        return value(positive.offset + i);
      }
    }
    return value(positive.offset + positive.counts.length - 1);
  }

  private static int index(double magnitude) {
    return (int) Math.ceil(Math.log(magnitude) / LOG_GAMMA);
  }

  private static double value(int index) {
    return 2 * Math.pow(GAMMA, index) / (GAMMA + 1);
  }

  void write(DataOutputStream out) throws IOException {
    Codec.writeLong(out, zeros);
    positive.write(out);
    negative.write(out);
  }

  static Sketch read(DataInputStream in) throws IOException {
    Sketch s = new Sketch();
    s.zeros = Codec.readLong(in);
    s.positive.read(in);
    s.negative.read(in);
    return s;
  }

  /** Dense counts from bucket {@code offset} on, grown on either side as values arrive. */
  private static final class Buckets {
    long[] counts = new long[0];
    int offset;
    long total;

    void add(int index, long n) {
      if (counts.length == 0) {
        counts = new long[16];
        offset = index - 8;
      }
      if (index < offset) {
        int grow = Math.max(offset - index, counts.length / 2);
        long[] c = new long[counts.length + grow];
        System.arraycopy(counts, 0, c, grow, counts.length);
        counts = c;
        offset -= grow;
      } else if (index >= offset + counts.length) {
        counts = Arrays.copyOf(counts, Math.max(index - offset + 1, counts.length + counts.length / 2));
      }
      counts[index - offset] += n;
      total += n;
    }

    void merge(Buckets other) {
      for (int i = 0; i < other.counts.length; i++) {
        if (other.counts[i] != 0) {
          add(other.offset + i, other.counts[i]);
        }
      }
    }

    /** The used range only: first index, length, then the counts. */
    void write(DataOutputStream out) throws IOException {
      int from = 0;
      int to = counts.length;
      while (from < to && counts[from] == 0) {
        from++;
      }
      while (to > from && counts[to - 1] == 0) {
        to--;
      }
      Codec.writeLong(out, Codec.zigzag(offset + from));
      Codec.writeLong(out, to - from);
      for (int i = from; i < to; i++) {
        Codec.writeLong(out, counts[i]);
      }
    }

    void read(DataInputStream in) throws IOException {
      int first = (int) Codec.unzigzag(Codec.readLong(in));
      int length = (int) Codec.readLong(in);
      if (length < 0 || length > 100_000) {
        throw new IOException("sketch with " + length + " buckets");
      }
      counts = new long[length];
      offset = first;
      for (int i = 0; i < length; i++) {
        counts[i] = Codec.readLong(in);
        total += counts[i];
      }
    }
  }
}
