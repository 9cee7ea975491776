package io.oobwatch.probes.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;

/**
 * A Google service account as its JSON key file describes it: who it is, its RSA key and where its
 * signed assertions are exchanged for access tokens.
 *
 * @param clientEmail the account ({@code name@project.iam.gserviceaccount.com}), the JWT's issuer
 * @param keyId the key's id, the JWT's {@code kid}
 * @param privateKey the account's RSA key (a secret: never printed)
 * @param tokenUri where the signed JWT is exchanged ({@code https://oauth2.googleapis.com/token})
 * @param projectId the project the account belongs to; the default project billed for queries
 */
public record ServiceAccount(String clientEmail, String keyId, PrivateKey privateKey, String tokenUri, String projectId) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public ServiceAccount {
    Objects.requireNonNull(clientEmail, "client_email");
    Objects.requireNonNull(privateKey, "private_key");
    Objects.requireNonNull(tokenUri, "token_uri");
  }

  /**
   * Reads a key file's JSON. What is wrong is said without quoting the file (it holds the key).
   *
   * @throws IllegalArgumentException naming the missing or unusable field and what to do
   */
  public static ServiceAccount parse(String json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException("the credentials file is not JSON; download the service account's key"
          + " as JSON (IAM > Service accounts > Keys > Add key > JSON)");
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("the credentials file is not a JSON object; use the service account's JSON key");
    }
    if (!"service_account".equals(n.path("type").asText())) {
      throw new IllegalArgumentException("the credentials file is not a service account key (\"type\": \""
          + n.path("type").asText("") + "\"); oobwatch needs a service account's JSON key, not user credentials");
    }
    String email = field(n, "client_email");
    String pem = field(n, "private_key");
    String tokenUri = field(n, "token_uri");
    if (!tokenUri.startsWith("https://") && !tokenUri.startsWith("http://")) {
      throw new IllegalArgumentException("the credentials file's token_uri is not an http(s) URL");
    }
    return new ServiceAccount(email, n.path("private_key_id").asText(null), rsaKey(pem), tokenUri,
        n.path("project_id").asText(null));
  }

  private static String field(JsonNode n, String name) {
    String v = n.path(name).asText("");
    if (v.isBlank()) {
      throw new IllegalArgumentException("the credentials file has no " + name + "; use the service account's JSON"
          + " key as Google issued it");
    }
    return v;
  }

  /** A PKCS#8 PEM RSA private key, as Google writes {@code private_key}. */
  static PrivateKey rsaKey(String pem) {
    String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
        .replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (Exception e) {
      throw new IllegalArgumentException("the credentials file's private_key is not a PKCS#8 RSA key in PEM;"
          + " download a new JSON key for the service account");
    }
  }

  /** The key is never printed. */
  @Override
  public String toString() {
    return "ServiceAccount[" + clientEmail + ", key " + keyId + ", ***]";
  }
}
