package io.oobwatch.watchdog.config;

import io.oobwatch.probes.canary.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads the {@code self:} section: how oobwatch itself is watched (stall bound, dead man's switch, peers). */
final class SelfSection {
  static final Duration STALLED_AFTER = Duration.ofMinutes(2);

  private SelfSection() {}

  static Config.Self read(Reader r, Reader.Obj o, List<Config.Pipeline> pipelines) {
    if (o == null) {
      return new Config.Self(STALLED_AFTER, null, List.of());
    }
    // longer than an hour, a stalled evaluation loop goes unnoticed through a whole outage
    Duration stalledAfter = o.duration("stalled_after", STALLED_AFTER, Reader.SHORTEST, Duration.ofHours(1));
    Duration longestPoll = pipelines.stream().filter(p -> p.canary() != null).map(p -> p.canary().poll())
        .max(Duration::compareTo).orElse(Duration.ZERO);
    if (o.has("stalled_after") && stalledAfter.compareTo(longestPoll.multipliedBy(2)) <= 0) {
      o.error("stalled_after", "must be longer than twice the longest canary poll (" + Durations.format(longestPoll)
          + "), or every healthy pause between two rounds would count as a stall");
    }
    Config.DeadMansSwitch dms = null;
    Reader.Obj d = o.obj("dead_mans_switch");
    if (d != null) {
      String url = d.url("url", "the ping URL, e.g. url: https://hc-ping.com/YOUR-UUID");
      Duration every = d.duration("every", Duration.ofMinutes(1), Reader.SHORTEST, Duration.ofDays(1));
      Duration timeout = shorter(d, "timeout", Duration.ofSeconds(10), every);
      d.done();
      dms = new Config.DeadMansSwitch(url, every, timeout);
    }
    List<Config.Peer> peers = new ArrayList<>();
    List<YamlNode> items = o.list("peers");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      Reader.Obj p = r.obj(items.get(i), o.child("peers[" + i + "]"));
      if (p == null) {
        continue;
      }
      String name = p.requiredString("name", "the peer's instance name, e.g. name: wd-us-1");
      if (name != null && !ConfigLoader.NAME.matcher(name).matches()) {
        p.error("name", "\"" + name + "\" is not a usable name; use lower-case letters, digits, '-', '_' or '.'");
      } else if (name != null && !names.add(name)) {
        p.error("name", "peer \"" + name + "\" is listed twice in self.peers; remove the duplicate or fix its name");
      }
      String url = p.url("url", "the peer's health URL, e.g. url: https://wd-us-1.example.net/healthz");
      Duration every = p.duration("every", Duration.ofSeconds(30), Reader.SHORTEST, Duration.ofHours(1));
      int failures = p.integer("failures_to_fire", 3, 1);
      Duration timeout = shorter(p, "timeout", Duration.ofSeconds(5), every);
      p.done();
      peers.add(new Config.Peer(name, url, every, failures, timeout));
    }
    o.done();
    return new Config.Self(stalledAfter, dms, List.copyOf(peers));
  }

  /** A timeout that must be shorter than the period it runs in, so checks never pile up. */
  private static Duration shorter(Reader.Obj o, String key, Duration dflt, Duration every) {
    Duration t = o.duration(key, dflt.compareTo(every) < 0 ? dflt : every.dividedBy(2));
    if (t.compareTo(every) >= 0) {
      o.error(key, "must be shorter than every (" + Durations.format(every) + "), so one slow check cannot delay the next");
    }
    return t;
  }
}
