package io.oobwatch.watchdog.self;

import io.oobwatch.probes.canary.Durations;
import io.oobwatch.probes.http.HttpCall;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.detect.Decision;
import io.oobwatch.watchdog.detect.Rule;
import io.oobwatch.watchdog.page.SmsText;
import io.oobwatch.watchdog.status.SelfStatus;
import io.oobwatch.watchdog.store.Alert;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks one peer oobwatch's {@code /healthz}: an answer other than 2xx, or none within
 * {@code timeout}, is a failure; {@code failures_to_fire} failures in a row page ("peer wd-us-1
 * silent since 08:41Z"), the next good answer resolves. Driven by {@link #check()} from one thread.
 *
 * <p>The streak lives in memory; the alert lives in the store, so a restart neither forgets an
 * open peer alert nor pages it again; an acknowledged one resolves on the next good answer.
 */
final class PeerWatch {
  private static final Logger log = LoggerFactory.getLogger(PeerWatch.class);
  private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm'Z'").withZone(ZoneOffset.UTC);

  private final String instance;
  private final Config.Peer peer;
  private final HttpClient http;
  private final Alerts alerts;
  private final Clock clock;

  private int failures;
  private Instant failingSince;
  private String lastFailure;
  private boolean silent;
  private volatile SelfStatus.Peer last;

  PeerWatch(String instance, Config.Peer peer, HttpClient http, Alerts alerts, Clock clock) {
    this.instance = instance;
    this.peer = peer;
    this.http = http;
    this.alerts = alerts;
    this.clock = clock;
    this.last = snapshot(null, "not checked yet");
  }

  /** The alert subject: "peer wd-us-1". */
  String subject() {
    return peer.subject();
  }

  Config.Peer peer() {
    return peer;
  }

  /** One check; fires or resolves the peer alert as needed. Never throws, never waits past the timeout. */
  void check() {
    Instant at = clock.instant();
    String failure = ask();
    if (Thread.currentThread().isInterrupted()) {
      return; // shutting down: an interrupted check says nothing about the peer
    }
    if (failure == null) {
      if (failures > 0) {
        log.info("{} answers again after {} failed check(s)", subject(), failures);
      }
      failures = 0;
      failingSince = null;
      lastFailure = null;
    } else {
      if (failures == 0) {
        failingSince = at;
        silent = !failure.contains("answered HTTP");
      }
      failures++;
      lastFailure = failure;
      log.warn("{} check failed ({} in a row): {}", subject(), failures, failure);
    }
    boolean open = alerts.openAlert(subject(), Rule.PEER).isPresent();
    Decision d = Decision.of(failures >= peer.failuresToFire(), failure == null, open);
    alerts.apply(d, subject(), Rule.PEER, new Alerts.Words(() -> new Alerts.Fire("", summary(), this::fireText),
        this::resolveText));
    last = snapshot(at, failure);
  }

  private String ask() {
    String who = host(peer.url());
    try {
      HttpRequest request = HttpRequest.newBuilder(HttpCall.uri(peer.url())).timeout(peer.timeout()).GET().build();
      HttpCall.Result r = HttpCall.send(http, request, peer.timeout(), who);
      if (!r.answered()) {
        return r.failure();
      }
      if (r.status() / 100 != 2) {
        String body = r.body().strip();
        int nl = body.indexOf('\n');
        body = nl >= 0 ? body.substring(0, nl) : body;
        body = body.length() > 120 ? body.substring(0, 120) + "..." : body;
        return who + " answered HTTP " + r.status() + (body.isEmpty() ? "" : ": " + body);
      }
      return null;
    } catch (IllegalArgumentException e) {
      return who + ": not a usable URL";
    }
  }

  /** "wd-us-1.example.net:443": short enough to leave room for the reason in one SMS. */
  private static String host(String url) {
    try {
      java.net.URI u = HttpCall.uri(url);
      return u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
    } catch (IllegalArgumentException e) {
      return HttpCall.redact(url);
    }
  }

  /** "silent since 08:41Z" (no answer), or "unhealthy since 08:41Z" (answered, but not 2xx). */
  private String summary() {
    return (silent ? "silent" : "unhealthy") + " since " + HHMM.format(failingSince);
  }

  private String fireText(Alert a) {
    String head = "ALERT " + a.id() + " " + a.subject() + ": " + a.summary() + ".";
    String evidence = " " + failures + " checks in a row failed: " + lastFailure + ".";
    String ack = " Reply ACK " + a.id() + ".";
    return SmsText.fit(
        "[oobwatch " + instance + "] " + head + evidence + ack,
        instance + ": " + head + evidence + ack,
        instance + ": " + head + " " + failures + " checks in a row failed." + ack);
  }

  private String resolveText(Alert a, Instant at) {
    String head = "RESOLVED " + a.id() + " " + a.subject() + ": answers again at " + HHMM.format(at) + ".";
    String was = " Was: " + a.summary() + ".";
    return SmsText.fit("[oobwatch " + instance + "] " + head + was, instance + ": " + head + was, instance + ": " + head);
  }

  private SelfStatus.Peer snapshot(Instant at, String failure) {
    return new SelfStatus.Peer(peer.name(), HttpCall.redact(peer.url()), Durations.format(peer.every()),
        peer.failuresToFire(), at, at != null && failure == null, failures, failingSince, failure);
  }

  /** What /status shows of this peer, as of the last check. */
  SelfStatus.Peer status() {
    return last;
  }
}
