package io.oobwatch.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A network partition between loopback addresses (127.0.0.2, 127.0.0.3, ...), made the way a
 * firewall would make it, with no help from the programs it separates: policy-routing rules
 * ({@code ip rule ... prohibit}) make every packet from one side to the other unroutable, so a
 * connect fails at once and an established connection stops carrying anything. Addresses not cut
 * (127.0.0.1: Kafka, OpenSearch, the loopback Twilio) are untouched.
 *
 * <p>Loopback delivery is decided by the {@code local} routing table, whose rule has priority 0,
 * before any other; {@link #open} moves it below the cut's rules (priority 100, the same table),
 * {@link #close} moves it back, and heals first. Programs must send from their own address (bind
 * their client sockets to it) for a rule keyed on it to apply.
 *
 * <p>Needs iproute2's {@code ip} and the right to change the rules (root or CAP_NET_ADMIN). Without
 * them {@link #open} fails the test under {@code CI=true} (.ci/run installs iproute2) and skips it
 * elsewhere, saying why. Close it in a finally block or an {@code @AfterEach}: the cut's rules
 * outlive the JVM.
 */
public final class LoopbackPartition implements AutoCloseable {
  /** The cut's rules: before the local table's, so that they apply to loopback. */
  static final int CUT_PREF = 10;
  /** Where the local table's rule goes while a partition is possible. */
  static final int LOCAL_PREF = 100;
  private static final List<Path> IP = List.of(Path.of("/usr/sbin/ip"), Path.of("/sbin/ip"), Path.of("/usr/bin/ip"),
      Path.of("/bin/ip"));

  private final String ip;
  /** The rules added, each as its selector ("from A to B"), to delete on heal. */
  private final List<String[]> rules = new ArrayList<>();
  private boolean closed;

  private LoopbackPartition(String ip) {
    this.ip = ip;
  }

  /**
   * Moves the local table's rule below the cut's, ready to {@link #cut}. Without {@code ip} or the
   * right to change rules: fails under {@code CI=true}, else skips the test with the reason.
   */
  public static LoopbackPartition open() {
    String ip = IP.stream().filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
    String why = ip == null ? "iproute2's ip is not installed" : null;
    if (why == null) {
      // another partition (a test running in parallel) may have moved it already; both leave it usable
      Result add = run(ip, "rule", "add", "pref", String.valueOf(LOCAL_PREF), "lookup", "local");
      if (add.exit() != 0 && !add.out().contains("File exists")) {
        why = "cannot change the routing rules (ip rule add: " + add.out().strip()
            + "); making a partition needs root or CAP_NET_ADMIN";
      } else {
        run(ip, "rule", "del", "pref", "0");
      }
    }
    if (why != null) {
      String message = "SKIPPED: no network partition on loopback: " + why + " (.ci/run installs iproute2 and runs as root)";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(message.replaceFirst("^SKIPPED: ", ""));
      }
      System.err.println(message);
      Assumptions.abort(message);
    }
    return new LoopbackPartition(ip);
  }

  /** Cuts every address of {@code side} off from every address of {@code others}, both ways. */
  public synchronized void cut(List<String> side, List<String> others) {
    for (String a : side) {
      for (String b : others) {
        add(a, b);
        add(b, a);
      }
    }
  }

  private void add(String from, String to) {
    String[] selector = {"from", from, "to", to};
    Result r = run(ip, "rule", "add", "pref", String.valueOf(CUT_PREF), "from", from, "to", to, "prohibit");
    if (r.exit() != 0) {
      throw new IllegalStateException("ip rule add from " + from + " to " + to + " prohibit: " + r.out().strip());
    }
    rules.add(selector);
  }

  /** Deletes every rule {@link #cut} added: the addresses reach each other again. */
  public synchronized void heal() {
    List<String> failures = new ArrayList<>();
    for (String[] s : rules) {
      Result r = run(ip, "rule", "del", "pref", String.valueOf(CUT_PREF), s[0], s[1], s[2], s[3], "prohibit");
      if (r.exit() != 0) {
        failures.add(String.join(" ", s) + ": " + r.out().strip());
      }
    }
    rules.clear();
    if (!failures.isEmpty()) {
      throw new IllegalStateException("could not delete the partition's rules: " + failures);
    }
  }

  /** The routing rules now, as {@code ip rule list} prints them. */
  public String rules() {
    return run(ip, "rule", "list").out();
  }

  /** Heals, then puts the local table's rule back first (priority 0). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      heal();
    } finally {
      // a partition still open elsewhere (its rules are left) needs the local table below them
      boolean othersCut = rules().lines().anyMatch(l -> l.startsWith(CUT_PREF + ":"));
      if (!othersCut) {
        Result back = run(ip, "rule", "add", "pref", "0", "lookup", "local");
        // never delete the moved rule unless the first one is there: without either, loopback is gone
        if (back.exit() == 0 || back.out().contains("File exists")) {
          run(ip, "rule", "del", "pref", String.valueOf(LOCAL_PREF));
        }
      }
    }
  }

  record Result(int exit, String out) {}

  static Result run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, String.join(" ", cmd) + " did not finish in 10 s");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
