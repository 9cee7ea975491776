package io.oobwatch.watchdog.config;

import io.oobwatch.probes.canary.Durations;
import io.oobwatch.probes.http.HealthProbeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the top-level {@code heartbeats:} list. A heartbeat is push (it has a token: the component
 * POSTs to oobwatch) or pull (it has a url: oobwatch GETs it), never both; the keys of one kind
 * are errors on the other, each saying what the key is for.
 */
final class HeartbeatsReader {
  /** Tokens shorter than this are guessable; the error says how to make a good one. */
  static final int MIN_TOKEN_LENGTH = 16;

  private static final List<String> PULL_ONLY = List.of("expect_status", "expect_body", "headers", "timeout", "failures_to_fire");
  private static final Duration PUSH_EVERY = Duration.ofMinutes(1);
  private static final Duration PUSH_GRACE = Duration.ofMinutes(2);
  private static final Duration PULL_EVERY = Duration.ofSeconds(30);
  private static final Duration PULL_TIMEOUT = Duration.ofSeconds(10);

  private HeartbeatsReader() {}

  static List<Config.Heartbeat> read(Reader r, Reader.Obj top) {
    List<Config.Heartbeat> out = new ArrayList<>();
    List<YamlNode> items = top.list("heartbeats");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      Reader.Obj h = r.obj(items.get(i), "heartbeats[" + i + "]");
      if (h == null) {
        continue;
      }
      int before = h.errors();
      String name = h.requiredString("name", "name the component, e.g. name: log-shipper (it pings /heartbeat/log-shipper)");
      if (name != null && !ConfigLoader.NAME.matcher(name).matches()) {
        h.error("name", "\"" + name + "\" is not a usable name; use lower-case letters, digits, '-', '_' or '.'");
      } else if (name != null && !names.add(name)) {
        h.error("name", "heartbeat \"" + name + "\" is defined twice; heartbeat names must be unique");
      }
      boolean push = h.has("token") || h.has("token_file");
      boolean pull = h.has("url");
      Config.Heartbeat hb = null;
      if (push && pull) {
        h.error("url", "a heartbeat is either push (token_file: the component POSTs /heartbeat/" + (name == null ? "NAME" : name)
            + ") or pull (url: oobwatch GETs it), not both; make them two heartbeats with different names");
      } else if (push) {
        hb = push(h, name);
      } else if (pull) {
        hb = pull(h, name);
      } else {
        for (String key : List.of("every", "grace", "expect_status", "expect_body", "headers", "timeout", "failures_to_fire")) {
          h.has(key); // known keys: the missing token or url is the one problem to report
        }
        h.invalid("a heartbeat needs token_file (push: the component POSTs /heartbeat/" + (name == null ? "NAME" : name)
            + " with that token) or url (pull: oobwatch GETs it)");
      }
      h.done();
      if (hb != null && h.errors() == before) {
        out.add(hb);
      }
    }
    return out;
  }

  private static Config.Heartbeat push(Reader.Obj h, String name) {
    Duration every = h.duration("every", PUSH_EVERY);
    Duration grace = h.duration("grace", PUSH_GRACE, true);
    for (String key : PULL_ONLY) {
      if (h.has(key)) {
        h.error(key, key + " is for pull heartbeats (with url:); a push heartbeat fires when no ping came for every + grace");
      }
    }
    String token = h.secret("token", true);
    if (token != null && token.length() < MIN_TOKEN_LENGTH) {
      h.error(h.has("token_file") ? "token_file" : "token", "the token is shorter than " + MIN_TOKEN_LENGTH
          + " characters and could be guessed; make one with: openssl rand -hex 16");
    }
    return new Config.Heartbeat(name, every, grace, token, null, 0);
  }

  private static Config.Heartbeat pull(Reader.Obj h, String name) {
    String url = h.url("url", "");
    Duration every = h.duration("every", PULL_EVERY, Reader.SHORTEST, Duration.ofDays(1));
    Duration timeout = h.duration("timeout", PULL_TIMEOUT.compareTo(every) < 0 ? PULL_TIMEOUT : every);
    if (h.has("timeout") && timeout.compareTo(every) > 0) {
      h.error("timeout", "must not be longer than every (" + Durations.format(every)
          + "), or probes would overlap; shorten timeout or probe less often");
    }
    if (h.has("grace")) {
      h.error("grace", "grace is for push heartbeats; a pull heartbeat fires after failures_to_fire failed probes in a row");
    }
    Integer status = null;
    if (h.has("expect_status")) {
      int s = h.integer("expect_status", 200, 0);
      if (s < 100 || s > 599) {
        h.error("expect_status", "expected an HTTP status between 100 and 599, found " + s + " (leave it out to accept any 2xx)");
      } else {
        status = s;
      }
    }
    String body = h.string("expect_body", null);
    Map<String, String> headers = h.strings("headers");
    int failures = h.integer("failures_to_fire", 3, 1);
    if (url == null) {
      return null;
    }
    try {
      io.oobwatch.probes.http.HttpCall.checkHeaders(headers);
      io.oobwatch.probes.http.HttpCall.uri(url);
      return new Config.Heartbeat(name, every, null, null, new HealthProbeConfig(url, status, body, headers, timeout), failures);
    } catch (IllegalArgumentException e) {
      h.invalid(e.getMessage());
      return null;
    }
  }
}
