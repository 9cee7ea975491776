package io.oobwatch.watchdog.daemon;

import io.oobwatch.probes.Injector;
import io.oobwatch.probes.Probe;
import io.oobwatch.probes.Stage;
import io.oobwatch.probes.canary.CanaryTracker;
import io.oobwatch.probes.elasticsearch.ElasticsearchConfig;
import io.oobwatch.probes.elasticsearch.ElasticsearchCount;
import io.oobwatch.probes.elasticsearch.ElasticsearchFreshness;
import io.oobwatch.probes.elasticsearch.ElasticsearchSignalConfig;
import io.oobwatch.probes.elasticsearch.ElasticsearchStage;
import io.oobwatch.probes.http.HealthProbe;
import io.oobwatch.probes.http.HttpInjector;
import io.oobwatch.probes.http.HttpInjectorConfig;
import io.oobwatch.probes.http.HttpStage;
import io.oobwatch.probes.http.HttpStageConfig;
import io.oobwatch.probes.kafka.KafkaConfig;
import io.oobwatch.probes.kafka.KafkaEndOffsets;
import io.oobwatch.probes.kafka.KafkaGroupConfig;
import io.oobwatch.probes.kafka.KafkaGroupLag;
import io.oobwatch.probes.prometheus.PrometheusConfig;
import io.oobwatch.probes.prometheus.PrometheusQuery;
import io.oobwatch.probes.kafka.KafkaInjector;
import io.oobwatch.probes.kafka.KafkaStage;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.schedule.SignalWatch;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds probes from their config records: the other half of the config's list of kinds. */
public final class ProbeFactory {
  private final HttpClient http;
  private final Clock clock;

  public ProbeFactory(Clock clock) {
    this(HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build(), clock);
  }

  ProbeFactory(HttpClient http, Clock clock) {
    this.http = http;
    this.clock = clock;
  }

  /** A tracker for the pipeline's canary; closing the tracker's parts is the caller's (see {@link Tracked}). */
  public Tracked tracker(Config.Pipeline p) {
    Config.Canary c = p.canary();
    Injector injector = injector(c.inject());
    List<Stage> stages = new ArrayList<>();
    for (Config.StageSpec s : c.stages()) {
      stages.add(stage(s));
    }
    CanaryTracker tracker = new CanaryTracker(p.name(), injector, stages, c.deadline(), c.slo(), clock);
    return new Tracked(tracker, injector, stages);
  }

  /** A tracker and the probes it uses, closed together. */
  public record Tracked(CanaryTracker tracker, Injector injector, List<Stage> stages) implements AutoCloseable {
    @Override
    public void close() {
      tracker.close();
      injector.close();
      stages.forEach(Stage::close);
    }
  }

  Injector injector(Config.InjectorSpec spec) {
    Object s = spec.settings();
    if (s instanceof KafkaConfig) {
      return new KafkaInjector((KafkaConfig) s, clock);
    }
    if (s instanceof HttpInjectorConfig) {
      return new HttpInjector((HttpInjectorConfig) s, http, clock);
    }
    throw new IllegalArgumentException("no injector for kind " + spec.kind());
  }

  /** The probe of a pull heartbeat. */
  public HealthProbe health(Config.Heartbeat hb) {
    return new HealthProbe(hb.pull(), http, clock);
  }

  Stage stage(Config.StageSpec spec) {
    Object s = spec.settings();
    if (s instanceof KafkaConfig) {
      return new KafkaStage(spec.name(), (KafkaConfig) s, clock);
    }
    if (s instanceof ElasticsearchConfig) {
      return new ElasticsearchStage(spec.name(), (ElasticsearchConfig) s, http, clock);
    }
    if (s instanceof HttpStageConfig) {
      return new HttpStage(spec.name(), (HttpStageConfig) s, http, clock);
    }
    throw new IllegalArgumentException("no stage for kind " + spec.kind());
  }

  /**
   * One probe per freshness, volume and consumer-lag check of the pipeline, by the store's name of
   * its signal, in config order. The caller closes them.
   */
  public Map<String, Probe> signals(Config.Pipeline p) {
    Map<String, Probe> out = new LinkedHashMap<>();
    Config.Checks c = p.checks();
    for (Config.Freshness f : c.freshness()) {
      out.put(SignalWatch.signal(p.name(), "freshness", f.name()), freshness(f));
    }
    for (Config.Volume v : c.volume()) {
      out.put(SignalWatch.signal(p.name(), "volume", v.name()), volume(v.settings()));
    }
    for (Config.ConsumerLag l : c.consumerLag()) {
      out.put(SignalWatch.signal(p.name(), "consumer_lag", l.name()), consumerLag(l));
    }
    return out;
  }

  /** The probe of a freshness check: the newest real record's time. The caller closes it. */
  public Probe freshness(Config.Freshness f) {
    return new ElasticsearchFreshness((ElasticsearchSignalConfig) f.settings(), http, clock);
  }

  /** The probe of a consumer-lag check: the group's lag, committed offsets and state. The caller closes it. */
  public Probe consumerLag(Config.ConsumerLag c) {
    return new KafkaGroupLag((KafkaGroupConfig) c.settings(), clock);
  }

  /** The probe of a volume check: records per minute from its source. The caller closes it. */
  Probe volume(Object s) {
    if (s instanceof KafkaConfig) {
      return new KafkaEndOffsets((KafkaConfig) s, clock);
    }
    if (s instanceof PrometheusConfig) {
      return new PrometheusQuery((PrometheusConfig) s, http, clock);
    }
    if (s instanceof ElasticsearchSignalConfig) {
      return new ElasticsearchCount((ElasticsearchSignalConfig) s, http, clock);
    }
    throw new IllegalArgumentException("no volume probe for " + s.getClass().getSimpleName());
  }
}
