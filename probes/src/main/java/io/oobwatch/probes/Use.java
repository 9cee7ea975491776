package io.oobwatch.probes;

/** Where in a pipeline's config a kind can be written. */
public enum Use {
  /** {@code canary.inject}: where canaries enter. */
  ENTRY("entry", "injector", "canary.inject"),
  /** {@code canary.stages}: where canaries are looked for. */
  STAGE("stage", "stage", "canary.stages[]"),
  /** {@code freshness}: the newest real record's age. */
  FRESHNESS("freshness", "freshness", "freshness[]"),
  /** {@code volume}: records per minute. */
  VOLUME("volume", "volume", "volume[]"),
  /** {@code consumer_lag}: a consumer group's lag. */
  CONSUMER_LAG("consumer lag", "consumer_lag", "consumer_lag[]"),
  /** {@code tap}: oobwatch's own read-only consumer of the log stream, for quality and cost signals. */
  TAP("tap", "tap", "tap");

  private final String title;
  private final String noun;
  private final String key;

  Use(String title, String noun, String key) {
    this.title = title;
    this.noun = noun;
    this.key = key;
  }

  /** Where it is written in a pipeline ({@code canary.stages[]}). */
  public String key() {
    return key;
  }

  /** How the kinds table names it. */
  public String title() {
    return title;
  }

  /** How error messages name it ("unknown stage kind", "freshness cannot be read from"). */
  public String noun() {
    return noun;
  }
}
