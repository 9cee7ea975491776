package io.oobwatch.watchdog.page;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A generic webhook as a paging channel (the fallback when Twilio cannot be used): each page is one
 * {@code POST url} with {@code Authorization: Bearer TOKEN} and a JSON body
 * {@code {"instance","to","phone","kind":"sms"|"call","text"}}. A 2xx answer is sent (its JSON
 * {@code "id"} is the page's id when there is one); 429, 5xx and network errors are retryable, other
 * answers are not. One attempt per call, bounded by the timeout. Thread-safe.
 */
public final class WebhookPager implements Pager {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String instance;
  private final URI url;
  private final String token;
  private final Duration timeout;
  private final HttpClient http;

  public WebhookPager(String instance, String url, String token, Duration timeout) {
    this.instance = instance;
    this.url = URI.create(url);
    this.token = token;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public String send(Page page) throws PageException {
    return post(page, "sms");
  }

  @Override
  public String call(Page page, String ackUrl) throws PageException {
    return post(page, "call");
  }

  private String post(Page page, String kind) throws PageException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("instance", instance);
    body.put("to", page.to());
    body.put("phone", page.phone());
    body.put("kind", kind);
    body.put("text", page.body());
    HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> answer;
    try {
      answer = http.send(b.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new PageException("webhook " + describe() + " unreachable: " + e.getClass().getSimpleName(), true, 0, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PageException("webhook " + describe() + ": interrupted", true, 0, e);
    }
    int status = answer.statusCode();
    if (status / 100 == 2) {
      try {
        JsonNode id = JSON.readTree(answer.body()).path("id");
        if (id.isTextual() || id.isNumber()) {
          return "webhook-" + id.asText();
        }
      } catch (IOException e) {
        // a 2xx without JSON is still delivered
      }
      return "webhook-" + status;
    }
    boolean retryable = status == 429 || status >= 500;
    throw new PageException("webhook " + describe() + " answered HTTP " + status, retryable, 0);
  }

  @Override
  public String describe() {
    return "webhook " + url.getScheme() + "://" + url.getAuthority() + url.getPath();
  }
}
