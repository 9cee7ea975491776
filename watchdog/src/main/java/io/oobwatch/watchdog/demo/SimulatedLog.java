package io.oobwatch.watchdog.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only log of JSON lines with Kafka-like offsets and size-capped retention: when full,
 * the oldest entry is dropped and {@link #startOffset()} moves on. Used both as the simulated topic
 * and as the simulated searchable store. Thread-safe.
 */
final class SimulatedLog {
  /** One retained entry. */
  record Entry(long offset, String json) {}

  private final String[] ring;
  private long start; // offset of the oldest retained entry
  private long end; // offset the next append gets

  SimulatedLog(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.ring = new String[capacity];
  }

  /** Appends one line; returns its offset. */
  synchronized long append(String json) {
    long offset = end;
    ring[slot(offset)] = json;
    end++;
    if (end - start > ring.length) {
      start = end - ring.length;
    }
    return offset;
  }

  /** Up to {@code max} entries from {@code from} (or from the oldest retained, if that is later). */
  synchronized List<Entry> read(long from, int max) {
    List<Entry> out = new ArrayList<>();
    for (long o = Math.max(from, start); o < end && out.size() < max; o++) {
      out.add(new Entry(o, ring[slot(o)]));
    }
    return out;
  }

  /** Up to {@code max} retained entries whose JSON contains {@code term}, oldest first. */
  synchronized List<Entry> search(String term, int max) {
    List<Entry> out = new ArrayList<>();
    for (long o = start; o < end && out.size() < max; o++) {
      String json = ring[slot(o)];
      if (json.contains(term)) {
        out.add(new Entry(o, json));
      }
    }
    return out;
  }

  synchronized long startOffset() {
    return start;
  }

  synchronized long endOffset() {
    return end;
  }

  private int slot(long offset) {
    return (int) (offset % ring.length);
  }
}
