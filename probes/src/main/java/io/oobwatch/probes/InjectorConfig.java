package io.oobwatch.probes;

/** A pipeline entry's settings: a kind that can take canaries in implements it. */
public interface InjectorConfig {
  /** The injector; it connects on first use, so opening it never fails on an unreachable target. */
  Injector open(ProbeContext ctx);

  /** Where canaries enter, in the words of a page ("kafka topic inference-logs"). */
  String where();
}
