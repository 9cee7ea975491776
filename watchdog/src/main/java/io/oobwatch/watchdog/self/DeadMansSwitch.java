package io.oobwatch.watchdog.self;

import io.oobwatch.probes.canary.Durations;
import io.oobwatch.probes.http.HttpCall;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.status.SelfStatus;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound "still alive" ping (healthchecks.io-compatible): every {@code every}, a POST to the
 * URL when oobwatch is well, to {@code URL/fail} when it is degraded, with a one-line reason as the
 * body. Whoever watches the URL notices a dead oobwatch host by the pings stopping.
 *
 * <p>The URL is a credential (anyone who knows it can ping), so it is shown only as
 * {@code scheme://host/...}. A ping is bounded by {@code timeout}; one that fails is logged and
 * reported in /status, never retried before the next period.
 */
final class DeadMansSwitch {
  private static final Logger log = LoggerFactory.getLogger(DeadMansSwitch.class);

  private final Config.DeadMansSwitch config;
  private final HttpClient http;
  private final Clock clock;
  private volatile SelfStatus.DeadMansSwitch last;

  DeadMansSwitch(Config.DeadMansSwitch config, HttpClient http, Clock clock) {
    this.config = config;
    this.http = http;
    this.clock = clock;
    this.last = new SelfStatus.DeadMansSwitch(masked(), Durations.format(config.every()), null,
        SelfStatus.DeadMansSwitch.NONE_YET, null, null, null);
  }

  /**
   * One ping.
   *
   * @param degraded why oobwatch is degraded, or null when it is well
   * @return true when the URL answered 2xx
   */
  boolean ping(Supplier<String> degraded) {
    String reason = degraded.get();
    String url = reason == null ? config.url() : stripSlash(config.url()) + "/fail";
    String body = reason == null ? "ok" : reason;
    Instant at = clock.instant();
    String failure;
    try {
      HttpRequest request = HttpRequest.newBuilder(HttpCall.uri(url))
          .timeout(config.timeout())
          .header("Content-Type", "text/plain; charset=utf-8")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
          .build();
      HttpCall.Result r = HttpCall.send(http, request, config.timeout(), "dead man's switch " + masked());
      failure = !r.answered() ? r.failure()
          : r.status() / 100 == 2 ? null : "dead man's switch " + masked() + " answered HTTP " + r.status();
    } catch (IllegalArgumentException e) {
      failure = "dead man's switch " + masked() + ": not a usable URL";
    }
    if (failure != null) {
      log.warn("{}", failure);
    } else if (reason != null) {
      log.warn("dead man's switch told {}: oobwatch is degraded: {}", masked(), reason);
    }
    last = new SelfStatus.DeadMansSwitch(masked(), Durations.format(config.every()), at, reason == null ? "ok" : "fail",
        reason, failure == null, failure);
    return failure == null;
  }

  /** What /status shows of the switch, as of the last ping. */
  SelfStatus.DeadMansSwitch status() {
    return last;
  }

  /** {@code https://hc-ping.com/...}: where the pings go, without the secret part. */
  String masked() {
    String u = config.url();
    int scheme = u.indexOf("://");
    int slash = u.indexOf('/', scheme < 0 ? 0 : scheme + 3);
    String hostPart = slash < 0 ? u : u.substring(0, slash);
    int at = hostPart.lastIndexOf('@');
    if (at >= 0) {
      hostPart = hostPart.substring(0, scheme + 3) + hostPart.substring(at + 1);
    }
    return hostPart + "/...";
  }

  private static String stripSlash(String u) {
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
  }
}
