package io.tef.node;

import io.tef.protocol.Addresses;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Worker records live in the store: a node stopped and started again on its data folder still shows them. */
class WorkerRecordsRestartTest {

  @TempDir
  Path dataDir;

  @Test
  void recordsAndHistorySurviveARestart() throws Exception {
    // A long write interval: the counter below reaches the store only through the flush at stop.
    Map<String, Object> settings = Map.of("auth.api_keys", List.of("restart-key-1"), "collective.record_write_interval_ms", 600_000);
    TefNode first = TestNodes.start(dataDir, settings);
    try (Http http = new Http(first.vertx(), first.httpPort(), "restart-key-1")) {
      String door = "/worker/state?api-key=restart-key-1";
      assertEquals(200, http.post(door, new JsonObject().put("id", "Keeper01").put("group", "product.importer").put("event", "started")).statusCode());
      assertEquals(200, http.post(door, new JsonObject().put("id", "Keeper01").put("event", "message").put("content", "batch 7 imported")).statusCode());
      assertEquals(200, http.post(door, new JsonObject().put("id", "Keeper01").put("event", "error").put("content", "row 12 rejected")).statusCode());
      assertEquals(200, http.post(door, "{\"id\":\"Keeper01\",\"event\":\"message\",\"content\":{\"$date\":\"garbage\",\"n\":9223372036854775808}}").statusCode());

      Future<Void> up = up(first, "restart-bare");
      try (BareWorker bare = new BareWorker(first, "restart-bare", "restart-job")) {
        await(up);
        TerminalEvents events = TerminalEvents.listen(first);
        await(first.vertx().eventBus().request(Addresses.TASKS_SUBMIT, new JsonObject().put("task_type", "restart-job").put("guid", "r-1")));
        int attempt = bare.next().getInteger("attempt");
        await(first.vertx().eventBus().request(Addresses.TASKS_REPORT, bare.report("r-1", attempt, "completed", "ok")));
        assertEquals("completed", events.await("r-1").getString("state"));
        // The collective hears of the end on its own; wait until it has counted it.
        until(http, "restart-bare", w -> w.getLong("tasks_completed") == 1);
      }
    } finally {
      first.close();
    }

    TefNode second = TestNodes.start(dataDir, settings);
    try (Http http = new Http(second.vertx(), second.httpPort(), "restart-key-1")) {
      JsonObject keeper = http.get("/api/workers/Keeper01").bodyAsJsonObject();
      assertEquals("product.importer", keeper.getString("group"));
      assertEquals("running", keeper.getString("status"));
      assertTrue(keeper.getJsonArray("messages").stream().anyMatch(m -> "batch 7 imported".equals(((JsonObject) m).getValue("content"))),
          keeper.encode());
      assertEquals("row 12 rejected", keeper.getJsonArray("errors").getJsonObject(0).getString("content"));
      assertTrue(keeper.getJsonArray("messages").stream().anyMatch(m -> "{\"$date\":\"garbage\",\"n\":9223372036854775808}"
          .equals(io.vertx.core.json.Json.encode(((JsonObject) m).getValue("content")))), "opaque content kept as it came: " + keeper.encode());

      JsonObject bare = http.get("/api/workers/restart-bare").bodyAsJsonObject();
      assertEquals(1, bare.getLong("tasks_completed"), "written by the flush at stop: " + bare.encode());
      assertEquals(List.of("restart-job"), bare.getJsonArray("task_types").getList());
      assertEquals("offline", bare.getString("status"), "not alive until it registers with this node");
      assertFalse(bare.getBoolean("alive"));
    } finally {
      second.close();
    }
  }

  /** With no key configured the door is closed to everyone; TEF_API_KEYS opens it. */
  @Test
  void withoutKeysTheDoorIsClosed(@TempDir Path otherDir) throws Exception {
    TefNode closed = TestNodes.start(dataDir, Map.of());
    try (Http http = new Http(closed.vertx(), closed.httpPort())) {
      HttpResponse<Buffer> r = http.post("/worker/state?api-key=anything-at-all", new JsonObject().put("id", "W1").put("event", "started"));
      assertEquals(401, r.statusCode());
      assertTrue(r.bodyAsJsonObject().getString("error").contains("TEF_API_KEYS"), r.bodyAsString());
      assertEquals(200, http.get("/api/workers").statusCode(), "the native API is not behind the door");
    } finally {
      closed.close();
    }
    Map<String, Object> overrides = Map.of("node.data_dir", otherDir.toString(), "node.name", "test-node");
    TefConfig config = ConfigLoader.loadBlocking(Map.of("TEF_ENV", "test", "TEF_API_KEYS", "env-key-0001,env-key-0002"), overrides);
    TefNode open = TefNode.start(config, null);
    try (Http http = new Http(open.vertx(), open.httpPort())) {
      assertEquals(200, http.post("/worker/state?api-key=env-key-0002", new JsonObject().put("id", "W1").put("event", "started")).statusCode());
    } finally {
      open.close();
    }
  }

  private static Future<Void> up(TefNode node, String name) throws Exception {
    Promise<Void> seen = Promise.promise();
    MessageConsumer<JsonObject> c = node.vertx().eventBus().consumer(Addresses.DISPATCHER_WORKERS, m -> {
      if (name.equals(m.body().getString("name")) && "up".equals(m.body().getString("event"))) {
        seen.tryComplete();
      }
    });
    await(c.completion());
    return seen.future().eventually(c::unregister);
  }

  /** Polls the record until the condition holds: the count arrives by its own event, which the test cannot await directly. */
  private static JsonObject until(Http http, String name, Predicate<JsonObject> condition) throws Exception {
    return Polling.until("worker " + name + " reaches the expected state", java.time.Duration.ofSeconds(15), () -> {
      HttpResponse<Buffer> r = http.get("/api/workers/" + name);
      return r.statusCode() == 200 ? r.bodyAsJsonObject() : null;
    }, condition);
  }
}
