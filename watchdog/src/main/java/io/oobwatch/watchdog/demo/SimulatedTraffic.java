package io.oobwatch.watchdog.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real-looking (non-synthetic) inference traffic: every tick, POSTs a batch of JSON-lines records
 * to the ingest URL, as a log shipper in front of an inference service would. Same shape as a
 * canary record ({@code model}, {@code tokens}, {@code latency_ms}, ...) with {@code synthetic:
 * false}. A failed post is counted and dropped: the generator never stops on its own.
 */
final class SimulatedTraffic implements AutoCloseable {
  private static final Duration TICK = Duration.ofMillis(100);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String[]> MODELS =
      List.of(
          new String[] {"llama-3.1-8b-instruct", "2024-07"},
          new String[] {"llama-3.1-70b-instruct", "2024-07"},
          new String[] {"mistral-7b-instruct", "v0.3"},
          new String[] {"qwen2.5-14b-instruct", "2024-09"});
  private static final List<String> SERVICES = List.of("support-bot", "search-answers", "code-assist");

  private final URI ingest;
  private final Clock clock;
  private final HttpClient client;
  private final ScheduledExecutorService ticker;
  private final AtomicLong posted = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final double perTick;
  private double owed;

  SimulatedTraffic(URI ingest, int perSecond, Clock clock) {
    if (perSecond <= 0) {
      throw new IllegalArgumentException("traffic rate must be positive: " + perSecond);
    }
    this.ingest = ingest;
    this.clock = clock;
    this.perTick = perSecond * (TICK.toMillis() / 1000.0);
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "simulated-pipeline-traffic");
              t.setDaemon(true);
              return t;
            });
  }

  void start() {
    ticker.scheduleAtFixedRate(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Records accepted by ingest so far. */
  long posted() {
    return posted.get();
  }

  /** Batches ingest did not accept (connection refused, non-202). */
  long failed() {
    return failed.get();
  }

  private void tick() {
    owed += perTick;
    int n = (int) owed;
    if (n == 0) {
      return;
    }
    owed -= n;
    StringBuilder batch = new StringBuilder();
    try {
      for (int i = 0; i < n; i++) {
        batch.append(JSON.writeValueAsString(record())).append('\n');
      }
      HttpRequest post =
          HttpRequest.newBuilder(ingest)
              .timeout(Duration.ofSeconds(2))
              .header("Content-Type", "application/x-ndjson")
              .POST(HttpRequest.BodyPublishers.ofString(batch.toString()))
              .build();
      int status = client.send(post, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status == 202) {
        posted.addAndGet(n);
      } else {
        failed.incrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | java.io.IOException e) {
      failed.incrementAndGet(); // ingest down: a real service would drop logs too
    }
  }

  private Map<String, Object> record() {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    String[] model = MODELS.get(rnd.nextInt(MODELS.size()));
    int prompt = 20 + rnd.nextInt(1500);
    int completion = 5 + rnd.nextInt(600);
    int latency = 80 + completion * (2 + rnd.nextInt(4)) + rnd.nextInt(200);
    boolean error = rnd.nextInt(200) == 0;
    String now = clock.instant().toString();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("@timestamp", now);
    doc.put("timestamp", now);
    doc.put("level", error ? "error" : "info");
    doc.put("event", "inference");
    doc.put("service", SERVICES.get(rnd.nextInt(SERVICES.size())));
    doc.put("request_id", UUID.randomUUID().toString());
    doc.put("session_id", "s-" + Long.toHexString(rnd.nextLong() & 0xffffffffL));
    doc.put("model", Map.of("id", model[0], "version", model[1]));
    doc.put("latency_ms", latency);
    doc.put("tokens", Map.of("prompt", prompt, "completion", completion, "total", prompt + completion));
    // $0.15 per million prompt tokens, $0.60 per million completion tokens
    doc.put("cost_usd", Math.round(prompt * 0.15 + completion * 0.6) / 1e6);
    doc.put("status", error ? 500 : 200);
    doc.put("synthetic", false);
    return doc;
  }

  /** Stops ticking; a post in flight is let finish (bounded by its timeout), so none lands later. */
  @Override
  public void close() {
    ticker.shutdown();
    try {
      if (!ticker.awaitTermination(3, TimeUnit.SECONDS)) {
        ticker.shutdownNow();
      }
    } catch (InterruptedException e) {
      ticker.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
