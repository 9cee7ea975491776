package io.oobwatch.probes.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What looking for every registered canary id in a record costs, per record of about 1 KB: each id
 * searched for in turn (as before readers were shared) against {@link IdMatcher}'s one pass, for 3
 * ids (one pipeline), 30 and 600 (200 pipelines with 3 canaries in flight each on one topic).
 * Median of 5 rounds over 10,000 records after 2 rounds of warm-up. Results in
 * benchmarks/results.md ("Kafka stage: one reader per topic").
 */
@Tag("benchmark")
class KafkaScanBenchmark {
  private static final int RECORDS = 10_000;

  @Test
  void oneScanOfARecordCostsItsLengthNotItsLengthTimesTheCanariesInFlight() {
    byte[][] plain = records(new Random(1));
    for (int n : new int[] {3, 30, 600}) {
      List<byte[]> ids = new ArrayList<>();
      IdMatcher<byte[]> matcher = new IdMatcher<>();
      for (int i = 0; i < n; i++) {
        byte[] id = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
        ids.add(id);
        matcher.add(id, id);
      }
      byte[][] records = withCanaries(plain, ids);
      double[] oneByOne = new double[7];
      double[] onePass = new double[7];
      for (int round = 0; round < 7; round++) {
        long t0 = System.nanoTime();
        int hits = 0;
        for (byte[] v : records) {
          for (byte[] id : ids) {
            hits += TopicReader.contains(v, id) ? 1 : 0;
          }
        }
        long t1 = System.nanoTime();
        int[] found = {0};
        for (byte[] v : records) {
          matcher.forEachIn(v, id -> found[0]++);
        }
        long t2 = System.nanoTime();
        assertThat(found[0]).isEqualTo(hits).isEqualTo(RECORDS / 100);
        oneByOne[round] = (t1 - t0) / 1e3 / RECORDS;
        onePass[round] = (t2 - t1) / 1e3 / RECORDS;
      }
      System.out.printf("kafka scan benchmark: %d ids, per record of ~1 KB: one by one %.2f us, one pass %.2f us%n",
          n, median(oneByOne), median(onePass));
    }
  }

  /** One record in 100 holds one of the ids, at its end. */
  private static byte[][] withCanaries(byte[][] plain, List<byte[]> ids) {
    byte[][] out = plain.clone();
    for (int i = 0; i < out.length; i += 100) {
      byte[] id = ids.get((i / 100) % ids.size());
      out[i] = Arrays.copyOf(plain[i], plain[i].length + id.length);
      System.arraycopy(id, 0, out[i], plain[i].length, id.length);
    }
    return out;
  }

  /** Inference-log-shaped records of about 1 KB. */
  private static byte[][] records(Random r) {
    byte[][] out = new byte[RECORDS][];
    for (int i = 0; i < RECORDS; i++) {
      StringBuilder sb = new StringBuilder("{\"@timestamp\":\"2026-12-01T05:00:00Z\",\"service\":\"support-bot\","
          + "\"request_id\":\"" + UUID.randomUUID() + "\",\"prompt_tokens\":" + r.nextInt(4000)
          + ",\"completion_tokens\":" + r.nextInt(800) + ",\"text\":\"");
      while (sb.length() < 1000) {
        sb.append((char) ('a' + r.nextInt(26)));
      }
      out[i] = sb.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
    }
    return out;
  }

  private static double median(double[] rounds) {
    double[] measured = Arrays.copyOfRange(rounds, 2, rounds.length);
    Arrays.sort(measured);
    return measured[measured.length / 2];
  }
}
