package io.oobwatch.watchdog.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.TemporalAccessor;
import java.util.Map;
import java.util.Objects;

/**
 * What a route handler answers. The server adds Content-Length and the keep-alive headers.
 *
 * @param status the HTTP status
 * @param contentType the Content-Type header value
 * @param body the body bytes
 * @param headers extra headers (Allow, Retry-After, ...)
 */
record Response(HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers) {

  static final String TEXT = "text/plain; charset=utf-8";
  static final String JSON = "application/json";

  /**
   * Pretty-printing mapper for response bodies. java.time values become ISO-8601 strings so a
   * status document can carry instants and durations without jackson-datatype-jsr310.
   */
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .registerModule(
              new SimpleModule("oobwatch-java-time")
                  .addSerializer(Instant.class, ToStringSerializer.instance)
                  .addSerializer(Duration.class, ToStringSerializer.instance)
                  .addSerializer(TemporalAccessor.class, ToStringSerializer.instance));

  Response {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }

  static Response text(HttpResponseStatus status, String text) {
    return new Response(status, TEXT, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** A pretty-printed JSON body; throws when the tree cannot be serialised (the server answers 500). */
  static Response json(HttpResponseStatus status, Object tree) throws JsonProcessingException {
    byte[] body = MAPPER.writeValueAsBytes(tree);
    return new Response(status, JSON, appendNewline(body), Map.of());
  }

  /** {@code {"error": "..."}}; cannot fail. */
  static Response error(HttpResponseStatus status, String message) {
    try {
      return json(status, Map.of("error", message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string map is always serialisable", e);
    }
  }

  Response withHeader(String name, String value) {
    Map<String, String> more = new java.util.LinkedHashMap<>(headers);
    more.put(name, value);
    return new Response(status, contentType, body, more);
  }

  private static byte[] appendNewline(byte[] body) {
    byte[] out = java.util.Arrays.copyOf(body, body.length + 1);
    out[body.length] = '\n';
    return out;
  }
}
