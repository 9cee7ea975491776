package io.oobwatch.watchdog.quality;

import io.oobwatch.watchdog.config.Signal;

import io.oobwatch.watchdog.detect.Finding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A single request using more than {@code max} tokens: a prompt-injection attack, or an agent
 * caught in a loop. Pure. Each session has its own alert: a session's first request over the max
 * pages, naming the request and the session, and the alert resolves once none of that session's
 * requests in the last {@link #WINDOW} was over the max; other sessions page meanwhile, each once. A
 * session paged for before (see {@code named}) does not page again. When the session's requests grew
 * turn after turn (at least {@value #LOOP_TURNS} turns, each larger than the one before, within
 * {@link #LOOKBACK}), the page names it a runaway loop.
 */
public final class RequestRule {
  /** How far back requests are looked at (a session's earlier turns). */
  public static final Duration LOOKBACK = Duration.ofMinutes(30);
  /** A request over the max this recent keeps its session's alert open. */
  public static final Duration WINDOW = Duration.ofMinutes(5);
  static final int LOOP_TURNS = 3;

  private final Signal.RequestMax signal;

  public RequestRule(Signal.RequestMax signal) {
    this.signal = signal;
  }

  /**
   * @param recent the largest requests of each minute in the last {@link #LOOKBACK}
   * @param named the sessions this signal has already paged for
   * @param open the sessions whose alert is open now
   * @return the signal's status, and per session its alert's finding: BAD for a session over the
   *     max (UNDECIDED for one paged for before whose alert is closed), OK for an open one no longer over
   */
  public Judgement judge(List<Tally.Request> recent, Set<String> named, Set<String> open, Instant now) {
    long since = now.minus(WINDOW).getEpochSecond();
    List<Tally.Request> over = recent.stream().filter(r -> r.tokens() > signal.max() && r.at() >= since)
        .sorted(Comparator.comparingLong(Tally.Request::at)).toList();
    double largest = recent.stream().filter(r -> r.at() >= since).mapToDouble(Tally.Request::tokens).max().orElse(Double.NaN);
    Judgement.Figure figure = new Judgement.Figure(largest, null, null, recent.size());
    String max = "max " + Words.count(signal.max());
    String quiet = " over " + max + " in the last " + WINDOW.toMinutes() + "m";
    // each session's largest request over the max, sessions in the order they went over
    Map<String, Tally.Request> worst = new LinkedHashMap<>();
    for (Tally.Request r : over) {
      worst.merge(r.session(), r, (a, b) -> b.tokens() > a.tokens() ? b : a);
    }
    Map<String, Finding> sessions = new LinkedHashMap<>();
    worst.forEach((session, r) -> sessions.put(session, named.contains(session) && !open.contains(session)
        ? Finding.undecided("session " + session + " used " + Words.count(r.tokens()) + " tokens in request " + r.id()
            + ", paged for already")
        : page(r, recent, max)));
    for (String session : open) {
      sessions.putIfAbsent(session, Finding.ok("no request of session " + session + quiet));
    }
    if (worst.isEmpty()) {
      return new Judgement(Finding.ok("largest request " + (Double.isNaN(largest) ? "n/a" : Words.count(largest))
          + " tokens in the last " + WINDOW.toMinutes() + "m, " + max), figure, sessions);
    }
    if (worst.size() == 1) {
      return new Judgement(sessions.values().iterator().next(), figure, sessions);
    }
    List<String> each = new ArrayList<>();
    worst.forEach((session, r) -> each.add(session + " (" + r.id() + ", " + Words.count(r.tokens()) + ")"));
    return new Judgement(Finding.bad(worst.size() + " sessions with requests" + quiet, "Sessions " + String.join(", ", each)
        + "."), figure, sessions);
  }

  /** A session's page: its largest request over the max, and whether its turns grew. */
  private Finding page(Tally.Request r, List<Tally.Request> recent, String max) {
    String summary = "request " + r.id() + " used " + Words.count(r.tokens()) + " tokens (" + max + ")";
    List<Tally.Request> turns = turns(recent, r.session());
    String evidence = turns.size() >= LOOP_TURNS
        ? "Runaway loop: session " + r.session() + " grew " + growth(turns) + " tokens over " + turns.size() + " turns."
        : "Session " + r.session() + ".";
    return Finding.bad(summary, evidence);
  }

  /** The session's latest run of requests, each larger than the one before, oldest first. */
  static List<Tally.Request> turns(List<Tally.Request> recent, String session) {
    List<Tally.Request> mine = new ArrayList<>(recent.stream().filter(r -> r.session().equals(session))
        .sorted(Comparator.comparingLong(Tally.Request::at)).toList());
    int start = mine.size() - 1;
    while (start > 0 && mine.get(start - 1).tokens() < mine.get(start).tokens()) {
      start--;
    }
    return mine.subList(Math.max(0, start), mine.size());
  }

  private static String growth(List<Tally.Request> turns) {
    List<String> steps = new ArrayList<>();
    List<Tally.Request> shown = turns.size() > 4 ? turns.subList(turns.size() - 4, turns.size()) : turns;
    for (Tally.Request r : shown) {
      steps.add(Words.count(r.tokens()));
    }
    return (shown.size() < turns.size() ? "... " : "") + String.join(" -> ", steps);
  }
}
