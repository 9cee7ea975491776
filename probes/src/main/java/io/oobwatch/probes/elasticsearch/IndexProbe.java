package io.oobwatch.probes.elasticsearch;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Probe;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * A signal read from one endpoint of an index expression ({@code _search}, {@code _count}): the
 * parts every such probe shares, and the contract that nothing escapes {@link #observe()} (an
 * unexpected failure is an UNKNOWN observation naming the cluster, never a thrown exception).
 */
abstract class IndexProbe implements Probe {
  final ElasticsearchSignalConfig cfg;
  final EsClient es;
  final Clock clock;
  final URI uri;
  private final String what;

  /**
   * @param http a shared client; not closed here
   * @param endpoint the index endpoint asked ({@code _count})
   * @param what what is asked, for the reason of a failure ("count", "query")
   */
  IndexProbe(ElasticsearchSignalConfig cfg, HttpClient http, Clock clock, String endpoint, String what) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.es = new EsClient(cfg.cluster(), Objects.requireNonNull(http, "http"));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.uri = es.endpoint(endpoint);
    this.what = what;
  }

  @Override
  public final Observation observe() {
    Instant now = clock.instant();
    try {
      return read(now);
    } catch (RuntimeException e) {
      return Observation.unknown(now, es.who + " " + what + " failed: " + e.getClass().getSimpleName());
    }
  }

  /** The signal now; may throw on an answer it cannot read. */
  abstract Observation read(Instant now);

  @Override
  public void close() {
    // the HTTP client is shared
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + cfg.cluster() + ", " + cfg.timestampField() + "]";
  }
}
