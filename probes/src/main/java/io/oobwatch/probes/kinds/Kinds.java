package io.oobwatch.probes.kinds;

import io.oobwatch.probes.Kind;
import io.oobwatch.probes.Use;
import io.oobwatch.probes.bigquery.BigQueryKind;
import io.oobwatch.probes.datadog.DatadogKind;
import io.oobwatch.probes.elasticsearch.ElasticsearchKind;
import io.oobwatch.probes.file.FileKind;
import io.oobwatch.probes.http.HttpKind;
import io.oobwatch.probes.kafka.KafkaKind;
import io.oobwatch.probes.langfuse.LangfuseKind;
import io.oobwatch.probes.loki.LokiKind;
import io.oobwatch.probes.prometheus.PrometheusKind;
import java.util.List;
import java.util.Optional;

/**
 * The one list of kinds. A new kind is its own package (settings records that open their probes,
 * and a {@link Kind} saying how they are read) plus one line here; nothing else names it.
 */
public final class Kinds {
  public static final List<Kind> ALL = List.of(
      KafkaKind.KIND,
      ElasticsearchKind.KIND,
      HttpKind.KIND,
      PrometheusKind.KIND,
      DatadogKind.KIND,
      FileKind.KIND,
      LokiKind.KIND,
      LangfuseKind.KIND,
      BigQueryKind.KIND);

  private Kinds() {}

  /** The names of the kinds that can be written where {@code use} says, in list order. */
  public static List<String> names(Use use) {
    return ALL.stream().filter(k -> k.role(use) != null).map(Kind::name).toList();
  }

  /** The kind of that name. */
  public static Optional<Kind> named(String name) {
    return ALL.stream().filter(k -> k.name().equals(name)).findFirst();
  }
}
