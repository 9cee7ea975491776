package io.oobwatch.watchdog.schedule;

import io.oobwatch.probes.elasticsearch.ElasticsearchSignalConfig;
import io.oobwatch.probes.kafka.KafkaConfig;
import io.oobwatch.probes.kafka.KafkaGroupConfig;

/** A check's source in the words of a page: "kafka topic inference-logs", "elasticsearch index logs-*". */
public final class Describe {
  private Describe() {}

  public static String where(String kind, String name, Object settings) {
    if (settings instanceof ElasticsearchSignalConfig) {
      return "elasticsearch index " + ((ElasticsearchSignalConfig) settings).cluster().index();
    }
    if (settings instanceof KafkaConfig) {
      return "kafka topic " + ((KafkaConfig) settings).topic();
    }
    if (settings instanceof KafkaGroupConfig) {
      return "consumer group " + ((KafkaGroupConfig) settings).group();
    }
    return name.equals(kind) ? kind : kind + " " + name;
  }
}
