package io.oobwatch.watchdog.page;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * How to reach Twilio.
 *
 * @param accountSid the account ("AC" + 32 hex); the Basic auth user and the account in the path
 * @param authToken the account's auth token; secret, never printed
 * @param from the sending number in E.164 ("+15550001111")
 * @param apiBase where Twilio's REST API is: {@link #DEFAULT_API_BASE} unless a regional edge, a
 *     proxy or a test server is wanted; null means the default. https, or http to a loopback host
 *     only, so the token never crosses a network in clear text. A trailing '/' is dropped.
 */
public record TwilioConfig(String accountSid, String authToken, String from, String apiBase) {
  public static final String DEFAULT_API_BASE = "https://api.twilio.com";

  public TwilioConfig {
    requireText(accountSid, "account sid");
    requireText(authToken, "auth token");
    requireText(from, "from number");
    apiBase = apiBase == null ? DEFAULT_API_BASE : checkedBase(apiBase);
  }

  /** Twilio's own endpoint. */
  public TwilioConfig(String accountSid, String authToken, String from) {
    this(accountSid, authToken, from, null);
  }

  /** Masks the token entirely and the account sid except its last 4 characters. */
  @Override
  public String toString() {
    String sid = accountSid.length() <= 4 ? "****" : "****" + accountSid.substring(accountSid.length() - 4);
    return "TwilioConfig[accountSid=" + sid + ", authToken=****, from=" + from + ", apiBase=" + apiBase + "]";
  }

  private static void requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank() || !value.strip().equals(value)) {
      throw new IllegalArgumentException("twilio " + what + " is empty or has spaces around it");
    }
  }

  private static String checkedBase(String given) {
    // What errors may echo: never a "user:password@" part, should someone have put one there.
    String base = given.replaceFirst("//[^/@]*@", "//****@");
    String trimmed = given.endsWith("/") ? given.substring(0, given.length() - 1) : given;
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("twilio api base '" + base + "' is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException(
          "twilio api base '" + base + "' must be an http(s) URL such as " + DEFAULT_API_BASE);
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "twilio api base '" + uri.getHost() + "' must not carry credentials, a query or a fragment");
    }
    if (scheme.equals("http") && !isLoopback(uri.getHost())) {
      throw new IllegalArgumentException(
          "twilio api base '" + base + "' uses plain http to a non-loopback host; use https "
              + "(the auth token would travel in clear text)");
    }
    return trimmed;
  }

  private static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
  }
}
