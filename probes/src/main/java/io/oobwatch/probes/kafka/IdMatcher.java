package io.oobwatch.probes.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which of many canary ids a record holds, in one pass over the record whatever the number of ids:
 * a rolling hash of every window as long as an id is looked up among the ids' hashes (through a bit
 * table first, so a window that starts no id costs a few operations), and a hit is compared byte
 * by byte. A reader shared by many pipelines looks for all their canaries in every record; compared
 * one by one, that would cost the number of canaries in flight times the record's length.
 *
 * @param <T> what an id stands for (several may share an id); reported once per record
 */
final class IdMatcher<T> {
  private static final long BASE = 1_000_003L;
  private static final int SLOTS = 1 << 16;

  private final Map<Integer, Width<T>> widths = new HashMap<>();

  /** The ids of one length. */
  private static final class Width<T> {
    final int length;
    /** BASE to the power length - 1: the weight of the byte leaving the window. */
    final long leaving;
    final long[] slots = new long[SLOTS / 64];
    final Map<Long, List<Id<T>>> byHash = new HashMap<>();

    Width(int length) {
      this.length = length;
      long p = 1;
      for (int i = 1; i < length; i++) {
        p *= BASE;
      }
      this.leaving = p;
    }
  }

  private record Id<T>(byte[] bytes, T owner) {}

  /** Looks for {@code id} (not empty) from now on, reporting {@code owner} when a record holds it. */
  void add(byte[] id, T owner) {
    if (id.length == 0) {
      throw new IllegalArgumentException("an empty id is in every record");
    }
    Width<T> w = widths.computeIfAbsent(id.length, Width::new);
    long h = hash(id, 0, id.length);
    int slot = slot(h);
    w.slots[slot >>> 6] |= 1L << slot;
    w.byHash.computeIfAbsent(h, k -> new ArrayList<>()).add(new Id<>(id, owner));
  }

  /** Reports, once each, the owner of every id {@code value} contains. */
  void forEachIn(byte[] value, Consumer<T> found) {
    Set<T> reported = null;
    for (Width<T> w : widths.values()) {
      int n = w.length;
      if (value.length < n) {
        continue;
      }
      long h = hash(value, 0, n);
      for (int i = 0; ; i++) {
        int slot = slot(h);
        if ((w.slots[slot >>> 6] & (1L << slot)) != 0) {
          List<Id<T>> ids = w.byHash.get(h);
          if (ids != null) {
            for (Id<T> id : ids) {
              if (holdsAt(value, i, id.bytes())) {
                if (reported == null) {
                  reported = new HashSet<>();
                }
                if (reported.add(id.owner())) {
                  found.accept(id.owner());
                }
              }
            }
          }
        }
        if (i + n >= value.length) {
          break;
        }
        h = (h - (value[i] & 0xff) * w.leaving) * BASE + (value[i + n] & 0xff);
      }
    }
  }

  private static long hash(byte[] b, int from, int length) {
    long h = 0;
    for (int i = from; i < from + length; i++) {
      h = h * BASE + (b[i] & 0xff);
    }
    return h;
  }

  private static int slot(long h) {
    return (int) (h ^ (h >>> 29)) & (SLOTS - 1);
  }

  private static boolean holdsAt(byte[] value, int at, byte[] id) {
    for (int j = 0; j < id.length; j++) {
      if (value[at + j] != id[j]) {
        return false;
      }
    }
    return true;
  }
}
