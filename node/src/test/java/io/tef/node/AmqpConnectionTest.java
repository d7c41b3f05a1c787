package io.tef.node;

import io.tef.core.config.ConfigException;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the broker URL comes from, and a node whose broker is away. No broker needed. */
class AmqpConnectionTest {

  @TempDir
  Path dataDir;

  @Test
  void theUrlComesFromTefAmqpUrlThenTheEnvironmentsOwnVariableThenTheConfig() throws Exception {
    Map<String, Object> none = Map.of();
    assertFalse(ConfigLoader.loadBlocking(Map.of("TEF_ENV", "test"), none).amqp().enabled(), "no URL: no bridge");

    TefConfig perEnv = ConfigLoader.loadBlocking(Map.of("TEF_ENV", "test", "TEF_AMQP_URL_TEST", "amqp://h1:5672",
        "TEF_AMQP_USER_TEST", "bob", "TEF_AMQP_PASSWORD_TEST", "s3cret"), none);
    assertEquals("amqp://h1:5672", perEnv.amqp().url());
    assertEquals("bob", perEnv.amqp().user());
    assertEquals("s3cret", perEnv.amqp().password());

    TefConfig plain = ConfigLoader.loadBlocking(Map.of("TEF_ENV", "test", "TEF_AMQP_URL_TEST", "amqp://h1:5672",
        "TEF_AMQP_URL", "amqp://h2:5672"), none);
    assertEquals("amqp://h2:5672", plain.amqp().url(), "TEF_AMQP_URL wins");

    TefConfig fromConfig = ConfigLoader.loadBlocking(Map.of("TEF_ENV", "test"), Map.of("amqp.url", "amqp://h3"));
    assertEquals("amqp://h3", fromConfig.amqp().url());
  }

  @Test
  void aBadUrlIsAConfigurationErrorThatHidesThePassword() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.loadBlocking(Map.of("TEF_ENV", "test"), Map.of("amqp.url", "http://u:pw@h:1")));
    assertTrue(e.getMessage().contains("amqp.url"), e.getMessage());
    assertFalse(e.getMessage().contains("pw"), e.getMessage());
  }

  @Test
  void aNodeWhoseBrokerIsAwayStartsAndSaysTheBridgeIsDown() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (TefNode node = TestNodes.start(dataDir, Map.of("amqp.url", "amqp://guest:guest@127.0.0.1:" + closedPort, "node.demo_workers", 1));
         Http http = new Http(node.vertx(), node.httpPort())) {
      TerminalEvents events = TerminalEvents.listen(node);
      HttpResponse<Buffer> health = http.get("/health");
      assertEquals(503, health.statusCode(), health.bodyAsString());
      assertTrue(health.bodyAsString().contains("\"bridge\":\"down\""), health.bodyAsString());
      // The rest of the node works without the broker.
      assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "no-broker")).statusCode());
      assertEquals("completed", events.await("no-broker").getString("state"));
    }
  }

  @Test
  void aNodeWithoutUrlRunsNoBridgeAndIsHealthy() throws Exception {
    try (TefNode node = TestNodes.start(dataDir, Map.of());
         Http http = new Http(node.vertx(), node.httpPort())) {
      HttpResponse<Buffer> health = http.get("/health");
      assertEquals(200, health.statusCode(), health.bodyAsString());
      assertTrue(health.bodyAsString().contains("\"bridge\":\"off\""), health.bodyAsString());
    }
  }
}
