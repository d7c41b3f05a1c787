package io.tef.node;

import com.rabbitmq.client.Delivery;
import io.tef.protocol.Addresses;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every task of a kept type that ends is published to tef.<env>.keeper.<type>. */
class AmqpKeeperTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    settings.put("node.demo_workers", 2);
    settings.put("amqp.keeper_types", List.of("echo", "fail"));
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void eachResultReachesItsKeeperQueue() throws Exception {
    // Declared by the bridge at connect (listed types), plain: a keeper declaring it plain, as tef-keeper does, gets it.
    BlockingQueue<Delivery> echoes = broker.listen(broker.prefix() + ".keeper.echo");
    BlockingQueue<Delivery> fails = broker.listen(broker.prefix() + ".keeper.fail");
    Set<String> sent = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      String guid = "keep-" + i;
      sent.add(guid);
      await(node.vertx().eventBus().request(Addresses.TASKS_SUBMIT,
          new JsonObject().put("task_type", "echo").put("guid", guid).put("task_data", i)));
    }
    await(node.vertx().eventBus().request(Addresses.TASKS_SUBMIT,
        new JsonObject().put("task_type", "fail").put("guid", "keep-fail").put("task_data", "no").put("max_attempts", 1)));
    // sleep is not kept: its ending goes nowhere.
    await(node.vertx().eventBus().request(Addresses.TASKS_SUBMIT,
        new JsonObject().put("task_type", "sleep").put("guid", "not-kept").put("task_data", new JsonObject().put("ms", 1))));

    Set<String> got = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      JsonObject task = AmqpBroker.json(AmqpBroker.next(echoes, "keeper result " + i));
      assertEquals("completed", task.getString("state"));
      assertEquals("echo", task.getString("task_type"));
      assertTrue(Integer.valueOf(task.getString("guid").substring(5)).equals(task.getValue("result")), task.encode());
      got.add(task.getString("guid"));
    }
    assertEquals(sent, got);
    JsonObject failed = AmqpBroker.json(AmqpBroker.next(fails, "failed task"));
    assertEquals("keep-fail", failed.getString("guid"));
    assertEquals("failed", failed.getString("state"));
    events.await("not-kept");
    assertEquals(0, broker.channel.queueDeclarePassive(broker.prefix() + ".keeper.echo").getMessageCount());
  }
}
