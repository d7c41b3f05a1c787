package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A declaration the broker refuses (a worker declared its queue non-durable, so the bridge's
 * durable declaration is inequivalent: 406) closes the channel it was made on. That must not be
 * the channel the bridge consumes on: its input goes on being read.
 */
class AmqpRefusedDeclarationTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;
  static AmqpBroker.ReplyQueue replies;

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    settings.put("node.demo_workers", 1);
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
    broker.forget(broker.prefix() + ".keeper.echo");
    broker.forget(broker.prefix() + ".manager.nd_type.results");
    broker.forgetExchange(broker.prefix() + ".nd_type.worker_generated_messages");
    replies = broker.replies();
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static JsonObject ask(String body, String cid) throws Exception {
    broker.send(broker.prefix() + ".manager", body, replies.name(), cid);
    return replies.await(cid);
  }

  @Test
  void aRefusedWorkerQueueDeclarationLeavesTheInputConsumed() throws Exception {
    String queue = broker.prefix() + ".workers.nd-1";
    broker.channel.queueDeclare(queue, false, false, false, null); // not durable
    broker.forget(queue);
    assertEquals(true, ask(new JsonObject().put("type", "worker_status").put("name", "nd-1").put("worker_type", "nd_type")
        .put("exchange_name", queue).put("status", "idle").encode(), "nd-status").getBoolean("ok"));
    // Its dispatch makes the bridge declare the queue durable: refused.
    await(node.vertx().eventBus().request(Addresses.TASKS_SUBMIT, new JsonObject().put("task_type", "nd_type").put("guid", "nd-task")));
    ask(new JsonObject().put("type", "get_state").encode(), "after-dispatch"); // the dispatch was tried before this was read

    JsonObject answer = ask(new JsonObject().put("type", "task").put("task_type", "echo").put("guid", "nd-after").encode(), "nd-after");
    assertEquals(true, answer.getBoolean("response"), answer.encode());
    assertEquals("completed", events.await("nd-after").getString("state"));
    ask(new JsonObject().put("type", "remove_worker").put("name", "nd-1").encode(), "nd-remove");
  }
}
