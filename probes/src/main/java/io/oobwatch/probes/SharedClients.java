package io.oobwatch.probes;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Clients that probes of one process share when they would open the same one (a Kafka admin
 * client for the same cluster and credentials): opened by the first probe that needs it, closed
 * when the last probe holding it lets go. Thread-safe.
 */
public final class SharedClients {
  /** One probe's hold on a shared client. Closing it twice lets go once. */
  public final class Lease<T extends AutoCloseable> implements AutoCloseable {
    private final Object key;
    private final T client;
    private boolean closed;

    private Lease(Object key, T client) {
      this.key = key;
      this.client = client;
    }

    public T client() {
      return client;
    }

    @Override
    public void close() {
      synchronized (SharedClients.this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      release(key);
    }
  }

  private static final class Held {
    final AutoCloseable client;
    int holders;

    Held(AutoCloseable client) {
      this.client = client;
    }
  }

  private final Map<Object, Held> held = new HashMap<>();

  /**
   * The client under {@code key}, opened with {@code open} when no probe holds one yet.
   *
   * @param key what makes two clients the same (e.g. a record of bootstrap servers and client
   *     properties); equal keys share one client
   * @throws RuntimeException what {@code open} throws; nothing is kept then
   */
  public synchronized <T extends AutoCloseable> Lease<T> lease(Object key, Supplier<T> open) {
    Objects.requireNonNull(key, "key");
    Held h = held.get(key);
    if (h == null) {
      h = new Held(Objects.requireNonNull(open.get(), "open"));
      held.put(key, h);
    }
    h.holders++;
    @SuppressWarnings("unchecked")
    T client = (T) h.client;
    return new Lease<>(key, client);
  }

  /** Clients open now. */
  public synchronized int open() {
    return held.size();
  }

  private void release(Object key) {
    AutoCloseable last = null;
    synchronized (this) {
      Held h = held.get(key);
      if (h != null && --h.holders == 0) {
        held.remove(key);
        last = h.client;
      }
    }
    if (last != null) {
      try {
        last.close();
      } catch (Exception e) {
        // closing is best effort: the client is dropped either way
      }
    }
  }
}
