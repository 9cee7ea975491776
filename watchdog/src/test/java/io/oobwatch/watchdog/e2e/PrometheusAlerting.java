package io.oobwatch.watchdog.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The usual alternative to oobwatch, for comparison: the Debian {@code prometheus} and {@code
 * prometheus-alertmanager} watching a connector's consumer-group lag, notifying a loopback webhook.
 *
 * <p>The lag comes from an exporter served here as kafka_exporter serves it: computed at each
 * scrape from the group's committed offsets and the topic's end offsets ({@code
 * kafka_consumergroup_lag}, per partition). Settings as commonly deployed: scrape and evaluation
 * every 15 s, {@code for: 1m}, Alertmanager {@code group_wait: 30s}. The rule is the most
 * sensitive one that does not fire on a healthy connector, {@code sum(lag) > 0} held for the
 * minute (the widely copied kafka_exporter rule uses {@code > 50}, slower on a quiet topic).
 */
final class PrometheusAlerting implements AutoCloseable {
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");

  private final Admin admin;
  private final String group;
  private final String topic;
  private final HttpServer http;
  private final AtomicReference<Instant> notified = new AtomicReference<>();
  private final List<Process> processes = new ArrayList<>();
  private final int prometheusPort;

  static boolean installed() {
    return Files.isExecutable(PROMETHEUS) && Files.isExecutable(ALERTMANAGER);
  }

  PrometheusAlerting(String bootstrap, String group, String topic, Path dir) throws IOException {
    this.group = group;
    this.topic = topic;
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/metrics", ex -> {
      byte[] body = metrics().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    http.createContext("/webhook", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      if ("POST".equals(ex.getRequestMethod()) && body.contains("\"status\":\"firing\"")) {
        notified.compareAndSet(null, Instant.now());
      }
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    http.start();
    int port = http.getAddress().getPort();
    prometheusPort = freePort();
    int alertmanagerPort = freePort();
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("rules.yml"), """
        groups:
          - name: pipeline
            rules:
              - alert: ConnectorLagging
                expr: sum by (consumergroup) (kafka_consumergroup_lag) > 0
                for: 1m
        """);
    Files.writeString(dir.resolve("prometheus.yml"), """
        global:
          scrape_interval: 15s
          evaluation_interval: 15s
        rule_files: [ "%s" ]
        alerting:
          alertmanagers:
            - static_configs: [ { targets: [ "127.0.0.1:%d" ] } ]
        scrape_configs:
          - job_name: kafka
            static_configs: [ { targets: [ "127.0.0.1:%d" ] } ]
        """.formatted(dir.resolve("rules.yml"), alertmanagerPort, port));
    Files.writeString(dir.resolve("alertmanager.yml"), """
        route:
          receiver: webhook
          group_by: [ alertname ]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 4h
        receivers:
          - name: webhook
            webhook_configs: [ { url: "http://127.0.0.1:%d/webhook" } ]
        """.formatted(port));
    processes.add(start(dir.resolve("alertmanager.log"), ALERTMANAGER.toString(),
        "--config.file=" + dir.resolve("alertmanager.yml"), "--storage.path=" + dir.resolve("am-data"),
        "--web.listen-address=127.0.0.1:" + alertmanagerPort, "--cluster.listen-address="));
    processes.add(start(dir.resolve("prometheus.log"), PROMETHEUS.toString(),
        "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("prom-data"),
        "--web.listen-address=127.0.0.1:" + prometheusPort));
  }

  /** Whether Prometheus has scraped the exporter successfully (its target is up). */
  boolean scraping() {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query=up")).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.body().contains("\"value\":[") && r.body().contains(",\"1\"]");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** When the first firing notification reached the webhook; null before. */
  Instant notified() {
    return notified.get();
  }

  /** The exposition kafka_exporter gives for one group on one topic. */
  private String metrics() {
    StringBuilder out = new StringBuilder("# TYPE kafka_consumergroup_lag gauge\n");
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
      admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
          .forEach(p -> spec.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      admin.listOffsets(spec).all().get().forEach((tp, end) -> {
        OffsetAndMetadata c = committed.get(tp);
        long lag = end.offset() - (c == null ? 0 : c.offset());
        out.append("kafka_consumergroup_lag{consumergroup=\"").append(group).append("\",topic=\"").append(topic)
            .append("\",partition=\"").append(tp.partition()).append("\"} ").append(lag).append('\n');
      });
    } catch (Exception e) {
      // a failed scrape shows as no series, as with the real exporter's errors
    }
    return out.toString();
  }

  private static Process start(Path log, String... command) throws IOException {
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
      p.waitFor();
    }
    http.stop(0);
    admin.close(Duration.ofSeconds(5));
  }
}
