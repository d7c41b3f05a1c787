package io.tef.node;

import com.rabbitmq.client.Channel;
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

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** amqp.keepers: false: endings go to no keeper queue, and none is declared. */
class AmqpKeepersOffTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    settings.put("amqp.keepers", false);
    settings.put("node.demo_workers", 1);
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
    for (String type : new String[] {"echo", "fail"}) {
      broker.forget(broker.prefix() + ".keeper." + type); // only if the test fails
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void endingsDeclareAndPublishNoKeeperQueue() throws Exception {
    await(node.vertx().eventBus().request(Addresses.TASKS_SUBMIT, new JsonObject().put("task_type", "echo").put("guid", "off-1")));
    await(node.vertx().eventBus().request(Addresses.TASKS_SUBMIT,
        new JsonObject().put("task_type", "fail").put("guid", "off-2").put("task_data", "no").put("max_attempts", 1)));
    assertEquals("completed", events.await("off-1").getString("state"));
    assertEquals("failed", events.await("off-2").getString("state"));
    // The bridge has heard both endings before it answers this (one event loop, in order).
    AmqpBroker.ReplyQueue replies = broker.replies();
    broker.send(broker.prefix() + ".manager", "{\"type\":\"get_state\"}", replies.name(), "after");
    replies.await("after");

    for (String type : new String[] {"echo", "fail"}) {
      Channel probe = broker.connection.createChannel();
      IOException missing = assertThrows(IOException.class, () -> probe.queueDeclarePassive(broker.prefix() + ".keeper." + type));
      assertTrue(String.valueOf(missing.getCause()).contains("404"), type + ": " + missing.getCause());
    }
  }
}
