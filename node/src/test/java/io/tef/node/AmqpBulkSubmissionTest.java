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

/** {"type": "tasks", "tasks": [...]} on the manager queue: each envelope stored and answered on its own. */
class AmqpBulkSubmissionTest extends SharedNodeTest {

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
    replies = broker.replies();
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aTasksMessageAnswersEachEnvelope() throws Exception {
    JsonArray tasks = new JsonArray()
        .add(new JsonObject().put("task_type", "echo").put("guid", "amqp-bulk-1").put("task_data", "one"))
        .add(new JsonObject().put("task_type", "echo").put("guid", "amqp-bulk-2").put("data", "kept under extra"))
        .add(new JsonObject().put("guid", "amqp-bulk-3"));
    broker.send(broker.prefix() + ".manager", new JsonObject().put("type", "tasks").put("tasks", tasks).encode(), replies.name(), "bulk-1");
    JsonObject answer = replies.await("bulk-1");
    assertTrue(answer.getBoolean("response"), answer.encode());
    assertEquals(2, answer.getInteger("accepted"), answer.encode());
    assertEquals(1, answer.getInteger("refused"), answer.encode());
    JsonArray results = answer.getJsonArray("results");
    assertEquals(201, results.getJsonObject(0).getInteger("status"));
    assertEquals(201, results.getJsonObject(1).getInteger("status"));
    assertEquals(400, results.getJsonObject(2).getInteger("status"));
    assertEquals("task_type", results.getJsonObject(2).getJsonObject("error").getString("field"), answer.encode());
    assertEquals("completed", events.await("amqp-bulk-1").getString("state"));
    assertEquals("completed", events.await("amqp-bulk-2").getString("state"));
    assertEquals(404, http.get("/api/tasks/amqp-bulk-3").statusCode());
  }

  @Test
  void aTasksMessageWithoutAnArrayIsRefused() throws Exception {
    broker.send(broker.prefix() + ".manager", new JsonObject().put("type", "tasks").put("tasks", "nope").encode(), replies.name(), "bulk-2");
    JsonObject answer = replies.await("bulk-2");
    assertTrue(answer.getString("error").contains("tasks"), answer.encode());
  }

  /** The bridge's own metrics: connected, what came in through it, what it dead-lettered and published. */
  @Test
  void theBridgeCountsWhatItDoes() throws Exception {
    Scrape before = Scrape.of(http);
    assertEquals(1, before.value("tef_amqp_connected"), before.text());
    broker.send(broker.prefix() + ".manager", "not json at all", replies.name(), "metrics-bad");
    assertTrue(replies.await("metrics-bad").containsKey("error"));
    broker.send(broker.prefix() + ".manager", new JsonObject().put("type", "task").put("task_type", "echo").put("guid", "amqp-metrics-1").encode(),
        replies.name(), "metrics-ok");
    replies.await("metrics-ok");
    assertEquals("completed", events.await("amqp-metrics-1").getString("state"));
    Scrape after = Polling.until("the dead letter is counted", java.time.Duration.ofSeconds(10), () -> Scrape.of(http),
        x -> x.value("tef_amqp_dead_letters_total") > before.value("tef_amqp_dead_letters_total"));
    assertEquals(1, after.value("tef_amqp_dead_letters_total") - before.value("tef_amqp_dead_letters_total"));
    assertTrue(after.value("tef_amqp_publishes_total{outcome=\"confirmed\"}") > before.value("tef_amqp_publishes_total{outcome=\"confirmed\"}"));
    assertEquals(1, after.value("tef_tasks_submitted_total{door=\"amqp\",task_type=\"echo\"}")
        - before.value("tef_tasks_submitted_total{door=\"amqp\",task_type=\"echo\"}"));
  }
}
