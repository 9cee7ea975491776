package io.oobwatch.watchdog.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatusServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final InetSocketAddress ANY_LOOPBACK_PORT =
      new InetSocketAddress("127.0.0.1", 0);

  private final AtomicReference<Supplier<Health>> health = new AtomicReference<>(Health::healthy);
  private final AtomicReference<Supplier<Object>> status =
      new AtomicReference<>(() -> Map.of("pipelines", List.of()));
  private final StatusSource source =
      new StatusSource() {
        @Override
        public Health health() {
          return health.get().get();
        }

        @Override
        public Object status() {
          return status.get().get();
        }
      };

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private StatusServer server;

  @BeforeEach
  void startServer() throws IOException {
    server = StatusServer.start(ANY_LOOPBACK_PORT, source);
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(url(path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
  }

  @Test
  void healthzAnswersOkWhenTheSourceIsHealthy() throws Exception {
    HttpResponse<String> r = get("/healthz");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ok\n");
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
  }

  @Test
  void healthzAnswers503WithTheReasonOnOneLineWhenUnhealthy() throws Exception {
    health.set(() -> Health.unhealthy("evaluation loop last ticked 95 s ago\nstate dir not writable"));

    HttpResponse<String> r = get("/healthz");

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body())
        .isEqualTo("evaluation loop last ticked 95 s ago; state dir not writable\n");
  }

  @Test
  void statusServesTheSourceDocumentAsPrettyPrintedJson() throws Exception {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("instance", "wd-test");
    doc.put("started_at", Instant.parse("2026-11-27T10:15:30Z"));
    doc.put("every", Duration.ofSeconds(30));
    doc.put("pipelines", List.of(Map.of("name", "inference-logs", "state", "ok")));
    status.set(() -> doc);

    HttpResponse<String> r = get("/status");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(r.body()).contains("\n  \"instance\" : \"wd-test\"");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("instance").asText()).isEqualTo("wd-test");
    assertThat(body.get("started_at").asText()).isEqualTo("2026-11-27T10:15:30Z");
    assertThat(body.get("every").asText()).isEqualTo("PT30S");
    assertThat(body.at("/pipelines/0/name").asText()).isEqualTo("inference-logs");
  }

  @Test
  void anUnknownPathIs404WithAJsonError() throws Exception {
    HttpResponse<String> r = get("/x?y=1");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree("{\"error\":\"no route GET /x\"}"));
  }

  @Test
  void theWrongMethodOnAKnownPathIs405WithAnAllowHeader() throws Exception {
    HttpResponse<String> r =
        send(HttpRequest.newBuilder(url("/healthz")).POST(BodyPublishers.ofString("{}")));

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("allow")).hasValue("GET");
    assertThat(JSON.readTree(r.body()).get("error").asText()).contains("POST", "/healthz");
  }

  @Test
  void aBodyOverTheLimitIs413() throws Exception {
    byte[] big = new byte[100 * 1024];

    HttpResponse<String> r =
        send(HttpRequest.newBuilder(url("/status")).POST(BodyPublishers.ofByteArray(big)));

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(r.body()).get("error").asText())
        .isEqualTo("request body larger than 65536 bytes");
  }

  @Test
  void afterA413TheKeepAliveConnectionServesTheNextRequest() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(server.address())) {
      int size = 100 * 1024;
      c.send("POST /status HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + size + "\r\n\r\n");
      c.send("x".repeat(size));
      RawHttpConnection.Reply tooLarge = c.read();
      c.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
      RawHttpConnection.Reply next = c.read();

      assertThat(tooLarge.status()).isEqualTo(413);
      assertThat(next.status()).isEqualTo(200);
      assertThat(next.body()).isEqualTo("ok\n");
    }
  }

  @Test
  void aSourceThatThrowsGives500AndTheNextRequestStillWorks() throws Exception {
    status.set(
        () -> {
          throw new IllegalStateException("state store locked");
        });

    HttpResponse<String> failed = get("/status");
    status.set(() -> Map.of("ok", true));
    HttpResponse<String> next = get("/status");

    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(failed.body()).get("error").asText())
        .isEqualTo("GET /status failed: IllegalStateException: state store locked");
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(next.body()).get("ok").asBoolean()).isTrue();
  }

  @Test
  void aStatusDocumentJacksonCannotSerialiseIs500() throws Exception {
    status.set(() -> Map.of("self", new Object() {
      @SuppressWarnings("unused")
      public Object getSelf() {
        throw new IllegalStateException("boom");
      }
    }));

    HttpResponse<String> r = get("/status");

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(r.body()).get("error").asText()).startsWith("GET /status failed: ");
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void twoRequestsTravelOverOneKeepAliveConnection() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(server.address())) {
      c.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
      RawHttpConnection.Reply first = c.read();
      c.send("GET /status HTTP/1.1\r\nHost: localhost\r\n\r\n");
      RawHttpConnection.Reply second = c.read();

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.body()).isEqualTo("ok\n");
      assertThat(first.header("connection")).isNull();
      assertThat(second.status()).isEqualTo(200);
      assertThat(JSON.readTree(second.body()).has("pipelines")).isTrue();
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(server.address())) {
      c.send(
          "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
              + "GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n");

      assertThat(c.read().status()).isEqualTo(200);
      assertThat(c.read().status()).isEqualTo(404);
    }
  }

  @Test
  void aRequestAskingToCloseIsAnsweredAndThenClosed() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(server.address())) {
      c.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      RawHttpConnection.Reply reply = c.read();

      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.header("connection")).isEqualTo("close");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void anHttp10KeepAliveRequestIsToldTheConnectionStaysOpen() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(server.address())) {
      c.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      RawHttpConnection.Reply first = c.read();
      c.send("GET /healthz HTTP/1.0\r\n\r\n");
      RawHttpConnection.Reply second = c.read();

      assertThat(first.header("connection")).isEqualToIgnoringCase("keep-alive");
      assertThat(second.status()).isEqualTo(200);
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void aMalformedRequestIs400AndClosed() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(server.address())) {
      c.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: banana\r\n\r\n");
      RawHttpConnection.Reply reply = c.read();

      assertThat(reply.status()).isEqualTo(400);
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void aClientThatNeverFinishesItsRequestGets408AndIsDisconnected() throws Exception {
    ServerLimits quick =
        new ServerLimits(1024, Duration.ofMillis(300), Duration.ofSeconds(60), Duration.ofSeconds(1));
    try (StatusServer slow = StatusServer.start(ANY_LOOPBACK_PORT, StatusServer.routes(source), quick);
        RawHttpConnection c = new RawHttpConnection(slow.address())) {
      c.send("GET /healthz HTTP/1.1\r\nHost: loc");
      RawHttpConnection.Reply reply = c.read();

      assertThat(reply.status()).isEqualTo(408);
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosed() throws Exception {
    ServerLimits quick =
        new ServerLimits(1024, Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(1));
    try (StatusServer idle = StatusServer.start(ANY_LOOPBACK_PORT, StatusServer.routes(source), quick);
        RawHttpConnection c = new RawHttpConnection(idle.address())) {
      c.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);

      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void bindingAnAddressAlreadyInUseSaysWhatToDo() {
    InetSocketAddress taken = server.address();

    assertThatThrownBy(() -> StatusServer.start(taken, source).close())
        .isInstanceOf(BindException.class)
        .hasMessage(
            "cannot listen on 127.0.0.1:"
                + taken.getPort()
                + ": address already in use — is another oobwatch running? set http.listen");
  }

  @Test
  void closeFreesThePortAndServesNoMore() throws Exception {
    InetSocketAddress was = server.address();
    server.close();

    try (ServerSocket again = new ServerSocket(was.getPort(), 1, was.getAddress())) {
      assertThat(again.getLocalPort()).isEqualTo(was.getPort());
    }
    server = StatusServer.start(ANY_LOOPBACK_PORT, source); // for @AfterEach
  }

  @Test
  void serverThreadsAreNamedDaemonThreads() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);

    List<Thread> ours =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("oobwatch-http-"))
            .toList();
    assertThat(ours).isNotEmpty().allMatch(Thread::isDaemon);
    assertThat(ours).extracting(Thread::getName).anyMatch(n -> n.startsWith("oobwatch-http-boss"));
    assertThat(ours).extracting(Thread::getName).anyMatch(n -> n.startsWith("oobwatch-http-worker"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/9.9", "HTTP/2.0", "HTTP/1.2"})
  void aRequestInAnHttpVersionOtherThanOnePointZeroOrOneIsRefusedWith505AndTheConnectionClosed(String version)
      throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(server.address())) {
      c.send("GET /healthz " + version + "\r\nHost: localhost\r\n\r\n");
      RawHttpConnection.Reply r = c.read();

      assertThat(r.status()).isEqualTo(505);
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(JSON.readTree(r.body()).get("error").asText())
          .isEqualTo(version + " is not supported; use HTTP/1.1 or HTTP/1.0");
    }
  }

  @Test
  void httpOnePointZeroIsStillAnswered() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(server.address())) {
      c.send("GET /healthz HTTP/1.0\r\n\r\n");

      assertThat(c.read().status()).isEqualTo(200);
    }
  }
}
