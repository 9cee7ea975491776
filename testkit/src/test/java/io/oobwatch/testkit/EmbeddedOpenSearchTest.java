package io.oobwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.Version;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedOpenSearchTest {

  private static Path dir;
  private static EmbeddedOpenSearch os;

  @BeforeAll
  static void startNode() throws IOException {
    long t0 = System.nanoTime();
    dir = Files.createTempDirectory("os-node");
    os = EmbeddedOpenSearch.start(dir);
    System.out.printf("opensearch ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  @AfterAll
  static void closeNode() {
    os.close();
    os.close();
  }

  @Test
  void theNodeRunsOnTheProjectsNettyVersion() {
    // The parent pom's netty-bom must win over the 4.1 modules transport-netty4-client asks for.
    assertThat(Version.identify().get("netty-transport").artifactVersion()).startsWith("4.2.");
    assertThat(os.url()).isEqualTo("http://127.0.0.1:" + os.httpPort());
  }

  @Test
  void aDocumentIndexedIntoAFreshIndexIsSearchableAfterRefresh() {
    os.index("logs-a", "{\"msg\":\"hello\",\"canary\":{\"id\":\"abc-1\"}}");
    os.refresh("logs-a");

    assertThat(os.get("/logs-a/_search?q=canary.id:%22abc-1%22")).contains("\"value\":1");
    assertThat(os.get("/logs-a/_mapping")).contains("\"type\":\"text\"");
  }

  @Test
  void afterStopThePortRefusesAndAfterRestartTheDataIsBack() {
    os.index("logs-b", "{\"msg\":\"kept\"}");
    os.refresh("logs-b");

    os.stop();
    assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", os.httpPort()), 2000))
        .isInstanceOf(ConnectException.class);

    long t0 = System.nanoTime();
    os.restart();
    System.out.printf("opensearch restarted in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    assertThat(os.get("/logs-b/_count")).contains("\"count\":1");
  }

  @Test
  void theNodeKeepsItsDataUnderTheGivenDirectory() throws IOException {
    try (var files = Files.walk(dir.resolve("data"))) {
      assertThat(files.filter(Files::isRegularFile).count()).isPositive();
    }
  }
}
