package io.oobwatch.watchdog.langfuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.langfuse.client.LangfuseClient;
import com.langfuse.client.core.LangfuseClientApiException;
import com.langfuse.client.resources.commons.types.TraceWithFullDetails;
import com.langfuse.client.resources.observationsv2.requests.GetObservationsV2Request;
import com.langfuse.client.resources.observationsv2.types.ObservationsV2Response;
import com.langfuse.client.resources.opentelemetry.requests.OtelTraceRequest;
import com.langfuse.client.resources.opentelemetry.types.OtelAttribute;
import com.langfuse.client.resources.opentelemetry.types.OtelAttributeValue;
import com.langfuse.client.resources.opentelemetry.types.OtelResourceSpan;
import com.langfuse.client.resources.opentelemetry.types.OtelScope;
import com.langfuse.client.resources.opentelemetry.types.OtelScopeSpan;
import com.langfuse.client.resources.opentelemetry.types.OtelSpan;
import com.langfuse.client.resources.trace.requests.GetTracesRequest;
import com.langfuse.client.resources.trace.types.Traces;
import io.oobwatch.testkit.FakeLangfuse;
import io.oobwatch.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * FakeLangfuse answers Langfuse's own Java client (com.langfuse:langfuse-java) as Langfuse does:
 * the client exports a span through the OTLP endpoint, then gets the trace, lists traces and lists
 * v2 observations from the fake and parses the answers into its models, so a mistake in the fake's
 * paths, auth or shapes fails here.
 */
class FakeLangfuseClientTest {
  static final String PK = "pk-lf-client";
  static final String SK = "sk-lf-client-secret";
  static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

  final TestClock clock = TestClock.at("2026-11-30T10:00:00Z");
  final FakeLangfuse fake = FakeLangfuse.start(PK, SK, clock);

  @AfterEach
  void stop() {
    fake.close();
  }

  LangfuseClient client(String secret) {
    return LangfuseClient.builder().url(fake.url()).credentials(PK, secret).build();
  }

  static OtelAttribute attr(String key, String value) {
    return OtelAttribute.builder().key(key).value(OtelAttributeValue.builder().stringValue(value).build()).build();
  }

  void export(LangfuseClient client) {
    long start = clock.instant().getEpochSecond() * 1_000_000_000L;
    OtelSpan span = OtelSpan.builder().traceId(TRACE).spanId("b7ad6b7169203331").name("chat-completion").kind(1)
        .startTimeUnixNano(Long.toString(start)).endTimeUnixNano(Long.toString(start + 250_000_000L))
        .attributes(List.of(attr("langfuse.trace.name", "chat"), attr("gen_ai.request.model", "llama-3")))
        .build();
    client.opentelemetry().exportTraces(OtelTraceRequest.builder()
        .addResourceSpans(OtelResourceSpan.builder()
            .scopeSpans(List.of(OtelScopeSpan.builder().scope(OtelScope.builder().name("app").build())
                .spans(List.of(span)).build()))
            .build())
        .build());
  }

  @Test
  void theOfficialClientExportsASpanAndReadsItBackAsTraceListAndV2ObservationsOnceIngested() {
    LangfuseClient client = client(SK);
    fake.ingestionDelay(Duration.ofSeconds(2));

    export(client);
    LangfuseClientApiException early = catchThrowableOfType(LangfuseClientApiException.class,
        () -> client.trace().get(TRACE));
    clock.advance(Duration.ofSeconds(2));
    TraceWithFullDetails trace = client.trace().get(TRACE);
    Traces list = client.trace().list(GetTracesRequest.builder().orderBy("timestamp.desc").limit(10).build());
    ObservationsV2Response observations = client.observationsV2().getMany(GetObservationsV2Request.builder()
        .traceId(TRACE).fields("core,basic").build());

    assertThat(early.statusCode()).isEqualTo(404);
    assertThat(trace.getId()).isEqualTo(TRACE);
    assertThat(trace.getName()).contains("chat");
    assertThat(trace.getTimestamp().toInstant()).isEqualTo(Instant.parse("2026-11-30T10:00:00Z"));
    assertThat(trace.getLatency()).isEqualTo(0.25);
    assertThat(trace.getObservations()).singleElement().satisfies(o -> {
      assertThat(o.getId()).isEqualTo("b7ad6b7169203331");
      assertThat(o.getTraceId()).contains(TRACE);
    });
    assertThat(list.getData()).extracting(t -> t.getId()).containsExactly(TRACE);
    assertThat(list.getMeta().getTotalItems()).isEqualTo(1);
    assertThat(observations.getData()).singleElement()
        .satisfies(o -> assertThat(o).containsEntry("traceId", TRACE).containsEntry("id", "b7ad6b7169203331"));
  }

  @Test
  void wrongKeysAreA401ForTheClientAsForOobwatch() {
    LangfuseClientApiException e = catchThrowableOfType(LangfuseClientApiException.class,
        () -> client("sk-lf-wrong").trace().list());

    assertThat(e.statusCode()).isEqualTo(401);
  }
}
