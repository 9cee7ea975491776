package io.oobwatch.watchdog.cli;

import io.oobwatch.watchdog.logging.LogFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code oobwatch} command. Each subcommand is one small class; its return value is the exit code. */
@Command(
    name = "oobwatch",
    // --help and --version on every subcommand too, and room for the descriptions' own lines
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT,
    usageHelpWidth = 110,
    versionProvider = Main.Version.class,
    subcommands = {
      RunCommand.class,
      ValidateCommand.class,
      CheckCommand.class,
      DemoCommand.class,
      AckCommand.class,
      SilenceCommand.class,
      PageTestCommand.class,
      StatusCommand.class,
      CommandLine.HelpCommand.class
    },
    description = {
      "Out-of-band watchdog for AI inference log pipelines.",
      "",
      "Injects synthetic inference records (canaries) at the pipeline's entry, looks for them at every",
      "stage (Kafka, Elasticsearch/OpenSearch, any HTTP query), and pages a person by SMS when a hop",
      "loses them - from separate infrastructure, with its own state, through its own channel.",
      "",
      "Config: -c FILE, else $OOBWATCH_CONFIG, else /etc/oobwatch/oobwatch.yaml.",
      "Try it with no other software: oobwatch demo"
    },
    footer = {
      "",
      "Exit codes of check: 0 OK, 1 WARNING (slow canary, no volume data), 2 CRITICAL (lost, unreachable,",
      "stale, empty or behind), 3 UNKNOWN.",
      "Exit codes of validate: 0 valid, 2 invalid.",
      "Exit codes of status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (daemon unreachable)."
    })
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    shareAnswerThreads(System.getProperties());
    LogFormat.configure(System.getenv());
    System.exit(run(args));
  }

  /** The JDK's property for the common pool's size; read once, when the pool is first used. */
  static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  /**
   * Gives the common pool two threads unless the user chose otherwise; must run before anything uses
   * it. The JDK HTTP client completes every {@code sendAsync} answer on CompletableFuture's default
   * executor, which on a machine with fewer than 3 CPUs (common pool parallelism 1) starts a new thread
   * per answer: about 150 threads a second at 200 pipelines, each answer waiting for its thread to
   * start. With two common-pool threads the answers reuse them.
   */
  static void shareAnswerThreads(java.util.Properties system) {
    if (system.getProperty(COMMON_POOL_PARALLELISM) == null) {
      system.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
  }

  /** Runs the command line and returns the exit code (tests call this). */
  public static int run(String... args) {
    return new CommandLine(Main.class).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"oobwatch " + (v == null ? "dev" : v), "Java " + System.getProperty("java.version")};
    }
  }
}
