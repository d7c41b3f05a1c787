package io.tef.node;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** amqp.keeper_states: completed,failed (what TEF's own keepers saw): a cancelled task reaches no keeper. */
class AmqpKeeperStatesTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;
  static OriginalKeeper echoes;

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    settings.put("node.demo_workers", 1);
    settings.put("amqp.keeper_states", "completed,failed");
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
    echoes = OriginalKeeper.start(broker, "echo");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void onlyTheListedStatesArePublished() throws Exception {
    AmqpBroker.ReplyQueue replies = broker.replies();
    OriginalTef.publish(broker.channel, broker.prefix() + ".manager",
        "{\"type\":\"task\",\"task_type\":\"echo\",\"guid\":\"states-cancel\",\"run_at\":\"in 1 hour\"}", replies.name(), "stored");
    assertEquals(true, replies.await("stored").getBoolean("response"));
    assertEquals(200, http.delete("/api/tasks/states-cancel").statusCode());
    assertEquals("cancelled", events.await("states-cancel").getString("state"));

    OriginalTef.publish(broker.channel, broker.prefix() + ".manager",
        "{\"type\":\"task\",\"task_type\":\"echo\",\"guid\":\"states-done\",\"task_data\":{\"n\":2}}", null, null);
    JsonObject done = echoes.await("states-done");
    assertEquals(new JsonObject().put("n", 2), OriginalKeeper.results(done));
    // Endings are published one at a time in the order they ended: the cancel, had it been published, came first.
    assertEquals(List.of("states-done"), echoes.arrivals());
    assertEquals(0, broker.channel.queueDeclarePassive(broker.prefix() + ".keeper.echo").getMessageCount());
  }
}
