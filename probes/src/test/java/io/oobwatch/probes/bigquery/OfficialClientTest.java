package io.oobwatch.probes.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.TableResult;
import io.oobwatch.testkit.FakeBigQuery;
import io.oobwatch.testkit.FakeBigQuery.Row;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Google's own google-cloud-bigquery client, with google-auth's service account credentials from
 * the key file the fake wrote, runs the bigquery kind's exact queries against FakeBigQuery and reads
 * its answers: the fake speaks BigQuery's protocol (token exchange, jobs.query with named
 * parameters, jobComplete false then getQueryResults, rows, errors) as the real client expects it.
 */
class OfficialClientTest {
  static final String PROJECT = "oobwatch-test";
  static final String EMAIL = "oobwatch@oobwatch-test.iam.gserviceaccount.com";
  static final KeyPair KEYS = FakeBigQuery.rsaKeyPair();

  @TempDir Path dir;
  FakeBigQuery fake;
  BigQuery client;
  final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  @BeforeEach
  void start() throws Exception {
    fake = FakeBigQuery.start(PROJECT, "logs.inference", "EU", EMAIL, KEYS.getPublic());
    Path key = fake.writeKeyFile(dir.resolve("key.json"), KEYS);
    ServiceAccountCredentials credentials;
    try (InputStream in = Files.newInputStream(key)) {
      credentials = ServiceAccountCredentials.fromStream(in);
    }
    client = BigQueryOptions.newBuilder().setHost(fake.url()).setProjectId(PROJECT).setLocation("EU")
        .setCredentials(credentials).build().getService();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  BigQueryConfig table() {
    return new BigQueryConfig(ServiceAccount.parse(json()), PROJECT, "EU", fake.url(), "logs.inference",
        "timestamp", 1L << 30, Duration.ofSeconds(5));
  }

  String json() {
    try {
      return Files.readString(dir.resolve("key.json"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static QueryParameterValue timestamp(Instant t) {
    return QueryParameterValue.timestamp(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000);
  }

  TableResult run(String sql, QueryParameterValue ids) throws InterruptedException {
    QueryJobConfiguration.Builder q = QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false)
        .setUseQueryCache(false).setMaximumBytesBilled(1L << 30)
        .addNamedParameter("from", timestamp(now.minus(Duration.ofMinutes(5))))
        .addNamedParameter("to", timestamp(now.plus(Duration.ofMinutes(5))));
    if (ids != null) {
      q.addNamedParameter("ids", ids);
    }
    return client.query(q.build());
  }

  @Test
  void theOfficialClientRunsTheStageQueryThroughTheTokenEndpointAndReadsTheCopiesOfEachCanary() throws Exception {
    fake.insert(new Row(now, "c-1", true));
    fake.insert(new Row(now, "c-1", true));
    fake.insert(new Row(now, "c-2", true));
    fake.insert(new Row(now, "c-3", true));
    fake.insert(new Row(now, null, false));

    TableResult r = run(new BigQueryStageConfig(table(), "canary.id", Duration.ofSeconds(10)).sql(),
        QueryParameterValue.array(new String[] {"c-1", "c-2", "c-9"}, String.class));

    List<String> seen = new ArrayList<>();
    for (FieldValueList row : r.iterateAll()) {
      seen.add(row.get("canary_id").getStringValue() + "=" + row.get("copies").getLongValue());
    }
    assertThat(seen).containsExactlyInAnyOrder("c-1=2", "c-2=1");
    assertThat(fake.tokensIssued()).isEqualTo(1);
    assertThat(fake.requests().get(0).line()).isEqualTo("POST " + FakeBigQuery.TOKEN_PATH);
  }

  @Test
  void theOfficialClientFollowsAnIncompleteJobWithGetQueryResults() throws Exception {
    fake.insert(new Row(now.minusSeconds(30), null, false));
    fake.insert(new Row(now.minusSeconds(10), null, false));
    fake.insert(new Row(now.minusSeconds(5), "c-1", true));
    fake.incompleteFirst(2);

    TableResult r = run(new BigQuerySignalConfig(table(), "synthetic", Duration.ofHours(1), Duration.ofMinutes(1))
        .freshnessSql(), null);

    FieldValueList row = r.iterateAll().iterator().next();
    assertThat(row.get("newest").getTimestampInstant()).isEqualTo(now.minusSeconds(10));
    assertThat(fake.requests()).anySatisfy(q -> assertThat(q.line()).startsWith("GET /bigquery/v2/projects/"
        + PROJECT + "/queries/job_"));
  }

  @Test
  void theOfficialClientCountsTheRealRows() throws Exception {
    fake.insert(new Row(now.minusSeconds(30), null, false));
    fake.insert(new Row(now.minusSeconds(10), null, false));
    fake.insert(new Row(now.minusSeconds(5), "c-1", true));

    TableResult r = run(new BigQuerySignalConfig(table(), "synthetic", Duration.ofHours(1), Duration.ofMinutes(1))
        .volumeSql(), null);

    assertThat(r.iterateAll().iterator().next().get("records").getLongValue()).isEqualTo(2);
  }

  @Test
  void theOfficialClientReadsTheFakesErrorsAsBigQueryErrors() {
    fake.failWith(403, "accessDenied", "Access Denied: Table oobwatch-test:logs.inference: User does not have"
        + " permission to query table");

    assertThatThrownBy(() -> run(new BigQuerySignalConfig(table(), "synthetic", Duration.ofHours(1),
        Duration.ofMinutes(1)).volumeSql(), null))
        .isInstanceOfSatisfying(BigQueryException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          assertThat(e.getReason()).isEqualTo("accessDenied");
          assertThat(e.getMessage()).contains("Access Denied");
        });
  }
}
