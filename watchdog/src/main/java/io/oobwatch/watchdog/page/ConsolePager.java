package io.oobwatch.watchdog.page;

import java.io.PrintStream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints pages instead of sending them: dry runs and the demo. Each page is one block, written
 * whole even when pages are sent from several threads:
 *
 * <pre>
 * PAGE → alice (+15550002222)  [console-1, 1 SMS segment]
 *   pipeline inference-logs: canary lost at elasticsearch
 *   ...
 * </pre>
 *
 * Never fails; ids are "console-1", "console-2", ... in sending order.
 */
public final class ConsolePager implements Pager {
  private final PrintStream out;
  private final AtomicLong sent = new AtomicLong();

  public ConsolePager(PrintStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  @Override
  public String send(Page page) {
    String id = "console-" + sent.incrementAndGet();
    int segments = SmsText.segments(page.body());
    StringBuilder block = new StringBuilder();
    block
        .append("PAGE → ")
        .append(page.to())
        .append(" (")
        .append(page.phone())
        .append(")  [")
        .append(id)
        .append(", ")
        .append(segments)
        .append(segments == 1 ? " SMS segment]" : " SMS segments]")
        .append(System.lineSeparator());
    for (String line : page.body().split("\r?\n", -1)) {
      block.append("  ").append(line).append(System.lineSeparator());
    }
    block.append(System.lineSeparator());
    synchronized (out) {
      out.print(block);
      out.flush();
    }
    return id;
  }

  @Override
  public String call(Page page, String ackUrl) {
    String id = "console-" + sent.incrementAndGet();
    String block = "CALL → " + page.to() + " (" + page.phone() + ")  [" + id + "]" + System.lineSeparator()
        + "  says: " + page.body() + System.lineSeparator()
        + (ackUrl == null ? "" : "  press 1 to acknowledge → " + ackUrl + System.lineSeparator())
        + System.lineSeparator();
    synchronized (out) {
      out.print(block);
      out.flush();
    }
    return id;
  }

  @Override
  public String describe() {
    return "console (dry run: nothing is sent)";
  }
}
