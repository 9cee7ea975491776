package io.oobwatch.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oobwatch.testkit.LoopbackHttp.Reply;
import io.oobwatch.testkit.LoopbackHttp.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BigQuery's REST API (v2) and Google's OAuth2 token endpoint as one loopback HTTP server, for the
 * calls oobwatch makes, checking what Google checks.
 *
 * <p>Token endpoint, {@code POST /token} (a service account key's {@code token_uri}): a form with
 * {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer} and an {@code assertion}: an
 * RS256 JWT whose signature must verify with the account's public key, {@code iss} the account,
 * {@code aud} {@code https://oauth2.googleapis.com/token} (always, as Google documents it), a {@code scope} and at most an hour between {@code iat} and {@code
 * exp}; else 400 {@code invalid_grant} as Google answers. A good assertion gets an access token.
 *
 * <p>API: {@code POST /bigquery/v2/projects/{p}/queries} (jobs.query), {@code GET
 * /bigquery/v2/projects/{p}/queries/{jobId}} (jobs.getQueryResults, {@code location} must be the
 * job's), {@code GET /bigquery/v2/projects/{p}/jobs/{jobId}} (jobs.get) and {@code GET
 * .../datasets/{d}/tables/{anonymous table}/data} (tabledata.list of a job's results), each with {@code
 * Authorization: Bearer} an issued token (or a self-signed JWT of the account) else 401. The query
 * must be standard SQL ({@code useLegacySql: false}) with named parameters, and one of the three
 * shapes oobwatch sends (the canary ids in {@code @ids}, {@code MAX} or {@code COUNT(*)} of the real
 * rows), each bounded on the timestamp column by {@code @from} and {@code @to}; anything else is
 * BigQuery's 400 {@code invalidQuery}. Answers have BigQuery's shapes: {@code schema}, {@code rows}
 * as {@code {"f":[{"v":...}]}}, {@code jobReference}, {@code jobComplete}, {@code totalRows} and
 * byte counts as strings, errors as {@code {"error":{"code","message","errors":[{"reason"}],"status"}}}.
 *
 * <p>The table ({@code dataset.table} in the fake's project) has {@code timestamp} TIMESTAMP,
 * {@code canary} STRUCT&lt;id STRING&gt;, {@code synthetic} BOOL. A query processes {@link
 * #BYTES_PER_ROW} per row in its window and bills at least 10 MiB; one over {@code
 * maximumBytesBilled} fails with {@code bytesBilledLimitExceeded}.
 *
 * <p>Trouble: {@link #incompleteFirst} answers {@code jobComplete: false} that many times per job;
 * {@link #failWith} answers every API call with an error; {@link #holdBack} keeps new rows out of
 * queries (a stuck load); {@link #rejectTokens} refuses every assertion. Thread-safe.
 */
public final class FakeBigQuery implements AutoCloseable {
  public static final String TOKEN_PATH = "/token";
  public static final long BYTES_PER_ROW = 512;
  static final long MIB = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  /** A token request's {@code aud}, whatever the token endpoint's address: Google's documentation says so. */
  static final String AUDIENCE = "https://oauth2.googleapis.com/token";
  private static final String ID = "CAST\\(`canary`\\.`id` AS STRING\\)";
  private static final String TS = "`timestamp`";
  private static final String WINDOW = "FROM `([^`]+)` WHERE " + TS + " ";
  private static final Pattern STAGE = Pattern.compile("SELECT " + ID + " AS canary_id, COUNT\\(\\*\\) AS copies "
      + WINDOW + "BETWEEN @from AND @to AND " + ID + " IN UNNEST\\(@ids\\) GROUP BY canary_id");
  private static final String REAL = ">= @from AND " + TS + " < @to AND `synthetic` IS NOT TRUE";
  private static final Pattern FRESHNESS = Pattern.compile("SELECT MAX\\(" + TS + "\\) AS newest " + WINDOW + REAL);
  private static final Pattern VOLUME = Pattern.compile("SELECT COUNT\\(\\*\\) AS records " + WINDOW + REAL);
  private static final Pattern TABLE_DATA = Pattern.compile("/datasets/([^/]+)/tables/([^/]+)/data");
  private static final Pattern TIMESTAMP = Pattern.compile(
      "(\\d{4}-\\d{1,2}-\\d{1,2})[ T](\\d{1,2}:\\d{1,2}:\\d{1,2}(\\.\\d{1,6})?)\\s*(Z|UTC|[+-]\\d{2}:\\d{2})?");

  /** One row of the table. */
  public record Row(Instant timestamp, String canaryId, boolean synthetic) {}

  /** A job and the answer it gives once complete. */
  private record Job(
      String id, String location, JsonNode request, ObjectNode result, long processed, long billed,
      AtomicInteger pending) {}

  private final LoopbackHttp http;
  private final String project;
  private final String table;
  private final String location;
  private final String clientEmail;
  private final PublicKey key;
  private final List<Row> rows = new CopyOnWriteArrayList<>();
  private final List<Row> held = new CopyOnWriteArrayList<>();
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final AtomicInteger tokenGrants = new AtomicInteger();
  private final AtomicInteger queries = new AtomicInteger();
  private volatile int incompleteFirst;
  private volatile boolean holding;
  private volatile boolean rejectingTokens;
  private volatile ObjectNode failure;
  private volatile int failureStatus;

  private FakeBigQuery(String project, String dataset, String location, String clientEmail, PublicKey key) {
    this.project = project;
    this.table = project + "." + dataset;
    this.location = location;
    this.clientEmail = clientEmail;
    this.key = key;
    this.http = LoopbackHttp.start(this::answer);
  }

  /**
   * A BigQuery holding {@code dataset.table} in {@code project} at {@code location}, for the service
   * account {@code clientEmail} whose key pair's public half is {@code key}.
   */
  public static FakeBigQuery start(String project, String datasetTable, String location, String clientEmail,
      PublicKey key) {
    return new FakeBigQuery(project, datasetTable, location, clientEmail, key);
  }

  /** A fresh 2048-bit RSA key pair, as Google makes for a service account key. */
  public static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a service account JSON key file, as Google issues one, whose {@code token_uri} is this fake's. */
  public Path writeKeyFile(Path file, KeyPair pair) {
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    ObjectNode json = JSON.createObjectNode()
        .put("type", "service_account")
        .put("project_id", project)
        .put("private_key_id", "0123456789abcdef0123456789abcdef01234567")
        .put("private_key", pem)
        .put("client_email", clientEmail)
        .put("client_id", "123456789012345678901")
        .put("auth_uri", "https://accounts.google.com/o/oauth2/auth")
        .put("token_uri", tokenUri())
        .put("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs")
        .put("universe_domain", "googleapis.com");
    try {
      Files.writeString(file, json.toPrettyString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The API's base URL (what {@code url:} is set to), e.g. {@code http://127.0.0.1:40123}. */
  public String url() {
    return http.url();
  }

  public String tokenUri() {
    return http.url(TOKEN_PATH);
  }

  public String project() {
    return project;
  }

  /** {@code project.dataset.table}. */
  public String table() {
    return table;
  }

  /** Every request so far, the token endpoint's included. */
  public List<Request> requests() {
    return http.requests();
  }

  /** How many access tokens were issued. */
  public int tokensIssued() {
    return tokenGrants.get();
  }

  /** How many jobs.query calls were answered with a job. */
  public int queries() {
    return queries.get();
  }

  /** The bytes billed by every jobs.query answered with a job so far (at least 10 MiB each). */
  public long bytesBilled() {
    return jobs.values().stream().mapToLong(Job::billed).sum();
  }

  /** Adds a row, as a load or a streaming insert would; held back while {@link #holdBack} is on. */
  public void insert(Row row) {
    (holding ? held : rows).add(row);
  }

  /** Every row queries can see. */
  public List<Row> rows() {
    return List.copyOf(rows);
  }

  /** While on, new rows are kept out of queries (a stuck load job); off releases them. */
  public void holdBack(boolean on) {
    holding = on;
    if (!on) {
      rows.addAll(held);
      held.clear();
    }
  }

  /** Each job answers {@code jobComplete: false} this many times before its rows. */
  public void incompleteFirst(int times) {
    incompleteFirst = times;
  }

  /**
   * While on, the token endpoint refuses every assertion (a deleted key) with {@code invalid_grant};
   * access tokens already issued stay good, as Google's do until they expire.
   */
  public void rejectTokens(boolean on) {
    rejectingTokens = on;
  }

  /**
   * From now on every API call answers this error, in Google's shape ({@code status} 0 answers
   * normally again), e.g. {@code failWith(503, "backendError", "Backend error")}, {@code failWith(403,
   * "rateLimitExceeded", ...)}, {@code failWith(403, "accessDenied", ...)}.
   */
  public void failWith(int status, String reason, String message) {
    failureStatus = status;
    failure = status == 0 ? null : error(status, reason, message);
  }

  private Reply answer(Request req) {
    try {
      if (req.path().equals(TOKEN_PATH)) {
        return token(req);
      }
      String prefix = "/bigquery/v2/projects/" + project;
      if (!req.path().startsWith("/bigquery/v2/projects/")) {
        return new Reply(404, error(404, "notFound", "Not found: " + req.path()).toString());
      }
      if (!authorized(req.header("Authorization"))) {
        return new Reply(401, error(401, "required", "Request is missing required authentication credential."
            + " Expected OAuth 2 access token, login cookie or other valid authentication credential.").toString());
      }
      if (failure != null) {
        return new Reply(failureStatus, failure.toString());
      }
      if (!req.path().startsWith(prefix + "/")) {
        return new Reply(403, error(403, "accessDenied", "Access Denied: Project " + req.path().split("/")[4]
            + ": User does not have bigquery.jobs.create permission in project.").toString());
      }
      String rest = req.path().substring(prefix.length());
      if (req.method().equals("POST") && rest.equals("/queries")) {
        return query(req);
      }
      if (req.method().equals("GET") && rest.startsWith("/queries/")) {
        return results(rest.substring("/queries/".length()), params(req.rawQuery()), "bigquery#getQueryResultsResponse");
      }
      Matcher data = TABLE_DATA.matcher(rest);
      if (req.method().equals("GET") && data.matches()) {
        return tableData(data.group(1), data.group(2), params(req.rawQuery()));
      }
      if (req.method().equals("GET") && rest.startsWith("/jobs/")) {
        return job(rest.substring("/jobs/".length()), params(req.rawQuery()));
      }
      return new Reply(404, error(404, "notFound", "Not found: " + req.method() + " " + req.path()).toString());
    } catch (RuntimeException e) {
      return new Reply(500, error(500, "internalError", "fake: " + e).toString());
    }
  }

  private Reply token(Request req) {
    Map<String, String> form = params(req.body());
    if (!req.method().equals("POST") || !GRANT.equals(form.get("grant_type"))) {
      return new Reply(400, "{\"error\":\"unsupported_grant_type\",\"error_description\":\"Invalid grant_type: "
          + form.getOrDefault("grant_type", "") + "\"}");
    }
    JsonNode claims = verified(form.getOrDefault("assertion", ""));
    if (claims == null || rejectingTokens) {
      return new Reply(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
    }
    long iat = claims.path("iat").asLong(0);
    long exp = claims.path("exp").asLong(0);
    if (!AUDIENCE.equals(claims.path("aud").asText()) || claims.path("scope").asText().isEmpty()
        || exp <= iat || exp - iat > 3600) {
      return new Reply(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT: Token must be a"
          + " short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT"
          + " claim.\"}");
    }
    String token = "ya29.fake-" + tokenGrants.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    tokens.add(token);
    return new Reply(200, JSON.createObjectNode().put("access_token", token).put("expires_in", 3599)
        .put("token_type", "Bearer").toString());
  }

  /** The claims of an RS256 JWT signed by the account's key and issued by it, else null. */
  private JsonNode verified(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) {
      return null;
    }
    try {
      Base64.Decoder b64 = Base64.getUrlDecoder();
      JsonNode header = JSON.readTree(b64.decode(parts[0]));
      JsonNode claims = JSON.readTree(b64.decode(parts[1]));
      if (!"RS256".equals(header.path("alg").asText())) {
        return null;
      }
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initVerify(key);
      rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!rsa.verify(b64.decode(parts[2]))) {
        return null;
      }
      return clientEmail.equals(claims.path("iss").asText()) ? claims : null;
    } catch (Exception e) {
      return null;
    }
  }

  private boolean authorized(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    String bearer = authorization.substring("Bearer ".length());
    if (tokens.contains(bearer)) {
      return true;
    }
    // a self-signed JWT, as Google's client libraries may send instead of exchanging one
    JsonNode claims = rejectingTokens ? null : verified(bearer);
    return claims != null && claims.path("exp").asLong(0) > Instant.now().getEpochSecond();
  }

  private Reply query(Request req) {
    JsonNode body;
    try {
      body = JSON.readTree(req.body());
    } catch (IOException e) {
      return invalid(400, "parseError", "Parse error: the request body is not JSON");
    }
    if (!String.valueOf(req.header("Content-Type")).startsWith("application/json")) {
      return invalid(400, "invalid", "Invalid Content-Type; expected application/json");
    }
    String sql = body.path("query").asText("");
    if (body.path("useLegacySql").asBoolean(true)) {
      return invalid(400, "invalidQuery", "Query parameters cannot be used in legacy SQL queries; set"
          + " useLegacySql to false");
    }
    String mode = body.path("parameterMode").asText("NAMED"); // absent: BigQuery goes by the parameters' names
    for (JsonNode p : body.path("queryParameters")) {
      if (!"NAMED".equals(mode) || p.path("name").asText("").isEmpty()) {
        return invalid(400, "invalidQuery", "Positional parameters are not supported here: oobwatch's queries use"
            + " named parameters (@from, @to, @ids)");
      }
    }
    String jobLocation = body.path("location").asText(location);
    if (!jobLocation.equalsIgnoreCase(location)) {
      return invalid(404, "notFound", "Not found: Dataset " + table.substring(0, table.lastIndexOf('.'))
          .replaceFirst("\\.", ":") + " was not found in location " + jobLocation);
    }
    Map<String, JsonNode> params = new HashMap<>();
    for (JsonNode p : body.path("queryParameters")) {
      params.put(p.path("name").asText(), p);
    }
    Instant from = timestamp(params.get("from"));
    Instant to = timestamp(params.get("to"));
    Matcher stage = STAGE.matcher(sql);
    Matcher fresh = FRESHNESS.matcher(sql);
    Matcher volume = VOLUME.matcher(sql);
    Matcher m = stage.matches() ? stage : fresh.matches() ? fresh : volume.matches() ? volume : null;
    if (m == null) {
      return invalid(400, "invalidQuery", "Syntax error: Unexpected query at [1:1]");
    }
    if (from == null || to == null) {
      return invalid(400, "invalidQuery", "Query parameters @from and @to must be TIMESTAMP values");
    }
    if (!m.group(1).equals(table)) {
      return invalid(404, "notFound", "Not found: Table " + m.group(1).replaceFirst("\\.", ":")
          + " was not found in location " + location);
    }
    List<Row> window = new ArrayList<>();
    for (Row r : rows) {
      if (!r.timestamp().isBefore(from) && (r.timestamp().isBefore(to) || (m == stage && r.timestamp().equals(to)))) {
        window.add(r);
      }
    }
    ObjectNode result = JSON.createObjectNode();
    ArrayNode fields = result.putObject("schema").putArray("fields");
    ArrayNode out = JSON.createArrayNode();
    if (m == stage) {
      JsonNode ids = params.get("ids");
      if (ids == null || !"ARRAY".equals(ids.path("parameterType").path("type").asText())
          || !"STRING".equals(ids.path("parameterType").path("arrayType").path("type").asText())) {
        return invalid(400, "invalidQuery", "Query parameter 'ids' not found or not ARRAY<STRING> at [1:1]");
      }
      Set<String> wanted = new HashSet<>();
      ids.path("parameterValue").path("arrayValues").forEach(v -> wanted.add(v.path("value").asText()));
      field(fields, "canary_id", "STRING");
      field(fields, "copies", "INTEGER");
      Map<String, Integer> counts = new LinkedHashMap<>();
      window.stream().filter(r -> r.canaryId() != null && wanted.contains(r.canaryId()))
          .forEach(r -> counts.merge(r.canaryId(), 1, Integer::sum));
      counts.forEach((id, n) -> row(out, id, Integer.toString(n)));
    } else if (m == fresh) {
      field(fields, "newest", "TIMESTAMP");
      Instant newest = window.stream().filter(r -> !r.synthetic()).map(Row::timestamp).max(Instant::compareTo)
          .orElse(null);
      row(out, newest == null ? null : Long.toString(micros(newest)));
    } else {
      field(fields, "records", "INTEGER");
      row(out, Long.toString(window.stream().filter(r -> !r.synthetic()).count()));
    }
    long processed = window.size() * BYTES_PER_ROW;
    long billed = Math.max(10 * MIB, (processed + MIB - 1) / MIB * MIB);
    long max = body.path("maximumBytesBilled").asLong(Long.MAX_VALUE);
    if (billed > max) {
      return invalid(400, "bytesBilledLimitExceeded", "Query exceeded limit for bytes billed: " + max + ". "
          + billed + " or higher required.");
    }
    result.set("rows", out);
    result.put("totalRows", Integer.toString(out.size()));
    String id = "job_" + Long.toString(Math.abs(System.nanoTime() ^ queries.incrementAndGet()), 36);
    Job job = new Job(id, location, body, result, processed, billed, new AtomicInteger(incompleteFirst));
    jobs.put(id, job);
    ObjectNode answer = JSON.createObjectNode().put("kind", "bigquery#queryResponse");
    reference(answer, job);
    if (job.pending().getAndDecrement() > 0) {
      return new Reply(200, answer.put("jobComplete", false).toString());
    }
    complete(answer, job, int64(body.path("formatOptions").path("useInt64Timestamp").asText("false")));
    answer.put("totalBytesBilled", Long.toString(billed));
    return new Reply(200, answer.toString());
  }

  private Reply results(String jobId, Map<String, String> q, String kind) {
    Job job = jobs.get(jobId);
    if (job == null || !job.location().equalsIgnoreCase(q.getOrDefault("location", job.location()))) {
      return invalid(404, "notFound", "Not found: Job " + project + ":" + q.getOrDefault("location", location)
          + "." + jobId);
    }
    ObjectNode answer = JSON.createObjectNode().put("kind", kind).put("etag", "\"" + jobId.hashCode() + "\"");
    reference(answer, job);
    if (job.pending().getAndDecrement() > 0) {
      return new Reply(200, answer.put("jobComplete", false).toString());
    }
    complete(answer, job, int64(q.get("formatOptions.useInt64Timestamp")));
    return new Reply(200, answer.toString());
  }

  /**
   * {@code tabledata.list} of a query job's anonymous destination table (where Google's client
   * reads the rows of a job it had to wait for).
   */
  private Reply tableData(String dataset, String tableId, Map<String, String> q) {
    Job job = tableId.startsWith("anon") ? jobs.get(tableId.substring("anon".length())) : null;
    if (job == null || job.pending().get() > 0) {
      return invalid(404, "notFound", "Not found: Table " + project + ":" + dataset + "." + tableId);
    }
    ObjectNode answer = JSON.createObjectNode().put("kind", "bigquery#tableDataList")
        .put("etag", "\"" + tableId.hashCode() + "\"").put("totalRows", job.result().get("totalRows").asText());
    answer.set("rows", rows(job, int64(q.get("formatOptions.useInt64Timestamp"))));
    return new Reply(200, answer.toString());
  }

  private static boolean int64(String written) {
    return "true".equals(written);
  }

  /**
   * The job's rows as BigQuery writes them: TIMESTAMP cells as microseconds (int64) when asked with
   * {@code useInt64Timestamp}, else as seconds in floating point ({@code 1.7648256E9}).
   */
  private static JsonNode rows(Job job, boolean int64) {
    JsonNode rows = job.result().get("rows").deepCopy();
    JsonNode fields = job.result().path("schema").path("fields");
    for (JsonNode row : rows) {
      for (int i = 0; i < fields.size(); i++) {
        JsonNode cell = row.path("f").path(i);
        if (!int64 && "TIMESTAMP".equals(fields.path(i).path("type").asText()) && cell.path("v").isTextual()) {
          ((ObjectNode) cell).put("v", Double.toString(Long.parseLong(cell.path("v").asText()) / 1e6));
        }
      }
    }
    return rows;
  }

  private Reply job(String jobId, Map<String, String> q) {
    Job job = jobs.get(jobId);
    if (job == null) {
      return invalid(404, "notFound", "Not found: Job " + project + ":" + location + "." + jobId);
    }
    boolean done = job.pending().get() <= 0;
    ObjectNode answer = JSON.createObjectNode().put("kind", "bigquery#job").put("etag", "\"" + jobId.hashCode() + "\"")
        .put("id", project + ":" + location + "." + jobId).put("user_email", clientEmail);
    reference(answer, job);
    ObjectNode query = answer.putObject("configuration").put("jobType", "QUERY").putObject("query");
    query.put("query", job.request().path("query").asText()).put("useLegacySql", false)
        .put("priority", "INTERACTIVE").put("useQueryCache", job.request().path("useQueryCache").asBoolean(true));
    if (job.request().has("maximumBytesBilled")) {
      query.put("maximumBytesBilled", job.request().path("maximumBytesBilled").asText());
    }
    query.set("queryParameters", job.request().path("queryParameters"));
    query.putObject("destinationTable").put("projectId", project).put("datasetId", "_" + Integer.toHexString(
        project.hashCode())).put("tableId", "anon" + jobId);
    answer.putObject("status").put("state", done ? "DONE" : "RUNNING");
    long now = Instant.now().toEpochMilli();
    ObjectNode stats = answer.putObject("statistics").put("creationTime", Long.toString(now - 50))
        .put("startTime", Long.toString(now - 40));
    if (done) {
      stats.put("endTime", Long.toString(now)).put("totalBytesProcessed", Long.toString(job.processed()));
      stats.putObject("query").put("totalBytesProcessed", Long.toString(job.processed()))
          .put("totalBytesBilled", Long.toString(job.billed())).put("cacheHit", false).put("statementType", "SELECT");
    }
    return new Reply(200, answer.toString());
  }

  private void reference(ObjectNode answer, Job job) {
    answer.putObject("jobReference").put("projectId", project).put("jobId", job.id()).put("location", job.location());
  }

  private static void complete(ObjectNode answer, Job job, boolean int64) {
    answer.set("schema", job.result().get("schema"));
    answer.put("totalRows", job.result().get("totalRows").asText());
    answer.set("rows", rows(job, int64));
    answer.put("totalBytesProcessed", Long.toString(job.processed()));
    answer.put("jobComplete", true);
    answer.put("cacheHit", false);
  }

  private static void field(ArrayNode fields, String name, String type) {
    fields.addObject().put("name", name).put("type", type).put("mode", "NULLABLE");
  }

  private static void row(ArrayNode rows, String... cells) {
    ArrayNode f = rows.addObject().putArray("f");
    for (String c : cells) {
      if (c == null) {
        f.addObject().putNull("v");
      } else {
        f.addObject().put("v", c);
      }
    }
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }

  /** A TIMESTAMP parameter's value in a form BigQuery accepts, else null. */
  static Instant timestamp(JsonNode param) {
    if (param == null || !"TIMESTAMP".equals(param.path("parameterType").path("type").asText())) {
      return null;
    }
    Matcher m = TIMESTAMP.matcher(param.path("parameterValue").path("value").asText(""));
    if (!m.matches()) {
      return null;
    }
    String zone = m.group(4) == null || m.group(4).equals("Z") || m.group(4).equals("UTC") ? "+00:00" : m.group(4);
    String[] date = m.group(1).split("-");
    String[] time = m.group(2).split("[:.]");
    LocalDateTime local = LocalDateTime.of(Integer.parseInt(date[0]), Integer.parseInt(date[1]),
        Integer.parseInt(date[2]), Integer.parseInt(time[0]), Integer.parseInt(time[1]), Integer.parseInt(time[2]),
        time.length > 3 ? Integer.parseInt((time[3] + "00000").substring(0, 6)) * 1000 : 0);
    return local.toInstant(ZoneOffset.of(zone));
  }

  private Reply invalid(int status, String reason, String message) {
    return new Reply(status, error(status, reason, message).toString());
  }

  /** Google's error shape. */
  static ObjectNode error(int status, String reason, String message) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode e = root.putObject("error").put("code", status).put("message", message);
    e.putArray("errors").addObject().put("message", message).put("domain", "global").put("reason", reason);
    e.put("status", switch (status) {
      case 400 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 503 -> "UNAVAILABLE";
      default -> "INTERNAL";
    });
    return root;
  }

  private static Map<String, String> params(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String kv : raw.split("&")) {
      String[] p = kv.split("=", 2);
      out.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8),
          p.length < 2 ? "" : URLDecoder.decode(p[1], StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public void close() {
    http.close();
  }
}
