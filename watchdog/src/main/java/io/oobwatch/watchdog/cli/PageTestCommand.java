package io.oobwatch.watchdog.cli;

import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigException;
import io.oobwatch.watchdog.page.Page;
import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.page.PageException;
import io.oobwatch.watchdog.page.Receipt;
import io.oobwatch.watchdog.page.TwilioPager;
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
    header = "Send a real test SMS (or call) through Twilio and print Twilio's answer.",
    description = {
      "Send a real test SMS (and with --call, place a real call) through the configured Twilio account,",
      "and print Twilio's answer: the message/call SID, or its error code and message; then wait for the",
      "final status and print it (\"delivered in 4.2s\", \"undelivered: 30034 the sender number is not",
      "registered for A2P 10DLC\", \"no-answer\", \"voicemail\"), at most paging.delivery_timeout for the SMS.",
      "Exit 0 delivered (or answered), 1 refused, unreachable or not delivered, 2 invalid config or no Twilio configured."
    })
final class PageTestCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Option(names = "--to", paramLabel = "NAME", description = "an on-call person (default: the first in paging.oncall)")
  String to;

  @Option(names = "--call", description = "also place a test call")
  boolean call;

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
    TwilioPager twilio = new TwilioPager(c.paging().twilio());
    Clock clock = Clock.systemUTC();
    String when = clock.instant().toString();
    int failures = 0;
    Page sms = new Page(person.name(), person.phone(),
        "oobwatch " + c.instance() + ": test page to " + person.name() + " at " + when + ". No action needed.");
    String smsSid = report(out, err, "SMS", person, () -> twilio.send(sms));
    String callSid = null;
    if (call) {
      Page spoken = new Page(person.name(), person.phone(),
          "This is a test call from oobwatch " + c.instance() + ". No action is needed.");
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

  /** A call rings about a minute and speaks for seconds: its final status comes within this. */
  static final Duration CALL_WAIT = Duration.ofMinutes(3);
  static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

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
