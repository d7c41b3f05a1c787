package io.tef.node;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import io.tef.protocol.Addresses;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default keeper settings: a keeper queue declared plain by its keeper (as TEF's Ruby
 * tef-keeper does) gets every ending of its type; a type no keeper declared fills no queue.
 */
class AmqpKeeperDefaultTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;
  static BlockingQueue<Delivery> echoes;

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    echoes = broker.listen(broker.prefix() + ".keeper.echo"); // durable, no arguments: tef-keeper's declare
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    settings.put("node.demo_workers", 1);
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
    broker.forget(broker.prefix() + ".keeper.fail"); // only if the test fails
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void endingsReachTheQueuesKeepersDeclaredAndNoOtherQueueIsMade() throws Exception {
    await(node.vertx().eventBus().request(Addresses.TASKS_SUBMIT,
        new JsonObject().put("task_type", "fail").put("guid", "nobody-keeps").put("task_data", "no").put("max_attempts", 1)));
    assertEquals("failed", events.await("nobody-keeps").getString("state"));
    await(node.vertx().eventBus().request(Addresses.TASKS_SUBMIT, new JsonObject().put("task_type", "echo").put("guid", "kept").put("task_data", 7)));
    // Endings are published one at a time in the order they ended: once this one arrived, the fail ending was published too.
    JsonObject kept = AmqpBroker.json(AmqpBroker.next(echoes, "the echo ending"));
    assertEquals("kept", kept.getString("guid"));
    Channel probe = broker.connection.createChannel();
    IOException missing = assertThrows(IOException.class, () -> probe.queueDeclarePassive(broker.prefix() + ".keeper.fail"));
    assertTrue(String.valueOf(missing.getCause()).contains("404"), "no queue for a type nobody keeps: " + missing.getCause());
  }
}
