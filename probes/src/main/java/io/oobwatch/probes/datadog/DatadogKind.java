package io.oobwatch.probes.datadog;

import io.oobwatch.probes.Kind;
import io.oobwatch.probes.Settings;
import java.time.Duration;
import io.oobwatch.probes.http.HttpCall;
import java.util.Arrays;
import java.util.List;

/** Datadog logs: an entry (agentless intake), a stage (log search), freshness and volume (log counts). */
public final class DatadogKind {
  private static final String ACCOUNT = "`site` (e.g. `datadoghq.eu`; [sites](#datadog)) or `url`, `api_key_file`,"
      + " `timeout`";
  private static final String READER = ACCOUNT + ", `application_key_file` (needs `logs_read_data`), `indexes`";

  public static final Kind KIND = Kind.named("datadog", "Datadog logs, API v2")
      .withEntry(ACCOUNT + ", `intake_url`, `source`, `service`, `hostname`, `tags`; `POST /api/v2/logs`"
          + " to the site's intake, 202 = accepted", DatadogKind::entry)
      .withStage(READER + ", `poll` (10s), `indexing_delay` (5s); one log search per `poll` for every canary"
          + " in flight; 429 slows it down and is never \"lost\"", DatadogKind::stage)
      .withFreshness(READER + ", `query` (`*`), `lookback` (1h); the newest minute with a real log"
          + " (`-@synthetic:true`)", DatadogKind::signal)
      .withVolume(READER + ", `query`, `delay` (1m); count of real logs in the minute that ended `delay` ago",
          DatadogKind::signal);

  private DatadogKind() {}

  static DatadogInjectorConfig entry(Settings o) {
    DatadogAccount account = account(o, false);
    return new DatadogInjectorConfig(account, o.string("source", DatadogInjectorConfig.DEFAULT_SOURCE),
        o.string("service", DatadogInjectorConfig.DEFAULT_SERVICE), o.string("hostname", null), o.string("tags", ""));
  }

  static DatadogStageConfig stage(Settings o) {
    DatadogAccount account = account(o, true);
    return new DatadogStageConfig(account, indexes(o),
        o.duration("poll", DatadogStageConfig.DEFAULT_POLL, Duration.ofSeconds(1), Duration.ofMinutes(10)),
        o.duration("indexing_delay", DatadogStageConfig.DEFAULT_INDEXING_DELAY, Duration.ZERO, Duration.ofMinutes(10)));
  }

  static DatadogSignalConfig signal(Settings o) {
    DatadogAccount account = account(o, true);
    return new DatadogSignalConfig(account, indexes(o), o.string("query", DatadogSignalConfig.DEFAULT_QUERY),
        o.duration("delay", DatadogSignalConfig.DEFAULT_DELAY, Duration.ZERO, Duration.ofHours(1)),
        o.duration("lookback", DatadogSignalConfig.DEFAULT_LOOKBACK, Duration.ofMinutes(1), Duration.ofDays(1)));
  }

  /**
   * The site or URL and the keys. The application key is read only where the API is queried, the
   * intake URL only for the entry: the intake takes the API key alone.
   */
  private static DatadogAccount account(Settings o, boolean queries) {
    String site = o.string("site", null);
    String url = o.string("url", null);
    String intake = queries ? null : o.string("intake_url", null);
    String name = null;
    String api = null;
    String intakeBase = null;
    if (site != null && url != null) {
      o.error("url", "give either site (a Datadog site) or url (a proxy or test server), not both");
    } else if (site != null) {
      DatadogSite s = DatadogSite.of(site).orElse(null);
      if (s == null) {
        o.error("site", "\"" + site + "\" is not a Datadog site; use one of " + DatadogSite.written()
            + " (the address of your Datadog without app.)");
      } else {
        name = s.domain();
        api = s.api();
        intakeBase = s.intake();
      }
    } else if (url != null) {
      api = httpUrl(o, "url", url);
      name = api == null ? null : HttpCall.redact(api);
      intakeBase = api;
    } else {
      o.invalid("datadog needs site: (e.g. site: datadoghq.eu) or url: (a proxy or test server)");
    }
    if (intake != null) {
      intakeBase = httpUrl(o, "intake_url", intake);
    }
    String apiKey = o.secret("api_key", true);
    String appKey = queries ? o.secret("application_key", true) : null;
    if (name == null || apiKey == null || (queries && appKey == null)) {
      return null; // the problems are recorded
    }
    return new DatadogAccount(name, api, intakeBase, apiKey, appKey, o.timeout());
  }

  private static String httpUrl(Settings o, String key, String url) {
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      o.error(key, "\"" + url + "\" is not an http:// or https:// URL");
      return null;
    }
    return url;
  }

  private static List<String> indexes(Settings o) {
    String written = o.string("indexes", "");
    return Arrays.stream(written.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
