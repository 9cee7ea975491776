package io.oobwatch.watchdog.server;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The server's route table: method + path pattern → handler, looked up in registration order.
 * A pattern is a path whose segments are literals or {@code {name}} placeholders; a placeholder
 * matches exactly one non-empty segment (percent-decoded), e.g. {@code /heartbeat/{name}}. Not
 * thread-safe while being built; read-only once handed to the server.
 */
final class Routes {

  /** Answers one request. An exception becomes a 500 for that request only. */
  @FunctionalInterface
  interface Handler {
    Response handle(Request request) throws Exception;
  }

  /** The outcome of a lookup. */
  sealed interface Match permits Found, NotFound, WrongMethod {}

  /** A route matched; {@code params} holds the placeholder values. */
  record Found(Handler handler, Map<String, String> params) implements Match {}

  /** No pattern matches the path. */
  record NotFound() implements Match {}

  /** The path is known but not for this method; {@code allow} is the Allow header's list. */
  record WrongMethod(Set<HttpMethod> allow) implements Match {}

  private record Route(HttpMethod method, String pattern, List<String> segments, Handler handler) {}

  private final List<Route> routes = new ArrayList<>();

  Routes add(HttpMethod method, String pattern, Handler handler) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(handler, "handler");
    if (!pattern.startsWith("/")) {
      throw new IllegalArgumentException("route pattern must start with '/': " + pattern);
    }
    List<String> segments = split(pattern);
    for (Route r : routes) {
      if (r.method.equals(method) && sameShape(r.segments, segments)) {
        throw new IllegalArgumentException(
            "route " + method + " " + pattern + " clashes with " + r.method + " " + r.pattern);
      }
    }
    routes.add(new Route(method, pattern, segments, handler));
    return this;
  }

  /** Looks up {@code rawPath} (still percent-encoded, without the query string). */
  Match match(HttpMethod method, String rawPath) {
    if (!rawPath.startsWith("/")) {
      return new NotFound();
    }
    List<String> segments = split(rawPath);
    Set<HttpMethod> allow = new LinkedHashSet<>();
    for (Route r : routes) {
      Map<String, String> params = bind(r.segments, segments);
      if (params == null) {
        continue;
      }
      if (r.method.equals(method)) {
        return new Found(r.handler, params);
      }
      allow.add(r.method);
    }
    return allow.isEmpty() ? new NotFound() : new WrongMethod(Set.copyOf(allow));
  }

  /** The placeholder values when {@code path} fits {@code pattern}, else null. */
  private static Map<String, String> bind(List<String> pattern, List<String> path) {
    if (pattern.size() != path.size()) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pattern.size(); i++) {
      String p = pattern.get(i);
      String s = path.get(i);
      if (isPlaceholder(p)) {
        if (s.isEmpty()) {
          return null;
        }
        params.put(p.substring(1, p.length() - 1), QueryStringDecoder.decodeComponent(s));
      } else if (!p.equals(s)) {
        return null;
      }
    }
    return params;
  }

  private static boolean sameShape(List<String> a, List<String> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      boolean pa = isPlaceholder(a.get(i));
      boolean pb = isPlaceholder(b.get(i));
      if (pa != pb || (!pa && !a.get(i).equals(b.get(i)))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPlaceholder(String segment) {
    return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
  }

  /** "/a/b" → [a, b]; "/" → [""]; a trailing slash is a distinct, empty segment. */
  private static List<String> split(String path) {
    return List.of(path.substring(1).split("/", -1));
  }
}
