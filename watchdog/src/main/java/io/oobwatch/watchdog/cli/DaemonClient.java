package io.oobwatch.watchdog.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.watchdog.config.Config;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Talks to a running daemon's HTTP API for the commands that use its token (ack, silence, page-test). */
final class DaemonClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /**
   * An answer: the HTTP status, its one-line message ({@code message} or {@code error}), and the
   * body as sent.
   */
  record Answer(int status, String message, String body) {}

  private DaemonClient() {}

  /** The daemon's URL from {@code http.listen} (a wildcard address is reached on loopback). */
  static String url(Config c) {
    InetSocketAddress a = c.http().listen();
    String host = a.getHostString();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "127.0.0.1";
    }
    return "http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** POSTs {@code json} with the API token; an unreachable daemon is an IOException saying so. */
  static Answer post(String base, String path, String token, String json) throws IOException {
    return send(base, "POST", path, token, json);
  }

  /**
   * Sends a request with the API token ({@code json} as its body, none when null); an unreachable
   * daemon is an IOException saying so.
   */
  static Answer send(String base, String method, String path, String token, String json) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + path)).timeout(TIMEOUT)
        .header("Content-Type", "application/json").method(method,
            json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new IOException("no oobwatch daemon answers at " + base + " (is it running? pass --url)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    String message = r.body().strip();
    try {
      JsonNode node = JSON.readTree(r.body());
      if (node != null && node.has("message")) {
        message = node.get("message").asText();
      } else if (node != null && node.has("error")) {
        message = node.get("error").asText();
      }
    } catch (IOException e) {
      // not JSON: the body as is
    }
    return new Answer(r.statusCode(), message, r.body());
  }
}
