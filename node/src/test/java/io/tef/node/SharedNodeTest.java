package io.tef.node;

import org.junit.jupiter.api.AfterAll;

import java.nio.file.Path;
import java.util.Map;

/**
 * One node for all tests of a class: a subclass starts it in its {@code @BeforeAll} with the
 * settings it needs; it is stopped after the class. Classes run one after another.
 */
abstract class SharedNodeTest {

  static TefNode node;
  static Http http;
  static TerminalEvents events;

  static void startNode(Path dataDir, Map<String, Object> overrides) throws Exception {
    node = TestNodes.start(dataDir, overrides);
    http = new Http(node.vertx(), node.httpPort(), overrides.get("auth.api_keys") instanceof java.util.List<?> keys
        && !keys.isEmpty() && keys.get(0) instanceof String key ? key : null);
    events = TerminalEvents.listen(node);
  }

  @AfterAll
  static void stopNode() {
    http.close();
    node.close();
  }
}
