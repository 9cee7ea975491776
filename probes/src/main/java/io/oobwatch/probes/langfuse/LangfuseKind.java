package io.oobwatch.probes.langfuse;

import io.oobwatch.probes.Kind;
import io.oobwatch.probes.Settings;
import java.time.Duration;

/** Langfuse: an entry (a canary trace over OTLP), a stage (the trace read back) and freshness (newest real trace). */
public final class LangfuseKind {
  private static final String PROJECT = "`url` (e.g. `https://cloud.langfuse.com`), `public_key_file`,"
      + " `secret_key_file`, `timeout`";

  public static final Kind KIND = Kind.named("langfuse", "Langfuse, LLM traces")
      .withEntry(PROJECT + "; one span per canary, `POST /api/public/otel/v1/traces` (OTLP/HTTP JSON), trace id ="
          + " the canary id without dashes; a partial success is a failure", LangfuseKind::entry)
      .withStage(PROJECT + ", `api` `v2` (observations by trace id, default) or `v1` (`/traces/{id}`, self-hosted"
          + " v3), `poll` (10s; each canary looked up at most this often); a 207 with errors, 5xx and rejected keys are \"cannot query\", 429 is rate-limited, never"
          + " \"lost\"", LangfuseKind::stage)
      .withFreshness(PROJECT + ", `lookback` (1h); the newest **real** trace (tag `synthetic` filtered out)",
          LangfuseKind::freshness);

  private LangfuseKind() {}

  /** The project's URL and keys; null when they are wrong (the problems are recorded), after every key was read. */
  static LangfuseConfig langfuse(Settings o) {
    int before = o.errors();
    String url = o.url("url", "the Langfuse base URL, e.g. url: https://cloud.langfuse.com");
    if (url != null && url.replaceAll("/+$", "").contains("/api/public")) {
      o.error("url", "give the base URL without /api/public (oobwatch adds the paths), e.g. url: "
          + url.substring(0, url.indexOf("/api/public")));
    }
    String publicKey = o.secret("public_key", true);
    String secretKey = o.secret("secret_key", true);
    Duration timeout = o.timeout();
    return o.errors() > before ? null : new LangfuseConfig(url, publicKey, secretKey, timeout);
  }

  static LangfuseEntryConfig entry(Settings o) {
    return new LangfuseEntryConfig(langfuse(o));
  }

  static LangfuseStageConfig stage(Settings o) {
    LangfuseConfig langfuse = langfuse(o);
    String api = o.string("api", "v2");
    LangfuseStageConfig.Api a;
    switch (api) {
      case "v2":
        a = LangfuseStageConfig.Api.V2;
        break;
      case "v1":
        a = LangfuseStageConfig.Api.V1;
        break;
      default:
        o.error("api", "expected v2 (observations API: Langfuse Cloud, self-hosted v4+) or v1 (traces API:"
            + " self-hosted v3), found \"" + api + "\"");
        return null;
    }
    Duration poll = o.duration("poll", LangfuseStageConfig.DEFAULT_POLL, Duration.ofSeconds(1), Duration.ofMinutes(10));
    return new LangfuseStageConfig(langfuse, a, poll);
  }

  static LangfuseFreshnessConfig freshness(Settings o) {
    LangfuseConfig langfuse = langfuse(o);
    Duration lookback = o.duration("lookback", LangfuseFreshnessConfig.DEFAULT_LOOKBACK, Duration.ofMinutes(1),
        Duration.ofDays(7));
    return new LangfuseFreshnessConfig(langfuse, lookback);
  }
}
