package io.oobwatch.probes.loki;

import io.oobwatch.probes.Injector;
import io.oobwatch.probes.InjectorConfig;
import io.oobwatch.probes.ProbeContext;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where canaries are pushed into Loki.
 *
 * @param loki the Loki and its credentials
 * @param labels the stream's labels, as the service's logs have them ({@code service: inference});
 *     the canary id is never a label (one stream per canary would be a cardinality explosion): it
 *     goes into structured metadata
 */
public record LokiEntryConfig(LokiConfig loki, Map<String, String> labels) implements InjectorConfig {
  public LokiEntryConfig {
    Objects.requireNonNull(loki, "loki");
    labels = Map.copyOf(new TreeMap<>(labels));
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("loki entry: labels must name at least one label (Loki refuses a stream without)");
    }
  }

  @Override
  public Injector open(ProbeContext ctx) {
    return new LokiInjector(this, ctx.http(), ctx.clock());
  }

  @Override
  public String where() {
    return "loki push " + new TreeMap<>(labels);
  }
}
