package io.oobwatch.watchdog.page;

/**
 * Where the dispatcher may be held while it sends a page: the two instants at which a crash is most
 * dangerous. The daemon runs with {@link #NONE}; a crash test wires an implementation that stops the
 * sending thread at a point, so that it can kill the process exactly there.
 */
public interface Pauses {
  /** Never holds. */
  Pauses NONE = point -> { };

  enum Point {
    /** After the page was written to the outbox, before the channel is called. */
    BEFORE_SEND,
    /** After the channel accepted the page, before its id is recorded. */
    AFTER_SEND
  }

  /** Called by the sending thread at {@code point}; returns when sending may go on. */
  void at(Point point);
}
