package io.oobwatch.watchdog.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.status.AlertStatus;
import io.oobwatch.watchdog.status.CanaryStatus;
import io.oobwatch.watchdog.status.LastCanary;
import io.oobwatch.watchdog.status.PagingStatus;
import io.oobwatch.watchdog.store.Outgoing;
import io.oobwatch.watchdog.status.PipelineStatus;
import io.oobwatch.watchdog.status.ClusterStatus;
import io.oobwatch.watchdog.status.SelfStatus;
import io.oobwatch.watchdog.status.StageStatus;
import io.oobwatch.watchdog.status.StatusDocument;
import io.oobwatch.watchdog.status.StatusJson;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    header = "Ask a running daemon what it sees; Nagios exit codes.",
    description = {
      "Ask a running daemon what it sees: pipelines and their last canary per stage, alerts, paging",
      "health and self-monitoring (dead man's switch, peers). For cron, Nagios/Icinga or a shell.",
      "Nagios exit codes: 0 OK, 1 WARNING (slow canary, page waiting for a retry, peer failing),",
      "2 CRITICAL (alert open, even acknowledged; daemon unhealthy; a page failed), 3 UNKNOWN",
      "(daemon unreachable)."
    })
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  /** How many of the newest sent pages the text output lists with their delivery. */
  static final int RECENT_DELIVERIES = 5;


  @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:9107",
      description = "the daemon's address, or its /status URL (default: ${DEFAULT-VALUE})")
  String url;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5", description = "give up after this many seconds (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Option(names = "--json", description = "print JSON for scripts: the verdict, the problems, and the daemon's /status")
  boolean json;

  /** A verdict and the problems behind it, worst first. */
  record Verdict(int code, List<String> problems) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    URI target;
    try {
      target = statusUri(url);
    } catch (IllegalArgumentException e) {
      return Nagios.unknown(out, json, "--url " + url + " is not an http:// URL");
    }
    StatusDocument doc;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(timeoutSeconds)).build();
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(timeoutSeconds)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return Nagios.unknown(out, json, target + " answered HTTP " + r.statusCode() + "; is this an oobwatch daemon?");
      }
      doc = read(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Nagios.unknown(out, json, "interrupted");
    } catch (NotAStatus e) {
      return Nagios.unknown(out, json, target + " did not answer with an oobwatch status document");
    } catch (java.io.IOException e) {
      String why = e instanceof java.net.ConnectException ? "connection refused"
          : e instanceof java.net.http.HttpTimeoutException ? "no answer within " + timeoutSeconds + "s"
          : String.valueOf(e.getMessage());
      return Nagios.unknown(out, json, "daemon at " + target + " unreachable: " + why + "; is oobwatch running? (systemctl status oobwatch)");
    }
    Verdict v = judge(doc);
    if (json) {
      Nagios.write(out, new Report(Nagios.LEVELS[v.code()], v.code(), v.problems(), doc));
    } else {
      print(out, doc, v);
    }
    out.flush();
    return v.code();
  }

  static URI statusUri(String url) {
    URI u = URI.create(url.trim());
    if (u.getScheme() == null || !u.getScheme().startsWith("http") || u.getHost() == null) {
      throw new IllegalArgumentException(url);
    }
    String path = u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/") ? "/status" : u.getPath();
    return u.resolve(path);
  }

  /** What {@code status --json} prints: the verdict, the problems behind it, and the daemon's document. */
  record Report(String status, int exit, List<String> problems, StatusDocument daemon) {}

  /** Not JSON, or JSON without {@code pipelines}: whatever answered is not an oobwatch daemon. */
  static final class NotAStatus extends Exception {
    NotAStatus(String why) {
      super(why);
    }
  }

  /** A /status answer as the typed document. */
  static StatusDocument read(String body) throws NotAStatus {
    JsonNode tree;
    try {
      tree = new ObjectMapper().readTree(body);
      if (tree == null || !tree.has("pipelines")) {
        throw new NotAStatus("no pipelines");
      }
      return StatusJson.read(tree);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new NotAStatus(e.getOriginalMessage());
    }
  }

  /** The Nagios verdict for a daemon's /status answer, parsed. */
  static Verdict judge(JsonNode doc) throws com.fasterxml.jackson.core.JsonProcessingException {
    return judge(StatusJson.read(doc));
  }

  /** The Nagios verdict for a daemon's /status document. */
  static Verdict judge(StatusDocument doc) {
    List<String> critical = new ArrayList<>();
    List<String> warning = new ArrayList<>();
    if (!doc.healthy()) {
      critical.add("unhealthy: " + doc.unhealthyReason());
    }
    // an open alert is critical until its condition clears; an ack only stops the paging
    for (AlertStatus a : doc.alerts()) {
      if (!AlertStatus.RESOLVED.equals(a.state())) {
        critical.add("ALERT " + a.id() + " " + a.subject() + ": " + a.summary()
            + (AlertStatus.ACKNOWLEDGED.equals(a.state()) ? " (acknowledged)" : ""));
      }
    }
    PagingStatus paging = doc.paging();
    if (paging != null && PagingStatus.FAILED.equals(paging.problemKind())) {
      critical.add("paging: " + paging.problem());
    } else if (paging != null && paging.problem() != null) {
      warning.add("paging: " + paging.problem());
    } else if (paging != null && paging.pending() > 0) {
      warning.add("paging: " + paging.pending() + " page(s) waiting to be sent");
    }
    for (PipelineStatus p : doc.pipelines()) {
      LastCanary last = p.canary() == null ? null : p.canary().last();
      if (last != null && "SLOW".equals(last.verdict())) {
        warning.add(p.name() + ": last canary slow");
      }
    }
    SelfStatus self = doc.self();
    for (SelfStatus.Peer peer : self == null ? List.<SelfStatus.Peer>of() : self.peers()) {
      if (peer.failuresInARow() > 0) {
        warning.add("peer " + peer.name() + ": " + peer.failuresInARow() + " failed check(s): " + peer.error());
      }
    }
    SelfStatus.DeadMansSwitch dms = self == null ? null : self.deadMansSwitch();
    if (dms != null && Boolean.FALSE.equals(dms.delivered())) {
      warning.add("dead man's switch: " + dms.error());
    }
    List<String> all = new ArrayList<>(critical);
    all.addAll(warning);
    return new Verdict(!critical.isEmpty() ? 2 : !warning.isEmpty() ? 1 : 0, all);
  }

  /** The reason, then the stage's learned latency beside the deadline: "p99 0.4s, late after 1.2s, deadline 20s". */
  private static String withLearned(String reason, CanaryStatus canary, String stage) {
    return withLearned(reason, canary.learned(), canary.early(), canary.deadline(), stage);
  }

  /** The reason, then the stage's learned latency (if {@code learned} has it) beside the deadline. */
  static String withLearned(
      String reason, List<CanaryStatus.Learned> learned, boolean early, String deadline, String stage) {
    return learned.stream().filter(l -> l.stage().equals(stage)).findFirst()
        .map(l -> (reason.isEmpty() ? "" : reason + "; ") + "p99 " + Durations.format(Duration.ofMillis(l.p99Ms()))
            + (early ? ", late after " + Durations.format(Duration.ofMillis(l.lateAfterMs())) : "")
            + ", deadline " + deadline)
        .orElse(reason);
  }

  private static void print(PrintWriter out, StatusDocument doc, Verdict v) {
    out.printf("OOBWATCH %s - %s%n", Nagios.LEVELS[v.code()],
        v.problems().isEmpty() ? doc.instance() + ": " + doc.pipelines().size() + " pipeline(s) OK" : String.join("; ", v.problems()));
    out.printf("%-20s %-16s %-12s %9s  %s%n", "PIPELINE", "STAGE", "RESULT", "LATENCY", "REASON");
    for (PipelineStatus p : doc.pipelines()) {
      CanaryStatus canary = p.canary();
      LastCanary last = canary == null ? null : canary.last();
      String name = p.name();
      if (last == null) {
        out.printf("%-20s %-16s %-12s %9s  %s%n", name, "-", "WAITING", "-", "no canary judged yet");
        continue;
      }
      out.printf("%-20s %-16s %-12s %9s  %s%n", name, "canary #" + last.seq(), last.verdict(),
          "", "emitted " + last.emittedAt() + ", last 24h: " + day(canary.last24h()));
      if (last.injectionFailure() != null) {
        out.printf("%-20s %-16s %-12s %9s  %s%n", name, "inject", "FAILED", "", last.injectionFailure());
      }
      List<String> labels = StageStatus.labels(last.stages());
      for (int i = 0; i < labels.size(); i++) {
        StageStatus s = last.stages().get(i);
        out.printf("%-20s %-16s %-12s %9s  %s%n", name, labels.get(i), s.result(), seconds(s.latencyMs()),
            withLearned(s.detail(), canary, s.stage()));
      }
    }
    out.println();
    int shown = 0;
    for (AlertStatus a : doc.alerts()) {
      if (shown++ == 0) {
        out.println("ALERTS (open, and resolved in the last day)");
      }
      out.printf("  %-4s %-9s %-20s %s (since %s%s)%n", a.id(), a.state(), a.subject(), a.summary(), a.openedAt(),
          AlertStatus.RESOLVED.equals(a.state()) ? ", resolved " + a.resolvedAt() : "");
    }
    if (shown == 0) {
      out.println("ALERTS none in the last day");
    }
    PagingStatus paging = doc.paging();
    if (paging != null) {
      out.printf("PAGING via %s: %d pending, %d failed%s%n", paging.channel(), paging.pending(), paging.failed(),
          paging.problem() != null ? " - " + paging.problem() : "");
      paging.recent().stream().filter(p -> p.sid() != null).limit(RECENT_DELIVERIES)
          .forEach(p -> out.printf("  page %-4s alert %-4s %-4s to %-10s %s%n", p.id(), p.alert(), p.channel(), p.to(),
              delivery(p)));
      for (PagingStatus.TestPage t : java.util.Arrays.asList(paging.lastTestSms(), paging.lastTestCall())) {
        if (t != null) {
          out.println("  " + testPage(t));
        }
      }
      if (paging.lastTestSms() == null && paging.lastTestCall() == null) {
        out.println("  no test page sent through this daemon yet (oobwatch page-test)");
      }
    }
    SelfStatus self = doc.self();
    SelfStatus.DeadMansSwitch dms = self == null ? null : self.deadMansSwitch();
    if (dms != null) {
      out.printf("SELF dead man's switch %s every %s: last ping %s at %s%s%n", dms.url(), dms.every(),
          dms.lastPing(), dms.lastPingAt(),
          Boolean.FALSE.equals(dms.delivered()) ? " (not delivered: " + dms.error() + ")" : "");
    }
    for (SelfStatus.Peer peer : self == null ? List.<SelfStatus.Peer>of() : self.peers()) {
      out.printf("SELF peer %s (%s): %s%n", peer.name(), peer.url(),
          peer.lastCheckAt() == null ? "not checked yet"
              : peer.answering() ? "answering"
              : peer.failuresInARow() + " failed check(s) since " + peer.failingSince() + ": " + peer.error());
    }
    ClusterStatus c = doc.cluster();
    if (c != null) {
      out.printf("CLUSTER %s: %d of %d member(s) in view, this one %s is rank %d; %d must agree; a step waits rank x %s%n",
          c.name(), c.view().size(), c.configured(), c.self(), c.rank(), c.agree(), c.peerTimeout());
      c.view().forEach(m -> out.printf("  rank %d %s%s%n", m.rank(), m.name(), m.self() ? " (this one)" : ""));
      c.left().forEach(l -> out.printf("  LEFT %s since %s%n", l.name(), l.since()));
      out.printf("  pages sent here %d, held back (sent by another member) %d%n", c.pagesSentHere(), c.pagesHeldBack());
      c.recentPages().stream().limit(5).forEach(p -> out.printf("  %s %s by %s%s at %s%n", p.alert(), p.step(),
          p.member(), p.sid() == null ? "" : " (" + p.sid() + ")", p.at()));
    }
  }

  /** "delivered in 4.2s", "undelivered: 30034 the sender number is not registered for A2P 10DLC". */
  static String delivery(PagingStatus.Page p) {
    return PagingStatus.deliveryWords(p.delivery(), p.deliveryDetail(), p.deliverySeconds());
  }

  /** "last test SMS to alice (+1555…22) at 2026-11-30T14:02:11Z: delivered in 4.2s". */
  static String testPage(PagingStatus.TestPage t) {
    return "last test " + (Outgoing.CALL.equals(t.channel()) ? "call" : "SMS") + " to " + t.to() + " (" + t.phone()
        + ") at " + t.requestedAt() + ": " + t.outcome();
  }

  private static String day(CanaryStatus.DayCounts d) {
    return d == null ? "unknown" : d.ok() + " ok, " + d.slow() + " slow, " + d.lost() + " lost, " + d.unreachable() + " unreachable";
  }

  private static String seconds(long ms) {
    return io.oobwatch.probes.canary.Durations.format(Duration.ofMillis(ms));
  }


}
