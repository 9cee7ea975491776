package io.oobwatch.watchdog.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    JsonNode doc;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(timeoutSeconds)).build();
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(timeoutSeconds)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return Nagios.unknown(out, json, target + " answered HTTP " + r.statusCode() + "; is this an oobwatch daemon?");
      }
      doc = new ObjectMapper().readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Nagios.unknown(out, json, "interrupted");
    } catch (java.io.IOException e) {
      String why = e instanceof java.net.ConnectException ? "connection refused"
          : e instanceof java.net.http.HttpTimeoutException ? "no answer within " + timeoutSeconds + "s"
          : String.valueOf(e.getMessage());
      return Nagios.unknown(out, json, "daemon at " + target + " unreachable: " + why + "; is oobwatch running? (systemctl status oobwatch)");
    }
    if (doc == null || !doc.has("pipelines")) {
      return Nagios.unknown(out, json, target + " did not answer with an oobwatch status document");
    }
    Verdict v = judge(doc);
    if (json) {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("status", Nagios.LEVELS[v.code()]);
      o.put("exit", v.code());
      o.putPOJO("problems", v.problems());
      o.set("daemon", doc);
      Nagios.write(out, o);
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

  /** The Nagios verdict for a daemon's /status document. */
  static Verdict judge(JsonNode doc) {
    List<String> critical = new ArrayList<>();
    List<String> warning = new ArrayList<>();
    if (!doc.path("healthy").asBoolean(true)) {
      critical.add("unhealthy: " + doc.path("unhealthy_reason").asText());
    }
    // an open alert is critical until its condition clears; an ack only stops the paging
    for (JsonNode a : doc.path("alerts")) {
      String state = a.path("state").asText();
      if (!"resolved".equals(state)) {
        critical.add("ALERT " + a.path("id").asText() + " " + a.path("subject").asText() + ": " + a.path("summary").asText()
            + ("acknowledged".equals(state) ? " (acknowledged)" : ""));
      }
    }
    JsonNode paging = doc.path("paging");
    if ("failed".equals(paging.path("problem_kind").asText())) {
      critical.add("paging: " + paging.path("problem").asText());
    } else if (paging.has("problem")) {
      warning.add("paging: " + paging.path("problem").asText());
    } else if (paging.path("pending").asLong() > 0) {
      warning.add("paging: " + paging.path("pending").asLong() + " page(s) waiting to be sent");
    }
    for (JsonNode p : doc.path("pipelines")) {
      JsonNode last = p.path("canary").path("last");
      if ("SLOW".equals(last.path("verdict").asText())) {
        warning.add(p.path("name").asText() + ": last canary slow");
      }
    }
    JsonNode self = doc.path("self");
    for (JsonNode peer : self.path("peers")) {
      if (peer.path("failures_in_a_row").asInt() > 0) {
        warning.add("peer " + peer.path("name").asText() + ": " + peer.path("failures_in_a_row").asInt()
            + " failed check(s): " + peer.path("error").asText());
      }
    }
    JsonNode dms = self.path("dead_mans_switch");
    if (dms.isObject() && dms.has("delivered") && !dms.path("delivered").asBoolean()) {
      warning.add("dead man's switch: " + dms.path("error").asText());
    }
    List<String> all = new ArrayList<>(critical);
    all.addAll(warning);
    return new Verdict(!critical.isEmpty() ? 2 : !warning.isEmpty() ? 1 : 0, all);
  }

  private static void print(PrintWriter out, JsonNode doc, Verdict v) {
    int pipelines = doc.path("pipelines").size();
    out.printf("OOBWATCH %s - %s%n", Nagios.LEVELS[v.code()],
        v.problems().isEmpty() ? doc.path("instance").asText() + ": " + pipelines + " pipeline(s) OK" : String.join("; ", v.problems()));
    out.printf("%-20s %-16s %-12s %9s  %s%n", "PIPELINE", "STAGE", "RESULT", "LATENCY", "REASON");
    for (JsonNode p : doc.path("pipelines")) {
      JsonNode last = p.path("canary").path("last");
      String name = p.path("name").asText();
      if (last.isMissingNode()) {
        out.printf("%-20s %-16s %-12s %9s  %s%n", name, "-", "WAITING", "-", "no canary judged yet");
        continue;
      }
      out.printf("%-20s %-16s %-12s %9s  %s%n", name, "canary #" + last.path("seq").asText(), last.path("verdict").asText(),
          "", "emitted " + last.path("emitted_at").asText() + ", last 24h: " + day(p.path("canary").path("last_24h")));
      if (last.path("injection").asText().startsWith("failed: ")) {
        out.printf("%-20s %-16s %-12s %9s  %s%n", name, "inject", "FAILED", "",
            last.path("injection").asText().substring("failed: ".length()));
      }
      for (JsonNode s : last.path("stages")) {
        out.printf("%-20s %-16s %-12s %9s  %s%n", name, s.path("stage").asText(), s.path("result").asText(),
            seconds(s.path("latency_ms").asLong()), s.path("reason").asText());
      }
    }
    out.println();
    int shown = 0;
    for (JsonNode a : doc.path("alerts")) {
      if (shown++ == 0) {
        out.println("ALERTS (open, and resolved in the last day)");
      }
      out.printf("  %-4s %-9s %-20s %s (since %s%s)%n", a.path("id").asText(), a.path("state").asText(),
          a.path("subject").asText(), a.path("summary").asText(), a.path("opened_at").asText(),
          "resolved".equals(a.path("state").asText()) ? ", resolved " + a.path("resolved_at").asText() : "");
    }
    if (shown == 0) {
      out.println("ALERTS none in the last day");
    }
    JsonNode paging = doc.path("paging");
    out.printf("PAGING via %s: %d pending, %d failed%s%n", paging.path("channel").asText(), paging.path("pending").asLong(),
        paging.path("failed").asLong(), paging.has("problem") ? " - " + paging.path("problem").asText() : "");
    JsonNode dms = doc.path("self").path("dead_mans_switch");
    if (dms.isObject()) {
      out.printf("SELF dead man's switch %s every %s: last ping %s at %s%s%n", dms.path("url").asText(), dms.path("every").asText(),
          dms.path("last_ping").asText(), dms.path("last_ping_at").asText(),
          dms.path("delivered").asBoolean(true) ? "" : " (not delivered: " + dms.path("error").asText() + ")");
    }
    for (JsonNode peer : doc.path("self").path("peers")) {
      out.printf("SELF peer %s (%s): %s%n", peer.path("name").asText(), peer.path("url").asText(),
          peer.path("last_check_at").isNull() ? "not checked yet"
              : peer.path("answering").asBoolean() ? "answering"
              : peer.path("failures_in_a_row").asInt() + " failed check(s) since " + peer.path("failing_since").asText()
                  + ": " + peer.path("error").asText());
    }
  }

  private static String day(JsonNode d) {
    return d.path("ok").asLong() + " ok, " + d.path("slow").asLong() + " slow, " + d.path("lost").asLong() + " lost, "
        + d.path("unreachable").asLong() + " unreachable";
  }

  private static String seconds(long ms) {
    return io.oobwatch.probes.canary.Durations.format(Duration.ofMillis(ms));
  }


}
