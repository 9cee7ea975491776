package io.oobwatch.watchdog.quality;

import io.oobwatch.watchdog.config.Signal;

import io.oobwatch.watchdog.detect.Finding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A single request using more than {@code max} tokens: a prompt-injection attack, or an agent
 * caught in a loop. Pure. Pages once per session, naming the request and its session: a session
 * already named does not page again. When the session's requests grew turn after turn (at least
 * {@value #LOOP_TURNS} turns, each larger than the one before, within {@link #LOOKBACK}), the page
 * names it a runaway loop. Resolves when no request in the last {@link #WINDOW} was over the max.
 */
public final class RequestRule {
  /** How far back requests are looked at (a session's earlier turns). */
  public static final Duration LOOKBACK = Duration.ofMinutes(30);
  /** A request over the max this recent keeps the alert open. */
  public static final Duration WINDOW = Duration.ofMinutes(5);
  static final int LOOP_TURNS = 3;

  private final Signal.RequestMax signal;

  public RequestRule(Signal.RequestMax signal) {
    this.signal = signal;
  }

  /**
   * @param recent the largest requests of each minute in the last {@link #LOOKBACK}
   * @param named the sessions this signal has already paged for
   */
  public Judgement judge(List<Tally.Request> recent, Set<String> named, Instant now) {
    long since = now.minus(WINDOW).getEpochSecond();
    List<Tally.Request> over = recent.stream().filter(r -> r.tokens() > signal.max() && r.at() >= since)
        .sorted(Comparator.comparingLong(Tally.Request::at)).toList();
    double largest = recent.stream().filter(r -> r.at() >= since).mapToDouble(Tally.Request::tokens).max().orElse(Double.NaN);
    Judgement.Figure figure = new Judgement.Figure(largest, null, null, recent.size());
    String max = "max " + Words.count(signal.max());
    if (over.isEmpty()) {
      return new Judgement(Finding.ok("largest request " + (Double.isNaN(largest) ? "n/a" : Words.count(largest))
          + " tokens in the last " + WINDOW.toMinutes() + "m, " + max), figure);
    }
    Tally.Request first = over.stream().filter(r -> !named.contains(r.session())).findFirst().orElse(null);
    if (first == null) {
      return new Judgement(Finding.undecided(over.size() + " requests over " + max + " in the last "
          + WINDOW.toMinutes() + "m, from sessions already paged for"), figure);
    }
    String summary = "request " + first.id() + " used " + Words.count(first.tokens()) + " tokens (" + max + ")";
    List<Tally.Request> turns = turns(recent, first.session());
    String evidence = turns.size() >= LOOP_TURNS
        ? "Runaway loop: session " + first.session() + " grew " + growth(turns) + " tokens over " + turns.size() + " turns."
        : "Session " + first.session() + ".";
    return new Judgement(Finding.bad(summary, evidence), figure, List.of(first.session()));
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
