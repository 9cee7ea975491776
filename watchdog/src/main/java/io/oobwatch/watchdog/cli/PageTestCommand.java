package io.oobwatch.watchdog.cli;

import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.config.ConfigException;
import io.oobwatch.watchdog.page.Page;
import io.oobwatch.watchdog.page.PageException;
import io.oobwatch.watchdog.page.TwilioPager;
import java.io.PrintWriter;
import java.time.Clock;
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
      "and print Twilio's answer: the message/call SID, or its error code and message.",
      "Exit 0 sent, 1 Twilio refused or could not be reached, 2 invalid config or no Twilio configured."
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
    String when = Clock.systemUTC().instant().toString();
    int failures = 0;
    Page sms = new Page(person.name(), person.phone(),
        "oobwatch " + c.instance() + ": test page to " + person.name() + " at " + when + ". No action needed.");
    failures += report(out, err, "SMS", person, () -> twilio.send(sms));
    if (call) {
      Page spoken = new Page(person.name(), person.phone(),
          "This is a test call from oobwatch " + c.instance() + ". No action is needed.");
      failures += report(out, err, "call", person, () -> twilio.call(spoken, null));
    }
    out.flush();
    err.flush();
    return failures == 0 ? 0 : 1;
  }

  private interface Send {
    String run() throws PageException;
  }

  private static int report(PrintWriter out, PrintWriter err, String what, Config.OnCall p, Send send) {
    try {
      String sid = send.run();
      out.println(what + " to " + p.name() + " (" + p.phone() + ") accepted by Twilio: " + sid);
      return 0;
    } catch (PageException e) {
      err.println(what + " to " + p.name() + " (" + p.phone() + ") NOT sent: " + e.getMessage()
          + (e.code() != 0 ? " [twilio error " + e.code() + "]" : ""));
      return 1;
    }
  }
}
