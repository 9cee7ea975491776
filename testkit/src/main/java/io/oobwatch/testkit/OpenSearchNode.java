package io.oobwatch.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real OpenSearch node ({@link EmbeddedOpenSearch}) for all the tests of a class, in a fresh
 * folder that is deleted afterwards: {@code @RegisterExtension static final OpenSearchNode
 * opensearch = new OpenSearchNode();}. It starts before the class's {@code @BeforeAll} methods and
 * stops after its {@code @AfterAll} methods, as {@link KafkaBroker} does for Kafka.
 */
public final class OpenSearchNode implements BeforeAllCallback, AfterAllCallback {
  private Path dir;
  private EmbeddedOpenSearch node;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("opensearch-");
    node = EmbeddedOpenSearch.start(dir);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    try {
      if (node != null) {
        node.close();
        node = null;
      }
    } finally {
      KafkaBroker.deleteTree(dir);
    }
  }

  /** The node's base URL, {@code http://127.0.0.1:PORT}. */
  public String url() {
    return node().url();
  }

  /** Indexes one JSON document into {@code index}. */
  public void index(String index, String jsonDoc) {
    node().index(index, jsonDoc);
  }

  /** Makes what was indexed searchable now. */
  public void refresh(String index) {
    node().refresh(index);
  }

  /** GETs {@code pathAndQuery} (e.g. {@code /logs/_mapping}) and returns the body; expects 200. */
  public String get(String pathAndQuery) {
    return node().get(pathAndQuery);
  }

  /** Closes the node; its port refuses connections afterwards. Data stays on disk. */
  public void stop() {
    node().stop();
  }

  /** Stops the node if it runs, then starts it again on the same port with the same data. */
  public void restart() {
    node().restart();
  }

  private EmbeddedOpenSearch node() {
    if (node == null) {
      throw new IllegalStateException("OpenSearchNode is not started: register it with @RegisterExtension on a static field");
    }
    return node;
  }
}
