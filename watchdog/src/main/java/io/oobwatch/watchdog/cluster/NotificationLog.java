package io.oobwatch.watchdog.cluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The notification log a cluster shares: per alert key, which members have it open, which page
 * steps were sent by whom, and the acks. In memory on every member; a member that starts or rejoins
 * gets the others' whole log (their union), so it lives as long as one member runs. Thread-safe.
 *
 * <p>An <em>incident</em> of a key is the stretch of time some member had its alert open, chained
 * across members whose open stretches overlap: facts from before it belong to an earlier incident of
 * the same key and are ignored. A member that left the view with its alert open counts only until
 * it left (else one dead member would tie every later incident to its old pages).
 */
final class NotificationLog {
  private final Set<LogEntry> entries = ConcurrentHashMap.newKeySet();

  /** Adds facts; returns those that were new. */
  List<LogEntry> addAll(Collection<LogEntry> facts) {
    List<LogEntry> added = new ArrayList<>();
    for (LogEntry e : facts) {
      if (entries.add(e)) {
        added.add(e);
      }
    }
    return added;
  }

  boolean add(LogEntry e) {
    return entries.add(e);
  }

  List<LogEntry> all() {
    return List.copyOf(entries);
  }

  int size() {
    return entries.size();
  }

  /** One member's open stretch of a key's alert: from its opening to its resolution (null: still open). */
  record Episode(String member, long from, Long to) {}

  /** Every member's open stretches of a key, in time order. */
  List<Episode> episodes(String key) {
    Map<String, List<LogEntry>> byMember = entries.stream()
        .filter(e -> e.key().equals(key) && (e.type() == LogEntry.Type.OPENED || e.type() == LogEntry.Type.RESOLVED))
        .collect(Collectors.groupingBy(LogEntry::member));
    List<Episode> out = new ArrayList<>();
    for (Map.Entry<String, List<LogEntry>> m : byMember.entrySet()) {
      List<LogEntry> es = new ArrayList<>(m.getValue());
      es.sort(Comparator.comparingLong(LogEntry::at).thenComparing(e -> e.type() == LogEntry.Type.OPENED ? 0 : 1));
      Long from = null;
      for (LogEntry e : es) {
        if (e.type() == LogEntry.Type.OPENED && from == null) {
          from = e.at();
        } else if (e.type() == LogEntry.Type.RESOLVED && from != null) {
          out.add(new Episode(m.getKey(), from, e.at()));
          from = null;
        }
      }
      if (from != null) {
        out.add(new Episode(m.getKey(), from, null));
      }
    }
    out.sort(Comparator.comparingLong(Episode::from));
    return out;
  }

  /**
   * When the incident began that an alert opened at {@code openedAt} belongs to: the earliest
   * opening among the members' stretches that overlap it, directly or through one another.
   *
   * @param present members in the view now; an open stretch of any other member is ignored
   */
  Instant incidentStart(String key, Instant openedAt, Set<String> present) {
    long start = openedAt.toEpochMilli();
    List<Episode> eps = episodes(key).stream().filter(e -> e.to() != null || present.contains(e.member())).toList();
    boolean moved = true;
    while (moved) {
      moved = false;
      for (Episode e : eps) {
        if (e.from() < start && (e.to() == null || e.to() >= start)) {
          start = e.from();
          moved = true;
        }
      }
    }
    return Instant.ofEpochMilli(start);
  }

  /** The members among {@code among} whose alert for the key is open now. */
  Set<String> firing(String key, Collection<String> among) {
    Set<String> out = new HashSet<>();
    for (Episode e : episodes(key)) {
      if (e.to() == null && among.contains(e.member())) {
        out.add(e.member());
      }
    }
    return out;
  }

  /** The newest record that a page step of the key was sent since {@code since}, by any member. */
  Optional<LogEntry> sent(String key, String step, Instant since) {
    long from = since.toEpochMilli();
    return entries.stream()
        .filter(e -> e.type() == LogEntry.Type.PAGED && e.key().equals(key) && e.step().equals(step) && e.at() >= from)
        .max(Comparator.comparingLong(LogEntry::at));
  }

  /** The first ack of the key since {@code since}, on any member. */
  Optional<LogEntry> acked(String key, Instant since) {
    long from = since.toEpochMilli();
    return entries.stream().filter(e -> e.type() == LogEntry.Type.ACKED && e.key().equals(key) && e.at() >= from)
        .min(Comparator.comparingLong(LogEntry::at));
  }

  /** Silences some member took that run past {@code now} and nobody lifted, by subject, oldest first. */
  List<LogEntry> silences(Instant now) {
    long t = now.toEpochMilli();
    return entries.stream()
        .filter(e -> e.type() == LogEntry.Type.SILENCED && e.silence().until() > t && !lifted(e.key(), e.silence().from()))
        .sorted(Comparator.comparingLong(LogEntry::at)).toList();
  }

  /** Whether the log has the silence of {@code subject} that began at {@code from} (lifted or not). */
  boolean silenced(String subject, long from) {
    return find(LogEntry.Type.SILENCED, subject, from).isPresent();
  }

  /** Whether some member lifted the silence of {@code subject} that began at {@code from}. */
  boolean lifted(String subject, long from) {
    return liftedBy(subject, from).isPresent();
  }

  /** The lift of the silence of {@code subject} that began at {@code from}, if some member lifted it. */
  Optional<LogEntry> liftedBy(String subject, long from) {
    return find(LogEntry.Type.SILENCE_LIFTED, subject, from);
  }

  private Optional<LogEntry> find(LogEntry.Type type, String subject, long from) {
    return entries.stream()
        .filter(e -> e.type() == type && e.key().equals(subject) && e.silence() != null && e.silence().from() == from)
        .findFirst();
  }

  /** The newest pages sent, by any member, newest first. */
  List<LogEntry> pages(int limit) {
    return entries.stream().filter(e -> e.type() == LogEntry.Type.PAGED)
        .sorted(Comparator.comparingLong(LogEntry::at).reversed()).limit(limit).toList();
  }

  /**
   * Forgets facts older than {@code before} of keys whose every stretch ended before it: their
   * incidents are over. A silence's facts are kept while it runs (a silence may last 30 days), so
   * a member that joins late still learns of it.
   */
  void prune(Instant before) {
    long b = before.toEpochMilli();
    Set<String> keys = entries.stream().map(LogEntry::key).collect(Collectors.toSet());
    for (String key : keys) {
      if (episodes(key).stream().allMatch(e -> e.to() != null && e.to() < b)) {
        entries.removeIf(e -> e.key().equals(key) && e.at() < b && (e.silence() == null || e.silence().until() < b));
      }
    }
  }
}
