package io.oobwatch.probes.elasticsearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The filter that keeps real records and drops oobwatch's own canaries, whatever the mapping made
 * of the marker: {@code synthetic} as a boolean (dynamic mapping of JSON {@code true}), as text
 * with a {@code .keyword} sub-field (a shipper that stringified it), and any record carrying a
 * {@code canary.id}.
 */
final class RealRecords {
  private RealRecords() {}

  /** Adds the exclusions to a bool query. */
  static void exclude(ObjectNode bool) {
    ArrayNode not = bool.putArray("must_not");
    not.addObject().putObject("term").put("synthetic", true);
    not.addObject().putObject("term").put("synthetic.keyword", "true");
    not.addObject().putObject("exists").put("field", "canary.id");
  }
}
