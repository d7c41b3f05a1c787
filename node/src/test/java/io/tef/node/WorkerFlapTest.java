package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A worker whose heartbeat came late once is declared offline and registers again as the same
 * instance (as the SDK does on a 404). It must be watched again: killed while running a task, it
 * is declared offline once more and its task goes back to the queue. (The chaos suite found a
 * worker that flapped once never declared offline again, its task never run again.)
 */
class WorkerFlapTest {

  @TempDir
  Path dataDir;

  @Test
  void aWorkerBackFromOfflineAsTheSameInstanceIsWatchedAgain() throws Exception {
    try (TefNode node = TestNodes.start(dataDir, Map.of());
         Http http = new Http(node.vertx(), node.httpPort())) {
      var bus = node.vertx().eventBus();
      List<JsonObject> offline = new CopyOnWriteArrayList<>();
      Promise<Void> firstOffline = Promise.promise();
      Promise<Void> secondOffline = Promise.promise();
      MessageConsumer<JsonObject> events = bus.consumer(Addresses.EVENTS_WORKERS, m -> {
        if ("offline".equals(m.body().getString("event")) && "flapper".equals(m.body().getString("name"))) {
          offline.add(m.body());
          (offline.size() == 1 ? firstOffline : secondOffline).tryComplete();
        }
      });
      await(events.completion());
      MessageConsumer<JsonObject> worker = bus.consumer(Addresses.worker("flapper"), m -> m.reply(new JsonObject().put("ok", true)));
      await(worker.completion());
      JsonObject registration = new JsonObject().put("name", "flapper").put("instance", "flapper-1")
          .put("task_types", new JsonArray().add("sleep")).put("takes_abandon", true);

      await(bus.request(Addresses.REGISTRY_REGISTER, registration));
      await(firstOffline.future()); // silent: no heartbeat at all
      ExecutionException unknown = assertThrows(ExecutionException.class, () -> await(bus.request(Addresses.COLLECTIVE_STATUS,
          new JsonObject().put("name", "flapper").put("instance", "flapper-1").put("status", "idle"))));
      assertEquals(404, assertInstanceOf(ReplyException.class, unknown.getCause()).failureCode());
      await(bus.request(Addresses.REGISTRY_REGISTER, registration)); // the same instance, again

      assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "sleep").put("guid", "on-the-flapper")
          .put("task_data", new JsonObject().put("ms", 60_000))).statusCode());
      http.awaitTask("on-the-flapper", t -> "flapper".equals(t.getString("worker")));
      // Then it dies without a word: declared offline again, its attempt lost, the task queued again.
      await(secondOffline.future());
      JsonObject back = http.awaitTask("on-the-flapper", t -> "queued".equals(t.getString("state")));
      assertEquals(1, back.getInteger("lost_count"), back.encode());
    }
  }
}
