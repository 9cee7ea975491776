package io.oobwatch.probes;

/** A stage's settings: a kind where a canary can be looked for implements it. */
public interface StageConfig {
  /** The stage named {@code name}; it connects on first use. */
  Stage open(String name, ProbeContext ctx);

  /** What is searched, in the words of a page ("elasticsearch index inference-logs-*"). */
  String where();
}
