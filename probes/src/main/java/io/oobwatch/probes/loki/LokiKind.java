package io.oobwatch.probes.loki;

import io.oobwatch.probes.Kind;
import io.oobwatch.probes.Settings;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Grafana Loki: an entry (push), a stage (query_range by canary id) and freshness (newest real line). */
public final class LokiKind {
  private static final String LOKI = "`url`, optional `tenant` (X-Scope-OrgID), `username` + `password_file` or"
      + " `token_file`, `timeout`";

  public static final Kind KIND = Kind.named("loki", "Grafana Loki")
      .withEntry(LOKI + ", `labels` (the stream's); `POST /loki/api/v1/push`, the canary id in structured metadata,"
          + " never a label", LokiKind::entry)
      .withStage(LOKI + ", `selector` (a stream selector), `match` `line` (`\\|= id`, default) or `metadata`"
          + " (`\\| canary_id=id`), `poll` (5s); one `query_range` per `poll` for every canary in flight, backward from"
          + " just before the oldest's emission; 429 and query limits are rate-limited, never \"lost\"", LokiKind::stage)
      .withFreshness(LOKI + ", `selector`, `lookback` (1h); the newest **real** line (`\"synthetic\":true` filtered"
          + " out)", LokiKind::freshness);

  private LokiKind() {}

  /** The connection settings; null when they are wrong (the problems are recorded), after every key was read. */
  static LokiConfig loki(Settings o) {
    int before = o.errors();
    String url = o.url("url", "the Loki base URL, e.g. url: http://loki:3100");
    String tenant = o.string("tenant", null);
    String user = o.string("username", null);
    String password = o.secret("password", false);
    String token = o.secret("token", false);
    if (token != null && user != null) {
      o.error("username", "give either token_file or username + password_file, not both");
    }
    if (user != null && password == null && !o.has("password") && !o.has("password_file")) {
      o.error("username", "username needs password_file (or password: ${ENV_VAR})");
    }
    if (user == null && (o.has("password") || o.has("password_file"))) {
      o.error("password_file", "a password needs username (Basic auth), or use token_file for a bearer token");
    }
    Duration timeout = o.timeout();
    return o.errors() > before ? null : new LokiConfig(url, tenant, user, password, token, timeout);
  }

  static String selector(Settings o) {
    String selector = o.requiredString("selector",
        "the stream selector of the pipeline's logs, e.g. selector: '{service=\"inference\"}'");
    String problem = selector == null ? null : LogQl.selectorProblem(selector);
    if (problem != null) {
      o.error("selector", problem);
    }
    return selector;
  }

  static LokiStageConfig stage(Settings o) {
    LokiConfig loki = loki(o);
    String selector = selector(o);
    String match = o.string("match", "line");
    LokiStageConfig.Match m;
    switch (match) {
      case "line":
        m = LokiStageConfig.Match.LINE;
        break;
      case "metadata":
        m = LokiStageConfig.Match.METADATA;
        break;
      default:
        o.error("match", "expected line (a |= line filter on the id) or metadata (a canary_id structured-metadata"
            + " filter), found \"" + match + "\"");
        return null;
    }
    Duration poll = o.duration("poll", LokiStageConfig.DEFAULT_POLL, Duration.ofMillis(250), Duration.ofMinutes(5));
    return new LokiStageConfig(loki, selector, m, poll);
  }

  static LokiEntryConfig entry(Settings o) {
    LokiConfig loki = loki(o);
    Map<String, String> labels = o.strings("labels");
    if (labels.isEmpty()) {
      o.error("labels", "the pushed stream needs at least one label, as the service's logs have them,"
          + " e.g. labels: { service: inference }");
    }
    for (String name : labels.keySet()) {
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        o.error("labels", "\"" + name + "\" is not a Loki label name (letters, digits and _, not starting with a digit)");
      } else if (name.toLowerCase(Locale.ROOT).equals("canary_id")) {
        o.error("labels", "canary_id is never a label (one stream per canary); oobwatch sends it as structured metadata");
      }
    }
    return new LokiEntryConfig(loki, labels);
  }

  static LokiFreshnessConfig freshness(Settings o) {
    LokiConfig loki = loki(o);
    String selector = selector(o);
    Duration lookback = o.duration("lookback", LokiFreshnessConfig.DEFAULT_LOOKBACK, Duration.ofMinutes(1), Duration.ofDays(7));
    return new LokiFreshnessConfig(loki, selector, lookback);
  }
}
