package io.oobwatch.watchdog.quality;

import io.oobwatch.watchdog.config.Pricing;

import io.oobwatch.watchdog.config.FieldPath;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Realistic inference log records, as JSON: diurnal traffic (60 requests a minute at 03:00 UTC, 300
 * at 15:00) with Poisson noise; refusals (finish_reason content_filter) about 2%; safety flags about
 * 1.5%; confidence about 0.82 ± 0.08; lognormal tokens (input median 800, output median 300); three
 * models with different prices, of which the small one logs no cost (the price table computes it)
 * and the others log cost_usd. Every change of behaviour an anomaly needs is a field to set.
 */
public final class InferenceTraffic {
  /** Model ids and their price per 1k input and output tokens; traffic shares in {@link #shares}. */
  public static final String[] MODELS = {"small-1", "medium-2", "large-3"};
  public static final double[][] PRICES = {{0.0006, 0.0008}, {0.003, 0.006}, {0.03, 0.06}};

  private final Random random;
  private long next;
  /** Traffic share per model, in the order of {@link #MODELS}. */
  public double[] shares = {0.80, 0.15, 0.05};
  public double refusals = 0.02;
  public double safetyFlags = 0.015;
  public double confidence = 0.82;
  public double trafficFactor = 1.0;
  /** A session whose every turn (one a minute) uses 20k more input tokens than the one before; null for none. */
  public String runawaySession;
  private int runawayTurns;

  public InferenceTraffic(long seed) {
    this.random = new Random(seed);
  }

  public static Pricing pricing() {
    java.util.Map<String, Pricing.Price> prices = new java.util.HashMap<>();
    for (int i = 0; i < MODELS.length; i++) {
      prices.put(MODELS[i], new Pricing.Price(PRICES[i][0], PRICES[i][1]));
    }
    return new Pricing(FieldPath.of("cost_usd"), FieldPath.of("model.id"), FieldPath.of("tokens_in"),
        FieldPath.of("tokens_out"), prices);
  }

  /** Requests per minute at {@code t}: 60 at 03:00 rising to 300 at 15:00. */
  public static double perMinute(Instant t) {
    double hour = t.atZone(ZoneOffset.UTC).getHour() + t.atZone(ZoneOffset.UTC).getMinute() / 60.0;
    return 180 - 120 * Math.cos(2 * Math.PI * (hour - 3) / 24);
  }

  /** One minute of records, each with its log time, starting at {@code minute}. */
  public List<Timed> minute(Instant minute) {
    double lambda = perMinute(minute) * trafficFactor;
    int n = (int) Math.max(0, Math.round(lambda + Math.sqrt(lambda) * random.nextGaussian()));
    List<Timed> out = new ArrayList<>(n + 1);
    for (int i = 0; i < n; i++) {
      Instant at = minute.plusMillis(random.nextInt(60_000));
      out.add(new Timed(at, record(at, "sess_" + Integer.toHexString(random.nextInt(1 << 20)),
          lognormal(800, 0.7), lognormal(300, 0.6))));
    }
    if (runawaySession != null) {
      runawayTurns++;
      Instant at = minute.plusSeconds(30);
      out.add(new Timed(at, record(at, runawaySession, 20_000.0 * runawayTurns, 400)));
    }
    return out;
  }

  private byte[] record(Instant at, String session, double tokensIn, double tokensOut) {
    int model = pick();
    String finish = random.nextDouble() < refusals ? "content_filter" : random.nextDouble() < 0.1 ? "length" : "stop";
    String safety = random.nextDouble() < safetyFlags ? (random.nextBoolean() ? "violence" : "self_harm") : "none";
    double conf = Math.max(0, Math.min(1, confidence + 0.08 * random.nextGaussian()));
    long in = Math.round(tokensIn);
    long out = Math.round(tokensOut);
    StringBuilder b = new StringBuilder(320);
    b.append("{\"request_id\":\"req_").append(Long.toHexString(0x100000000L + next++))
        .append("\",\"session_id\":\"").append(session)
        .append("\",\"ts\":\"").append(at)
        .append("\",\"model\":{\"id\":\"").append(MODELS[model]).append("\",\"version\":\"2026-10\"}")
        .append(",\"latency_ms\":").append(200 + random.nextInt(900))
        .append(",\"tokens_in\":").append(in).append(",\"tokens_out\":").append(out)
        .append(",\"finish_reason\":\"").append(finish)
        .append("\",\"safety_flag\":\"").append(safety)
        .append("\",\"confidence\":").append(String.format(Locale.ROOT, "%.3f", conf));
    if (model != 0) {
      double cost = in / 1000.0 * PRICES[model][0] + out / 1000.0 * PRICES[model][1];
      b.append(",\"cost_usd\":").append(String.format(Locale.ROOT, "%.6f", cost));
    }
    b.append(",\"synthetic\":false}");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private int pick() {
    double r = random.nextDouble();
    for (int i = 0; i < shares.length - 1; i++) {
      if ((r -= shares[i]) < 0) {
        return i;
      }
    }
    return shares.length - 1;
  }

  private double lognormal(double median, double sigma) {
    return median * Math.exp(sigma * random.nextGaussian());
  }

  /** A record and the time it was logged. */
  public record Timed(Instant at, byte[] value) {}
}
