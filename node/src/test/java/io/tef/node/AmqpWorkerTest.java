package io.tef.node;

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

/** A worker written with the plain RabbitMQ client runs tasks submitted over AMQP, end to end. */
class AmqpWorkerTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;
  static AmqpTestWorker worker;

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
    worker = new AmqpTestWorker(AmqpBroker.URL, broker.prefix(), "amqp-w1", "amqp_echo");
    broker.forget(broker.prefix() + ".manager.amqp_echo.results");
    broker.forgetExchange(worker.resultsExchange());
    broker.forget(broker.prefix() + ".keeper.amqp_echo");
    broker.awaitWorkerKnown("amqp-w1");
  }

  @AfterAll
  static void stop() throws Exception {
    if (worker != null) {
      worker.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aTaskSubmittedOnTheManagerQueueRunsOnAnAmqpWorker() throws Exception {
    AmqpBroker.ReplyQueue replies = broker.replies();
    JsonObject envelope = new JsonObject().put("type", "task").put("task_type", "amqp_echo").put("guid", "amqp-e2e-1")
        .put("priority", 5).put("task_data", new JsonObject().put("message", "hello"));
    broker.send(broker.prefix() + ".manager", envelope.encode(), replies.name(), "c-1");

    JsonObject answer = replies.await("c-1");
    assertEquals(true, answer.getBoolean("response"), answer.encode());
    assertEquals("amqp-e2e-1", answer.getJsonObject("task").getString("guid"));

    JsonObject done = events.await("amqp-e2e-1");
    assertEquals("completed", done.getString("state"), done.encode());
    assertEquals("amqp-w1", done.getString("worker"));
    assertEquals(new JsonObject().put("echo", new JsonObject().put("message", "hello")).put("by", "amqp-w1"), done.getJsonObject("result"));
    assertEquals(1, worker.runs.get("amqp-e2e-1").get());
  }

  @Test
  void aFailureReportedByAnAmqpWorkerFailsTheTaskWithItsReason() throws Exception {
    JsonObject envelope = new JsonObject().put("type", "task").put("task_type", "amqp_echo").put("guid", "amqp-fail-1")
        .put("task_data", "fail").put("max_attempts", 1);
    // Through TEF's older input queue: the same handler.
    broker.send(broker.prefix() + ".task_queue.control", envelope.encode(), null, null);
    JsonObject done = events.await("amqp-fail-1");
    assertEquals("failed", done.getString("state"), done.encode());
    assertEquals("asked to fail", done.getString("fail_reason"));
  }

  @Test
  void manyTasksRunOnceEach() throws Exception {
    for (int i = 0; i < 50; i++) {
      broker.send(broker.prefix() + ".manager", new JsonObject().put("type", "task").put("task_type", "amqp_echo")
          .put("guid", "amqp-many-" + i).put("task_data", i).encode(), null, null);
    }
    for (int i = 0; i < 50; i++) {
      assertEquals("completed", events.await("amqp-many-" + i).getString("state"));
      assertEquals(1, worker.runs.get("amqp-many-" + i).get(), "amqp-many-" + i + " ran more than once");
    }
  }
}
