package io.oobwatch.probes.kafka;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Turns a client exception into a few words for a page: the outermost message, then the root
 * cause's when it says something else, one line, short. No class names, no stack.
 */
final class Causes {
  private static final int MAX = 300;

  private Causes() {}

  static String of(Throwable t) {
    String outer = null;
    String inner = null;
    Throwable cur = t;
    for (int depth = 0; cur != null && depth < 10; depth++) {
      String m = cur instanceof ExecutionException ? null : firstLine(cur.getMessage());
      if (m != null) {
        if (outer == null) {
          outer = m;
        }
        inner = m;
      }
      if (cur.getCause() == cur) {
        break;
      }
      cur = cur.getCause();
    }
    String words;
    if (outer == null) {
      words = t.getClass().getSimpleName();
    } else if (inner.equals(outer)) {
      words = outer;
    } else {
      words = outer + " (" + inner + ")";
    }
    return words.length() > MAX ? words.substring(0, MAX - 3) + "..." : words;
  }

  /** Whether the broker said the topic (or one of its partitions) does not exist. */
  static boolean unknownTopic(Throwable t) {
    for (Throwable cur = t; cur != null; cur = cur.getCause() == cur ? null : cur.getCause()) {
      if (cur instanceof UnknownTopicOrPartitionException) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return null;
    }
    return message.strip().lines().findFirst().orElse("").strip();
  }
}
