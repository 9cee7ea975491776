package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Reading and writing the status records: instants as ISO-8601 strings, fields a newer daemon
 * added are ignored (an older CLI still reads its status), a missing list reads as empty.
 */
public final class StatusJson {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .registerModule(new SimpleModule("oobwatch-status-instants")
          .addSerializer(Instant.class, ToStringSerializer.instance)
          .addDeserializer(Instant.class, new InstantText()));

  private StatusJson() {}

  /** A daemon's {@code /status} answer as the typed document. */
  public static StatusDocument read(String json) throws JsonProcessingException {
    return MAPPER.readValue(json, StatusDocument.class);
  }

  /** A parsed {@code /status} answer as the typed document. */
  public static StatusDocument read(JsonNode json) throws JsonProcessingException {
    return MAPPER.treeToValue(json, StatusDocument.class);
  }

  /** One of the records ({@code type}) from its JSON, as an endpoint other than /status answers it. */
  public static <T> T read(String json, Class<T> type) throws JsonProcessingException {
    return MAPPER.readValue(json, type);
  }

  /** Any of the records (or a tree of them) as pretty-printed JSON. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a status record could not be written as JSON: " + e.getMessage(), e);
    }
  }

  /** An immutable copy; null (a field missing from the JSON read) is the empty list. */
  static <T> List<T> list(List<T> items) {
    return items == null ? List.of() : List.copyOf(items);
  }

  private static final class InstantText extends JsonDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      String text = p.getValueAsString();
      try {
        return text == null || text.isBlank() ? null : Instant.parse(text);
      } catch (DateTimeParseException e) {
        return (Instant) ctx.handleWeirdStringValue(Instant.class, text, "not an ISO-8601 instant");
      }
    }
  }
}
