package io.oobwatch.watchdog.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigException;
import io.oobwatch.watchdog.page.Page;
import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.page.PageException;
import io.oobwatch.watchdog.page.Receipt;
import io.oobwatch.watchdog.page.TestPages;
import io.oobwatch.watchdog.page.TwilioPager;
import io.oobwatch.watchdog.status.PagingStatus;
import io.oobwatch.watchdog.status.StatusJson;
import io.oobwatch.watchdog.store.Outgoing;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "page-test",
    header = "Send a real test SMS (or call) through the running daemon's Twilio channel and print the outcome.",
    description = {
      "Ask the running daemon (http.listen, or --url; token from http.api_token_file) to send a real test SMS",
      "(and with --call, place a real call) through its own paging channel, and print the channel's answer: the",
      "message/call SID, or its error code and message; then wait for the final status and print it",
      "(\"delivered in 4.2s\", \"undelivered: 30034 the sender number is not registered for A2P 10DLC\",",
      "\"no-answer\", \"voicemail\"), at most paging.delivery_timeout for the SMS. The daemon keeps the outcome:",
      "its status page, /status and oobwatch status show the last test page.",
      "When no daemon answers (or with --direct, or without http.api_token_file), the test is sent from this",
      "process through the configured Twilio account instead, and says so: no daemon records it.",
      "Exit 0 delivered (or answered), 1 refused, unreachable or not delivered, 2 invalid config, no Twilio",
      "configured or not on call."
    })
final class PageTestCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Option(names = "--to", paramLabel = "NAME", description = "an on-call person (default: the first in paging.oncall)")
  String to;

  @Option(names = "--call", description = "also place a test call")
  boolean call;

  @Option(names = "--url", paramLabel = "URL", description = "the daemon (default: from http.listen, http://127.0.0.1:9107)")
  String url;

  @Option(names = "--direct", description = "send from this process, without asking a daemon (nothing records it)")
  boolean direct;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Config c;
    try {
      c = config.load();
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return 2;
    }
    if (c.paging() == null || c.paging().twilio() == null) {
      err.println("no paging.twilio in " + c.source() + "; nothing to test (pages go to the console)");
      return 2;
    }
    List<Config.OnCall> people = c.paging().oncall();
    Config.OnCall person = to == null ? people.get(0)
        : people.stream().filter(p -> p.name().equals(to)).findFirst().orElse(null);
    if (person == null) {
      err.println("\"" + to + "\" is not in paging.oncall (known: "
          + String.join(", ", people.stream().map(Config.OnCall::name).toList()) + ")");
      return 2;
    }
    Integer viaDaemon = direct ? null : throughDaemon(c, person, out, err);
    if (viaDaemon != null) {
      out.flush();
      err.flush();
      return viaDaemon;
    }
    return directly(c, person, out, err);
  }

  /**
   * Asks the daemon to send the test and follows it there; null when no daemon took it (none
   * answers, no token to ask with, or one too old to send test pages): the caller then sends it
   * directly, which this says first.
   */
  private Integer throughDaemon(Config c, Config.OnCall person, PrintWriter out, PrintWriter err) {
    String base = url != null ? url : DaemonClient.url(c);
    if (c.http().apiToken() == null) {
      out.println("DIRECT: no http.api_token_file in " + c.source() + ", so no daemon can be asked; sending from this"
          + " process (no daemon records this test)");
      return null;
    }
    DaemonClient.Answer a;
    try {
      a = DaemonClient.post(base, "/paging/test", c.http().apiToken(),
          "{\"to\": " + JSON.valueToTree(person.name()) + ", \"call\": " + call + "}");
    } catch (IOException e) {
      out.println("DIRECT: " + e.getMessage() + "; sending from this process (no daemon records this test)");
      return null;
    }
    JsonNode answer = json(a.body());
    if (a.status() == 404 && (answer == null || !answer.has("result"))) {
      out.println("DIRECT: the daemon at " + base + " does not send test pages (an older version); sending from this"
          + " process (no daemon records this test)");
      return null;
    }
    if (a.status() != 202 || answer == null) {
      err.println("the daemon at " + base + " refused the test page (HTTP " + a.status() + "): " + a.message());
      return a.status() == 404 || a.status() == 409 ? 2 : 1;
    }
    out.println("sent by the oobwatch daemon at " + base + ": " + a.message());
    out.flush();
    int failures = 0;
    for (JsonNode t : answer.path("tests")) {
      failures += follow(base, c, person, t.path("id").asLong(), out, err);
    }
    return failures == 0 ? 0 : 1;
  }

  /** Follows one test page at the daemon until it ended or its time is up; 0 when it reached the person. */
  private int follow(String base, Config c, Config.OnCall p, long id, PrintWriter out, PrintWriter err) {
    Clock clock = Clock.systemUTC();
    Instant start = clock.instant();
    boolean reported = false;
    String what = "SMS";
    // the daemon judges an SMS with no receipt at delivery_timeout itself; a call it follows longer than we wait
    Duration limit = c.paging().deliveryTimeout().plus(DAEMON_SLACK);
    long pauseMs = 200;
    while (true) {
      PagingStatus.TestPage t = null;
      String problem;
      try {
        DaemonClient.Answer a = DaemonClient.send(base, "GET", "/paging/test/" + id, c.http().apiToken(), null);
        if (a.status() == 200) {
          t = StatusJson.read(a.body(), PagingStatus.TestPage.class);
        }
        problem = "HTTP " + a.status() + ": " + a.message();
      } catch (IOException e) {
        problem = e.getMessage();
      }
      if (t != null) {
        boolean isCall = Outgoing.CALL.equals(t.channel());
        what = isCall ? "call" : "SMS";
        limit = isCall ? CALL_WAIT : limit;
        if (PagingStatus.NOT_SENT.equals(t.state())) {
          err.println(what + " to " + p.name() + " (" + p.phone() + ") NOT sent by the daemon"
              + (t.via() == null ? "" : " through " + t.via()) + ": " + t.error());
          err.flush();
          return 1;
        }
        if (!reported && t.sid() != null) {
          out.println(what + " to " + p.name() + " (" + p.phone() + ") accepted by " + t.via() + ": " + t.sid()
              + "; waiting for its final status");
          out.flush();
          reported = true;
        }
        if (t.delivery() != null) {
          boolean reached = t.reached();
          out.println(what + " to " + p.name() + ": " + t.outcome());
          out.flush();
          return reached ? 0 : 1;
        }
        problem = t.sid() == null ? "the daemon is still sending it" : "no final status yet";
      }
      if (!clock.instant().isBefore(start.plus(limit))) {
        out.println(what + " to " + p.name() + ": no final status within " + Durations.format(limit) + " (" + problem
            + "); the daemon keeps following it: see oobwatch status");
        out.flush();
        return 1;
      }
      if (!pause(pauseMs)) {
        return 1;
      }
      pauseMs = Math.min(pauseMs * 2, DAEMON_POLL.toMillis());
    }
  }

  private static JsonNode json(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean pause(long ms) {
    try {
      Thread.sleep(ms);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The test sent from this process through the configured Twilio account: what page-test did before daemons took it. */
  private int directly(Config c, Config.OnCall person, PrintWriter out, PrintWriter err) {
    TwilioPager twilio = new TwilioPager(c.paging().twilio());
    Clock clock = Clock.systemUTC();
    int failures = 0;
    Page sms = new Page(person.name(), person.phone(), TestPages.smsText(c.instance(), person.name(), clock.instant()));
    String smsSid = report(out, err, "SMS", person, () -> twilio.send(sms));
    String callSid = null;
    if (call) {
      Page spoken = new Page(person.name(), person.phone(), TestPages.spokenText(c.instance()));
      callSid = report(out, err, "call", person, () -> twilio.call(spoken, null));
      failures += callSid == null ? 1 : 0;
    }
    out.flush();
    failures += smsSid == null ? 1 : awaitDelivery(out, twilio, clock, "SMS", person, smsSid, false,
        c.paging().deliveryTimeout());
    if (callSid != null) {
      failures += awaitDelivery(out, twilio, clock, "call", person, callSid, true, CALL_WAIT);
    }
    out.flush();
    err.flush();
    return failures == 0 ? 0 : 1;
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  /** A call rings about a minute and speaks for seconds: its final status comes within this. */
  static final Duration CALL_WAIT = Duration.ofMinutes(3);
  static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);
  /** Longest pause between two questions to the daemon about a test page. */
  static final Duration DAEMON_POLL = Duration.ofSeconds(2);
  /** How much longer than delivery_timeout the daemon may take to record "no receipt". */
  static final Duration DAEMON_SLACK = Duration.ofSeconds(30);

  /**
   * Looks the message or call up until its status is final, at most {@code limit}; prints it. Returns
   * 0 when it reached a person, 1 when not (or when no final status came).
   */
  private static int awaitDelivery(PrintWriter out, TwilioPager twilio, Clock clock, String what, Config.OnCall p,
      String sid, boolean call, Duration limit) {
    Instant start = clock.instant();
    long pauseMs = 500;
    String last = "no answer from Twilio yet";
    while (true) {
      try {
        Receipt r = twilio.receipt(sid, call);
        if (r.isFinal()) {
          Duration took = Duration.between(start, clock.instant());
          boolean reached = !r.outcome().reachedNobody();
          out.println(what + " to " + p.name() + ": " + (reached ? r.outcome().word() + " in " + Durations.format(took)
              : r.outcome().word() + ": " + r.detail()));
          out.flush();
          return reached ? 0 : 1;
        }
        last = "last status: " + r.status();
      } catch (PageException e) {
        last = e.getMessage();
      }
      if (!clock.instant().isBefore(start.plus(limit))) {
        out.println(what + " to " + p.name() + ": no-receipt: no final status within " + Durations.format(limit) + " ("
            + last + "); oobwatch would page the next route now");
        out.flush();
        return 1;
      }
      try {
        Thread.sleep(pauseMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
      pauseMs = Math.min(pauseMs * 2, LONGEST_PAUSE.toMillis());
    }
  }

  private interface Send {
    String run() throws PageException;
  }

  /** The SID Twilio accepted the message or call with, or null when it was not sent. */
  private static String report(PrintWriter out, PrintWriter err, String what, Config.OnCall p, Send send) {
    try {
      String sid = send.run();
      out.println(what + " to " + p.name() + " (" + p.phone() + ") accepted by Twilio: " + sid
          + "; waiting for its final status");
      return sid;
    } catch (PageException e) {
      err.println(what + " to " + p.name() + " (" + p.phone() + ") NOT sent: " + e.getMessage()
          + (e.code() != 0 ? " [twilio error " + e.code() + "]" : ""));
      return null;
    }
  }
}
