package io.oobwatch.watchdog.page;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.Twilio;
import com.twilio.constant.EnumConstants;
import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.HttpClient;
import com.twilio.http.HttpUtility;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpClient.Version;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * The twilio-sdk's transport, replaced so that a page is sent exactly as this project needs.
 *
 * <ul>
 *   <li>The SDK builds URLs on {@code https://api.twilio.com} and has no base-URL option (its
 *       region/edge settings rewrite host names and would mangle 127.0.0.1), so the URL from
 *       {@link Request#constructURL()} is re-rooted on the configured api base here.
 *   <li>Exactly one attempt per request. The SDK's {@code reliableRequest} retries 5xx answers by
 *       itself, which can send an SMS twice; retrying belongs to the dispatcher only.
 *   <li>Bounded: the connection must open within the timeout and the whole answer arrive within it.
 *   <li>Every failure has a status the pager can judge: unreachable, timed out or interrupted is an
 *       {@link Unreachable}; a redirect, or an error answer without Twilio's error JSON (a proxy's
 *       HTML 502), is an {@link ApiException} with the HTTP status; Twilio's own error JSON is left
 *       to the SDK to parse.
 * </ul>
 *
 * <p>Thread-safe: java.net.http's client is, and this class keeps no per-request state (the base
 * class's last-request/last-response fields are never written because reliableRequest is replaced).
 */
final class TwilioHttp extends HttpClient {
  /** The root every twilio-sdk URL for the api domain starts with. */
  static final String SDK_API_ROOT = "https://api.twilio.com";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String apiBase;
  private final Duration timeout;
  private final java.net.http.HttpClient http;

  /** A request that got no HTTP answer; its message names the api base, never a credential. */
  static final class Unreachable extends ApiConnectionException {
    private static final long serialVersionUID = 1L;

    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  TwilioHttp(String apiBase, Duration timeout) {
    this.apiBase = apiBase;
    this.timeout = timeout;
    this.http =
        java.net.http.HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(Redirect.NEVER)
            .version(Version.HTTP_1_1)
            .build();
  }

  @Override
  public Response reliableRequest(Request request) {
    return makeRequest(request);
  }

  @Override
  public Response reliableRequest(Request request, int[] retryCodes, int retries, long delayMillis) {
    return makeRequest(request);
  }

  @Override
  public Response makeRequest(Request request) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(target(request))
            .timeout(timeout)
            .header("User-Agent", HttpUtility.getUserAgentString(request.getUserAgentExtensions()))
            .header("X-Twilio-Client", "java-" + Twilio.VERSION)
            .header("Accept", "application/json");
    if (request.requiresAuthentication()) {
      b.header("Authorization", request.getAuthString());
    }
    for (Map.Entry<String, List<String>> e : request.getHeaderParams().entrySet()) {
      for (String value : e.getValue()) {
        b.header(e.getKey(), value);
      }
    }
    String method = request.getMethod().toString();
    if (method.equals("GET") || method.equals("DELETE")) {
      b.method(method, BodyPublishers.noBody());
    } else if (request.getContentType() == EnumConstants.ContentType.JSON) {
      b.header("Content-Type", "application/json");
      b.method(method, BodyPublishers.ofString(request.getBody() == null ? "" : request.getBody()));
    } else {
      b.header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
      b.method(method, BodyPublishers.ofString(request.encodeFormBody()));
    }
    HttpResponse<String> answer = exchange(b.build());
    return judged(answer);
  }

  /** The SDK's URL, re-rooted on the api base; only the api domain is ever sent anywhere. */
  URI target(Request request) {
    String url = request.constructURL().toString();
    if (!url.startsWith(SDK_API_ROOT + "/")) {
      throw new IllegalStateException(
          "twilio-sdk asked for a URL outside " + SDK_API_ROOT + "; not sent");
    }
    return URI.create(apiBase + url.substring(SDK_API_ROOT.length()));
  }

  private HttpResponse<String> exchange(HttpRequest request) {
    CompletableFuture<HttpResponse<String>> future =
        http.sendAsync(request, BodyHandlers.ofString());
    try {
      // The request timeout covers only the wait for headers; this bounds the body as well.
      return future.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new Unreachable(timedOut(), e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new Unreachable("sending to twilio at " + apiBase + " was interrupted", e);
    } catch (ExecutionException e) {
      throw new Unreachable(describe(e.getCause()), e.getCause());
    }
  }

  private String describe(Throwable failure) {
    if (failure instanceof java.net.http.HttpTimeoutException) {
      return timedOut();
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "twilio at " + apiBase + " refused the connection or could not be reached";
      }
      if (t instanceof java.nio.channels.UnresolvedAddressException
          || t instanceof java.net.UnknownHostException) {
        return "twilio at " + apiBase + ": host name not found";
      }
      if (t instanceof javax.net.ssl.SSLException) {
        return "twilio at " + apiBase + ": TLS handshake failed (" + t.getClass().getSimpleName() + ")";
      }
    }
    String kind = failure instanceof IOException ? "network error" : "error";
    return "twilio at " + apiBase + ": " + kind + " (" + failure.getClass().getSimpleName() + ")";
  }

  private String timedOut() {
    return "twilio at " + apiBase + " did not answer within " + timeout.toMillis() + " ms";
  }

  private Response judged(HttpResponse<String> answer) {
    int status = answer.statusCode();
    String body = answer.body();
    if (status >= 300 && status < 400) {
      throw new ApiException(
          "twilio at " + apiBase + " answered a redirect (HTTP " + status + "); check api_base",
          status);
    }
    if (status >= 400 && !isTwilioError(body, status)) {
      throw new ApiException(
          "twilio at " + apiBase + " answered HTTP " + status + " without Twilio's error details",
          status);
    }
    return new Response(body, status, headers(answer));
  }

  // Twilio's error JSON carries the HTTP status again in "status"; the SDK reports that field.
  private static boolean isTwilioError(String body, int status) {
    try {
      JsonNode node = JSON.readTree(body);
      return node != null
          && node.isObject()
          && node.path("status").asInt(-1) == status
          && node.path("code").isNumber();
    } catch (IOException e) {
      return false;
    }
  }

  private static Header[] headers(HttpResponse<String> answer) {
    return answer.headers().map().entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(v -> new BasicHeader(e.getKey(), v)))
        .toArray(Header[]::new);
  }
}
