package io.oobwatch.probes;

/**
 * What one query of a store that bills by bytes read (BigQuery) cost.
 *
 * @param processed the bytes the query read
 * @param billed the bytes billed for it (on-demand pricing bills at least 10 MiB a query)
 */
public record QueryBytes(long processed, long billed) {
  public QueryBytes {
    if (processed < 0 || billed < 0) {
      throw new IllegalArgumentException("bytes are not negative");
    }
  }
}
