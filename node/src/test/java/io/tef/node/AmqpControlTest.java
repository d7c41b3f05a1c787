package io.tef.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TEF's control messages over AMQP, answered on reply_to with the request's correlation_id. */
class AmqpControlTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    settings.put("node.demo_workers", 1);
    settings.put("amqp.keeper_types", java.util.List.of("none"));
    broker.forget(broker.prefix() + ".keeper.none");
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
  void getWorkersAnswersTheListWithTheCorrelationId() throws Exception {
    AmqpBroker.ReplyQueue replies = broker.replies();
    broker.send(broker.prefix() + ".worker.control", "{\"type\":\"get_workers\"}", replies.name(), "corr-42");
    JsonArray list = replies.await("corr-42").getJsonArray("response");
    assertTrue(list.stream().anyMatch(w -> ((JsonObject) w).getString("name").startsWith("demo-")), list.encode());
  }

  @Test
  void setStateAnswersInTefsShape() throws Exception {
    AmqpBroker.ReplyQueue replies = broker.replies();
    broker.send(broker.prefix() + ".dispatcher.control", "{\"type\":\"set_state\",\"data\":\"paused\"}", replies.name(), "s1");
    assertEquals("paused", replies.await("s1").getString("response"));
    broker.send(broker.prefix() + ".manager", "{\"type\":\"set_state\",\"data\":\"running\"}", replies.name(), "s2");
    assertEquals("running", replies.await("s2").getString("response"));
  }

  @Test
  void aWorkerStatusRegistersAnAmqpWorkerAndRemoveWorkerRemovesIt() throws Exception {
    AmqpBroker.ReplyQueue replies = broker.replies();
    String queue = broker.prefix() + ".workers.ctl-w";
    broker.forget(queue);
    broker.send(broker.prefix() + ".manager", new JsonObject().put("type", "worker_status").put("name", "ctl-w")
        .put("worker_type", "ctl").put("exchange_name", queue).put("status", "idle").encode(), replies.name(), "ws");
    assertEquals(true, replies.await("ws").getBoolean("ok"));
    broker.send(broker.prefix() + ".manager", "{\"type\":\"get_workers\"}", replies.name(), "gw");
    JsonObject w = replies.await("gw").getJsonArray("response").stream().map(o -> (JsonObject) o)
        .filter(o -> "ctl-w".equals(o.getString("name"))).findFirst().orElseThrow();
    assertEquals(queue, w.getString("work_queue"));
    broker.send(broker.prefix() + ".manager", "{\"type\":\"remove_worker\",\"name\":\"ctl-w\"}", replies.name(), "rw");
    assertEquals("ctl-w", replies.await("rw").getJsonObject("removed").getString("name"));
    broker.forget(broker.prefix() + ".manager.ctl.results");
    broker.forgetExchange(broker.prefix() + ".ctl.worker_generated_messages");
  }
}
