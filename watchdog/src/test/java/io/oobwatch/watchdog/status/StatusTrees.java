package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** A status record as the JSON object a client reads: field names and values as written on the wire. */
public final class StatusTrees {
  private StatusTrees() {}

  public static Map<String, Object> asJson(Object record) {
    try {
      return new ObjectMapper().readValue(StatusJson.write(record), new TypeReference<Map<String, Object>>() {});
    } catch (java.io.IOException e) {
      throw new AssertionError("a status record did not read back as a JSON object: " + e.getMessage(), e);
    }
  }
}
