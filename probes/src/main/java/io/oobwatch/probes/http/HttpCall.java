package io.oobwatch.probes.http;

import io.oobwatch.probes.canary.Durations;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * One HTTP request with a hard time bound, whose transport failures come back as words for the
 * person paged instead of exceptions. Shared by the HTTP and Elasticsearch probes.
 */
public final class HttpCall {

  /**
   * What came back: either an answer ({@code status} and {@code body}) or, when no answer came,
   * a {@code failure} sentence such as "elasticsearch at http://es:9200 refused the connection".
   * {@code headers} are the answer's headers (empty when no answer came).
   */
  public record Result(int status, String body, String failure, HttpHeaders headers) {
    private static final HttpHeaders NONE = HttpHeaders.of(Map.of(), (k, v) -> true);

    public boolean answered() {
      return failure == null;
    }

    /** The first value of an answer header, if present (names are case-insensitive). */
    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    static Result answer(int status, String body, HttpHeaders headers) {
      return new Result(status, body, null, headers);
    }

    static Result failed(String failure) {
      return new Result(-1, "", failure, NONE);
    }
  }

  /** Slack on top of the request timeout for the hard bound, so the client's own timeout wins. */
  private static final Duration GRACE = Duration.ofMillis(500);

  private HttpCall() {}

  /**
   * Sends {@code request} (whose own timeout should be {@code timeout}) and waits at most {@code
   * timeout} plus a little for the whole answer, body included. Never throws.
   *
   * @param who how the target is named in failure sentences, e.g. "elasticsearch at
   *     http://es:9200"; must hold no secret
   */
  public static Result send(HttpClient http, HttpRequest request, Duration timeout, String who) {
    CompletableFuture<HttpResponse<String>> future;
    try {
      future = http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return Result.failed(who + " could not be queried: " + e.getMessage());
    }
    try {
      HttpResponse<String> resp = future.get(timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
      return Result.answer(resp.statusCode(), resp.body() == null ? "" : resp.body(), resp.headers());
    } catch (TimeoutException e) {
      future.cancel(true);
      return Result.failed(who + " did not answer within " + Durations.format(timeout));
    } catch (ExecutionException e) {
      return Result.failed(describe(e.getCause(), who, timeout));
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      return Result.failed("interrupted while querying " + who);
    }
  }

  private static String describe(Throwable cause, String who, Duration timeout) {
    // The JDK client wraps the root cause in one or two IOExceptions; look through the chain.
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException) {
        return who + " did not answer within " + Durations.format(timeout);
      }
      if (t instanceof ConnectException) {
        return who + " refused the connection";
      }
      if (t instanceof UnresolvedAddressException) {
        return who + ": host name does not resolve";
      }
      if (t instanceof SSLException) {
        return who + ": TLS failed (" + t.getMessage() + ")";
      }
    }
    if (cause instanceof IOException) {
      String msg = cause.getMessage();
      return who + " could not be reached (" + (msg == null ? cause.getClass().getSimpleName() : msg) + ")";
    }
    return who + " could not be queried (" + cause + ")";
  }

  /**
   * The URL as it may appear in a message or toString: scheme, host, port and path only. User
   * info and query are dropped (both may hold credentials, e.g. {@code ?api_key=}); a dropped
   * query shows as {@code ?...}. Works on templates that are not valid URIs yet.
   */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    int schemeEnd = url.indexOf("://");
    int authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
    int authorityEnd = indexOfAny(url, "/?#", authorityStart);
    String authority = url.substring(authorityStart, authorityEnd);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    int pathEnd = indexOfAny(url, "?#", authorityEnd);
    String path = url.substring(authorityEnd, pathEnd);
    String query = pathEnd < url.length() && url.charAt(pathEnd) == '?' ? "?..." : "";
    return url.substring(0, authorityStart) + authority + path + query;
  }

  /** The first line of a service's error text, cut to 160 characters: enough to quote in a page. */
  public static String firstLine(String text) {
    String t = text == null ? "" : text.strip();
    int nl = t.indexOf('\n');
    t = nl < 0 ? t : t.substring(0, nl);
    return t.length() > 160 ? t.substring(0, 160) + "..." : t;
  }

  private static int indexOfAny(String s, String chars, int from) {
    for (int i = from; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return s.length();
  }

  /**
   * A URI from a URL as people write it in a config: characters that a URI does not allow as they
   * are (space, quotes, braces, {@code |}, non-ASCII) are percent-encoded; existing {@code %XX}
   * escapes and reserved characters are kept. So {@code ?query={app="x"} |= "id"} works as typed.
   *
   * @throws IllegalArgumentException if the result still is no absolute http(s) URI
   */
  public static URI uri(String url) {
    StringBuilder out = new StringBuilder(url.length() + 16);
    for (byte b : url.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~:/?#[]@!$&'()*+,;=%".indexOf(c) >= 0)) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    URI uri = URI.create(out.toString());
    String scheme = uri.getScheme();
    if (uri.getHost() == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
      throw new IllegalArgumentException("not an http(s) URL with a host: " + redact(url));
    }
    return uri;
  }

  /**
   * Checks that every header can be sent by the JDK client (it refuses Host, Connection,
   * Content-Length, ... and malformed names or values), so a config mistake shows at start.
   *
   * @throws IllegalArgumentException naming the header (never its value)
   */
  public static void checkHeaders(Map<String, String> headers) {
    HttpRequest.Builder probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1/"));
    headers.forEach(
        (name, value) -> {
          try {
            probe.header(name, value);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("header " + name + " cannot be sent (restricted or malformed)");
          }
        });
  }
}
