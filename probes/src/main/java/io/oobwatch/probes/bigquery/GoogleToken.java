package io.oobwatch.probes.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oobwatch.probes.http.HttpCall;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * A service account's OAuth2 access token, as Google's token endpoint issues it for a signed JWT
 * (RFC 7523: {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer}), kept until shortly
 * before it expires.
 *
 * <p>The JWT is signed with the JDK's own {@code SHA256withRSA}: the whole exchange is a header, a
 * claim set, one signature and one form POST, so google-auth-library (and its HTTP stack) would add
 * megabytes to the jar for nothing oobwatch needs. One thread uses a token (the stage's or the
 * probe's); calls are synchronized all the same.
 */
final class GoogleToken {
  /** BigQuery's OAuth scope; what the account may do is the IAM roles' business. */
  static final String SCOPE = "https://www.googleapis.com/auth/bigquery";
  static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  /**
   * The assertion's audience: always Google's token endpoint, wherever the key file's token_uri
   * points (Google's documentation; Google's own libraries do the same).
   */
  static final String AUDIENCE = "https://oauth2.googleapis.com/token";
  /** An assertion's lifetime; Google accepts at most an hour. */
  static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);
  /** A token is renewed this long before it expires, so a request never carries one that expires on the way. */
  static final Duration RENEW_BEFORE = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** A token, or why there is none: {@code rejected} when Google refused the account or its key. */
  record Grant(String token, boolean rejected, String reason) {
    boolean ok() {
      return token != null;
    }
  }

  private final ServiceAccount account;
  private final HttpClient http;
  private final Duration timeout;
  private final String who;
  private String token;
  private Instant expires = Instant.MIN;

  GoogleToken(ServiceAccount account, HttpClient http, Duration timeout) {
    this.account = Objects.requireNonNull(account, "account");
    this.http = Objects.requireNonNull(http, "http");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.who = "google's token endpoint " + HttpCall.redact(account.tokenUri());
  }

  /**
   * A token valid at {@code now} for a while, from the cache or freshly exchanged. While a renewal
   * fails, the cached token serves until it really expires.
   */
  synchronized Grant get(Instant now) {
    if (token != null && now.isBefore(expires.minus(RENEW_BEFORE))) {
      return new Grant(token, false, "");
    }
    Grant renewed = exchange(now);
    return !renewed.ok() && token != null && now.isBefore(expires) ? new Grant(token, false, "") : renewed;
  }

  private Grant exchange(Instant now) {
    String form = "grant_type=" + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8)
        + "&assertion=" + URLEncoder.encode(assertion(now), StandardCharsets.UTF_8);
    HttpRequest req = HttpRequest.newBuilder(HttpCall.uri(account.tokenUri())).timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8)).build();
    HttpCall.Result r = HttpCall.send(http, req, timeout, who);
    if (!r.answered()) {
      return new Grant(null, false, r.failure());
    }
    JsonNode body = readJson(r.body());
    if (r.status() == 400 || r.status() == 401 || r.status() == 403) {
      // invalid_grant: a deleted or disabled key, a deleted account, a clock far off
      String error = body.path("error").asText("");
      String description = body.path("error_description").asText("");
      return new Grant(null, true, who + " rejected service account " + account.clientEmail() + " (HTTP "
          + r.status() + (error.isEmpty() ? "" : ": " + error) + (description.isEmpty() ? "" : ", " + description)
          + "); check that the key in credentials_file is still active and this host's clock is right");
    }
    String issued = body.path("access_token").asText("");
    if (r.status() != 200 || issued.isEmpty()) {
      return new Grant(null, false, who + " answered HTTP " + r.status() + " without an access token");
    }
    token = issued;
    expires = now.plusSeconds(body.path("expires_in").asLong(3600));
    return new Grant(token, false, "");
  }

  /** The token in use was refused by the API: the next call exchanges a new one. */
  synchronized void discard() {
    token = null;
  }

  /** The signed JWT: RS256 over the account's claims, {@code aud} Google's token endpoint. */
  String assertion(Instant now) {
    ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
    if (account.keyId() != null) {
      header.put("kid", account.keyId());
    }
    ObjectNode claims = JSON.createObjectNode()
        .put("iss", account.clientEmail())
        .put("scope", SCOPE)
        .put("aud", AUDIENCE)
        .put("iat", now.getEpochSecond())
        .put("exp", now.plus(ASSERTION_LIFETIME).getEpochSecond());
    String signed = b64(header.toString()) + "." + b64(claims.toString());
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(account.privateKey());
      rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + B64.encodeToString(rsa.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with the service account's key: " + e.getClass().getSimpleName());
    }
  }

  private static String b64(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode readJson(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n == null ? JSON.createObjectNode() : n;
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }
}
