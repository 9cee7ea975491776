package io.oobwatch.watchdog.server;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The status page: {@code GET /} (HTML drawn by the source), its own script and style sheet from
 * the jar ({@code /static/page.js}, {@code /static/page.css}; nothing is fetched from elsewhere),
 * and the history behind its charts ({@code /history/canaries?pipeline=P}, {@code
 * /history/signals?pipeline=P}). Every answer of the server carries the security headers ({@link
 * StatusHandler#SECURITY_HEADERS}), which forbid inline script and framing.
 */
final class PageRoutes {
  static final String HTML = "text/html; charset=utf-8";
  /** The page's files, read once from the jar: name → (content type, bytes). */
  private static final Map<String, Asset> ASSETS = Map.of(
      "page.js", Asset.load("page.js", "text/javascript; charset=utf-8"),
      "page.css", Asset.load("page.css", "text/css; charset=utf-8"));

  private record Asset(String contentType, byte[] bytes) {
    static Asset load(String name, String contentType) {
      try (InputStream in = PageRoutes.class.getResourceAsStream("/oobwatch-page/" + name)) {
        if (in == null) {
          throw new IllegalStateException("the status page's " + name + " is missing from the jar");
        }
        return new Asset(contentType, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private PageRoutes() {}

  static Response page(StatusSource source) {
    String html = source.page();
    if (html == null) {
      return Response.error(HttpResponseStatus.NOT_FOUND, "no status page here; see /status");
    }
    return new Response(HttpResponseStatus.OK, HTML, html.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  static Response asset(Request r) {
    Asset a = ASSETS.get(r.pathParams().get("file"));
    if (a == null) {
      return Response.error(HttpResponseStatus.NOT_FOUND, "no file " + r.path());
    }
    return new Response(HttpResponseStatus.OK, a.contentType(), a.bytes(), Map.of());
  }

  static Response history(Request r, Function<String, Optional<Object>> read) throws Exception {
    List<String> names = r.query().getOrDefault("pipeline", List.of());
    if (names.size() != 1 || names.get(0).isBlank()) {
      return Response.error(HttpResponseStatus.BAD_REQUEST, "name one pipeline: " + r.path() + "?pipeline=NAME");
    }
    String pipeline = names.get(0);
    Optional<Object> history = read.apply(pipeline);
    if (history.isEmpty()) {
      return Response.error(HttpResponseStatus.NOT_FOUND, "no pipeline " + pipeline + " is watched here");
    }
    return Response.json(HttpResponseStatus.OK, history.get());
  }
}
