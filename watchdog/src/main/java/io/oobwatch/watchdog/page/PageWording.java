package io.oobwatch.watchdog.page;

import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.Outbox;
import io.oobwatch.watchdog.store.OutboxEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * How due pages are grouped and worded: all pages to one phone on one channel make one message (or
 * one call), so alerts raised together reach each person once; one alert's line appears once
 * however many of its steps are due; at most {@link #GROUP_LINES} lines, then a count.
 */
final class PageWording {
  static final int GROUP_LINES = 10;

  private final String instance;
  private final String publicUrl;
  private final LongFunction<Optional<Alert>> alerts;

  /**
   * @param instance this oobwatch's name, for grouped texts and calls
   * @param publicUrl where Twilio posts "press 1" of a page call; null: calls offer no keypress ack
   * @param alerts the alert a page was written for
   */
  PageWording(String instance, String publicUrl, LongFunction<Optional<Alert>> alerts) {
    this.instance = instance;
    this.publicUrl = publicUrl;
    this.alerts = alerts;
  }

  /** The due pages written before {@code writtenBefore}, one group per phone and channel, oldest first. */
  static Collection<List<OutboxEntry>> groups(List<OutboxEntry> due, Instant writtenBefore) {
    Map<String, List<OutboxEntry>> groups = new LinkedHashMap<>();
    for (OutboxEntry e : due) {
      if (e.createdAt().isBefore(writtenBefore)) {
        groups.computeIfAbsent(e.channel() + " " + e.phone(), k -> new ArrayList<>()).add(e);
      }
    }
    return groups.values();
  }

  /** One page as is; several as a list of their alerts, one line each. */
  String text(List<OutboxEntry> group) {
    Map<String, OutboxEntry> distinct = distinct(group);
    if (distinct.size() == 1) {
      return group.get(0).body();
    }
    StringBuilder b = new StringBuilder("[oobwatch " + instance + "] " + distinct.size() + " alerts:");
    int n = 0;
    Long ackExample = null;
    for (OutboxEntry e : distinct.values()) {
      if (!e.event().equals("resolve") && ackExample == null) {
        ackExample = e.alertId();
      }
      if (n++ == GROUP_LINES) {
        b.append("\n... and ").append(distinct.size() - GROUP_LINES).append(" more, see oobwatch status");
        break;
      }
      Optional<Alert> a = alerts.apply(e.alertId());
      String what = a.map(x -> x.subject() + ": " + x.summary()).orElse("");
      b.append('\n').append(e.event().equals("resolve") ? "RESOLVED " : "ALERT ").append(e.alertId()).append(' ')
          .append(e.event().equals("resolve") ? a.map(Alert::subject).orElse("") : what);
    }
    if (ackExample != null) {
      b.append("\nReply ACK and a number, e.g. ACK ").append(ackExample).append('.');
    }
    return b.length() > 1500 ? b.substring(0, 1500) + "..." : b.toString();
  }

  /** The words of a page call, plain enough to be spoken. */
  String spoken(List<OutboxEntry> group) {
    Map<String, OutboxEntry> distinct = distinct(group);
    StringBuilder b = new StringBuilder("This is oobwatch " + instance + ". ");
    if (distinct.size() > 1) {
      b.append(distinct.size()).append(" alerts. ");
    }
    int n = 0;
    for (OutboxEntry e : distinct.values()) {
      if (n++ == GROUP_LINES) {
        b.append("And ").append(distinct.size() - GROUP_LINES).append(" more. ");
        break;
      }
      Optional<Alert> a = alerts.apply(e.alertId());
      b.append("Alert ").append(e.alertId()).append(". ")
          .append(a.map(x -> x.subject() + ": " + x.summary()).orElse("")).append(". ");
    }
    return b.toString().strip();
  }

  /**
   * A text with the hourly cap's notes: how many alerts and resolve notices were held back since the
   * person's last text, and, on the last alert text the cap lets through, that further pages are
   * held back.
   */
  static String capped(String text, Outbox.Held held, boolean lastBeforeCap, int maxPerHour) {
    String body = text;
    if (held.alerts() > 0) {
      body += "\n+ " + held.alerts() + " more alert" + (held.alerts() == 1 ? "" : "s") + " suppressed, see oobwatch status";
    }
    if (held.notices() > 0) {
      body += "\n+ " + held.notices() + " resolve notice" + (held.notices() == 1 ? "" : "s") + " held back, see oobwatch status";
    }
    if (lastBeforeCap) {
      body += "\nPage cap (" + maxPerHour + "/h) reached: further pages held back, see oobwatch status";
    }
    return body;
  }

  /** Where a page call posts "press 1": the alerts it speaks of; null without a public URL. */
  String ackUrl(List<OutboxEntry> group) {
    if (publicUrl == null) {
      return null;
    }
    Set<Long> ids = new LinkedHashSet<>();
    group.forEach(e -> ids.add(e.alertId()));
    return publicUrl + "/twilio/voice?alert=" + ids.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  // one line per alert and kind of event: two steps of one alert due together are one line
  private static Map<String, OutboxEntry> distinct(List<OutboxEntry> group) {
    Map<String, OutboxEntry> out = new LinkedHashMap<>();
    for (OutboxEntry e : group) {
      out.putIfAbsent(e.alertId() + (e.event().equals("resolve") ? ":resolve" : ":fire"), e);
    }
    return out;
  }

  /** The alerts of a group, for logs ("17,18"). */
  static String alertIds(List<OutboxEntry> group) {
    return group.stream().map(e -> String.valueOf(e.alertId())).distinct().collect(Collectors.joining(","));
  }

  /** The events of a group, for logs ("fire+resolve"). */
  static String events(List<OutboxEntry> group) {
    return group.stream().map(OutboxEntry::event).distinct().collect(Collectors.joining("+"));
  }
}
