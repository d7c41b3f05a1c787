package io.tef.node;

import io.tef.protocol.Addresses;
import io.tef.worker.TefWorker;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A worker speaking TEF's worker_status protocol that goes idle without task_complete has
 * dropped its task: the task goes back to the queue at once (TEF leaked it).
 */
class WorkerStatusProtocolTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of());
  }

  @Test
  void goingIdleWithoutTaskCompleteReleasesTheTaskAtOnce() throws Exception {
    var bus = node.vertx().eventBus();
    CompletableFuture<JsonObject> given = new CompletableFuture<>();
    MessageConsumer<JsonObject> inbox = bus.consumer(Addresses.worker("tef-style"), m -> {
      given.complete(m.body());
      m.reply(new JsonObject().put("accepted", true));
    });
    await(inbox.completion());
    JsonObject idle = new JsonObject().put("name", "tef-style").put("instance", "tef-1").put("worker_type", "dropped").put("status", "idle");
    await(bus.request(Addresses.COLLECTIVE_STATUS, idle));
    http.post("/api/tasks", new JsonObject().put("task_type", "dropped").put("guid", "dropped-1"));
    JsonObject dispatch = given.get(30, TimeUnit.SECONDS);
    int attempt = dispatch.getInteger("attempt");
    await(bus.request(Addresses.COLLECTIVE_STATUS, idle.copy().put("status", "working").put("task", "dropped-1").put("attempt", attempt)));
    await(inbox.unregister()); // it takes nothing more

    TefWorker rescuer = TefWorker.builder("rescuer").handle("dropped", job -> Future.succeededFuture("picked up")).build();
    await(node.vertx().deployVerticle(rescuer));
    await(rescuer.registration());
    await(bus.request(Addresses.COLLECTIVE_STATUS, idle)); // idle, no task_complete
    JsonObject done = events.await("dropped-1");
    assertEquals("picked up", done.getString("result"));
    assertEquals("rescuer", done.getString("worker"));
    assertEquals(attempt + 1, done.getInteger("attempt"));
    // The dropped attempt counts toward max_attempts.
    assertEquals(1, done.getInteger("lost_count"), done.encode());
    assertEquals(1, done.getInteger("fail_count"));
    assertEquals("worker tef-style went idle without task_complete during attempt " + attempt, done.getString("fail_reason"));
    await(node.vertx().undeploy(rescuer.deploymentID()));
  }
}
