package io.oobwatch.probes.loki;

import io.oobwatch.probes.ProbeContext;
import io.oobwatch.probes.Stage;
import io.oobwatch.probes.StageConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a canary is looked for in Loki: a stream selector and how the canary id is matched.
 *
 * @param loki the Loki and its credentials
 * @param selector the LogQL stream selector of the pipeline's logs, e.g. {@code {service="inference"}}
 * @param match how the id is matched: a line filter, or a structured-metadata label filter
 * @param poll at most one {@code query_range} per this interval, however many canaries are in flight
 */
public record LokiStageConfig(LokiConfig loki, String selector, Match match, Duration poll) implements StageConfig {
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);

  /** How the canary id is matched in the query. */
  public enum Match {
    /** {@code |= "ID"}: the line holds the id (the JSON record as shipped). */
    LINE,
    /** {@code | canary_id="ID"}: the entry carries the id in structured metadata (as the loki entry sends it). */
    METADATA
  }

  public LokiStageConfig {
    Objects.requireNonNull(loki, "loki");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(poll, "poll");
    if (poll.isNegative() || poll.isZero()) {
      throw new IllegalArgumentException("loki poll must be positive");
    }
    String problem = LogQl.selectorProblem(selector);
    if (problem != null) {
      throw new IllegalArgumentException("loki selector: " + problem);
    }
  }

  /** The query for one canary. */
  String query(String canaryId) {
    return selector + (match == Match.LINE ? " |= \"" + canaryId + "\"" : " | canary_id=\"" + canaryId + "\"");
  }

  /**
   * One query for any of {@code ids}: a regular expression of the alternatives, as a line filter
   * ({@code |~}) or a label filter ({@code =~}). The ids must hold no regular-expression syntax
   * (canary ids are UUIDs: see {@link LokiStage#lookupAll}).
   */
  String query(java.util.List<String> ids) {
    String any = String.join("|", ids);
    return selector + (match == Match.LINE ? " |~ \"" + any + "\"" : " | canary_id=~\"" + any + "\"");
  }

  @Override
  public Stage open(String name, ProbeContext ctx) {
    return new LokiStage(name, this, new LokiApi(loki, ctx.http()), ctx.clock());
  }

  /** The newest real line's time under the stage's selector, canaries filtered out (the freshness query). */
  @Override
  public java.util.Optional<io.oobwatch.probes.RealTraffic> realTraffic(ProbeContext ctx) {
    return java.util.Optional.of(new io.oobwatch.probes.RealTraffic(
        new LokiFreshnessConfig(loki, selector, LokiFreshnessConfig.DEFAULT_LOOKBACK).freshness(ctx), "ingested"));
  }

  @Override
  public String where() {
    return "loki " + selector;
  }
}
