package io.oobwatch.watchdog.store;

/**
 * A failure of oobwatch's own state store (the SQLite file in {@code state_dir}): a round that meets
 * one did not happen, and whether writes fail right now is {@link Stores#writeFailure}'s to say, so
 * a loop need not report each one itself.
 */
public final class StateStoreException extends IllegalStateException {
  StateStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
