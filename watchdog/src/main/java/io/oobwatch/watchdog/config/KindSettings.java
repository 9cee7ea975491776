package io.oobwatch.watchdog.config;

import io.oobwatch.probes.Settings;
import java.time.Duration;
import java.util.Map;

/** A mapping of the config file as a kind reads its settings: every problem goes to the file's report. */
final class KindSettings implements Settings {
  private final Reader.Obj o;

  KindSettings(Reader.Obj o) {
    this.o = o;
  }

  @Override
  public String requiredString(String key, String hint) {
    return o.requiredString(key, hint);
  }

  @Override
  public String string(String key, String dflt) {
    return o.string(key, dflt);
  }

  @Override
  public Map<String, String> strings(String key) {
    return o.strings(key);
  }

  @Override
  public Duration duration(String key, Duration dflt) {
    return o.duration(key, dflt);
  }

  @Override
  public Duration duration(String key, Duration dflt, Duration min, Duration max) {
    return o.duration(key, dflt, min, max);
  }

  @Override
  public String secret(String key, boolean required) {
    return o.secret(key, required);
  }

  @Override
  public boolean has(String key) {
    return o.has(key);
  }

  @Override
  public void error(String key, String message) {
    o.error(key, message);
  }

  @Override
  public void invalid(String message) {
    o.invalid(message);
  }

  @Override
  public int errors() {
    return o.errors();
  }

  /** A required http(s) URL of a section that is not a kind (webhooks, peers, pull heartbeats). */
  static String url(Reader.Obj o, String key, String hint) {
    return new KindSettings(o).url(key, hint);
  }
}
