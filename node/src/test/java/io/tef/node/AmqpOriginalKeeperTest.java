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
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * TEF's Ruby keeper against TEF's default configuration: tasks sent as the original manager
 * clients send them, each ending read as tef-keeper reads it, the worker's output from
 * {@code task_data.results}; a cancelled task reaches it too.
 */
class AmqpOriginalKeeperTest extends SharedNodeTest {

  private static final String B64 = "ew0KICAibWVzc2FnZSI6ICJIZWxsbyBXb3JsZCINCn0=";

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;
  static OriginalKeeper sleeps;
  static OriginalKeeper echoes;

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    settings.put("node.demo_workers", 1);
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
    sleeps = OriginalKeeper.start(broker, "sleep");
    echoes = OriginalKeeper.start(broker, "echo");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static void submit(String envelope) throws Exception {
    OriginalTef.publish(broker.channel, broker.prefix() + ".manager", envelope, null, null);
  }

  @Test
  void theWorkersOutputIsInTaskDataResults() throws Exception {
    submit("{\"type\":\"task\",\"task_type\":\"sleep\",\"guid\":\"keep-hash\",\"priority\":5,\"task_data\":{\"ms\":1}}");
    JsonObject task = sleeps.await("keep-hash");
    JsonObject output = new JsonObject().put("slept_ms", 1);
    assertEquals(output, OriginalKeeper.results(task));
    assertEquals(1, task.getJsonObject("task_data").getInteger("ms"), "task_data keeps what it had");
    assertEquals("completed", task.getString("state"));
    assertEquals(output, task.getJsonObject("result"), "and the task is shown as TEF shows it");
    assertEquals("sleep", task.getString("task_type"));
  }

  @Test
  void aTaskWithoutTaskDataGetsAHashOfResults() throws Exception {
    submit("{\"type\":\"task\",\"task_type\":\"echo\",\"guid\":\"keep-none\",\"priority\":5}");
    JsonObject task = echoes.await("keep-none");
    assertEquals(new JsonObject().put("results", null), task.getJsonObject("task_data"));
    assertNull(OriginalKeeper.results(task), "echo of nothing");
  }

  /** The README's base64 task_data is a string: it stays one, and the result is in result alone. */
  @Test
  void aStringTaskDataStaysAsItCame() throws Exception {
    submit("{\"type\":\"task\",\"task_type\":\"echo\",\"guid\":\"keep-b64\",\"priority\":5,\"task_data\":\"" + B64 + "\"}");
    JsonObject task = echoes.await("keep-b64");
    assertEquals(B64, task.getString("task_data"));
    assertEquals(B64, task.getString("result"));
  }

  @Test
  void cancelledTasksReachTheKeeperByDefault() throws Exception {
    AmqpBroker.ReplyQueue replies = broker.replies();
    OriginalTef.publish(broker.channel, broker.prefix() + ".manager",
        "{\"type\":\"task\",\"task_type\":\"echo\",\"guid\":\"keep-cancel\",\"run_at\":\"in 1 hour\",\"task_data\":{\"a\":1}}",
        replies.name(), "stored");
    assertEquals(true, replies.await("stored").getBoolean("response"));
    assertEquals(200, http.delete("/api/tasks/keep-cancel").statusCode());
    JsonObject task = echoes.await("keep-cancel");
    assertEquals("cancelled", task.getString("state"));
    assertNull(OriginalKeeper.results(task));
    assertEquals(1, task.getJsonObject("task_data").getInteger("a"));
  }

}
